// [[node]] tables of sentinel.toml: addresses, dnsd, checks, tunnel driver.
#include "sentinel/config/node_config_reader.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "dnsd/common/dns_name_text.h"
#include "sentinel/config/toml_fields.h"

namespace sentinel::config {
using dnsd::common::ErrorList;

ProbeTiming read_probe_timing(const toml::table& t, const std::string& file,
                              const std::string& prefix, ProbeTiming d, ErrorList& errors) {
  TomlFields f(t, file, prefix, errors);
  if (prefix == "probe") f.reject_unknown({"interval", "timeout", "fall", "rise"});
  if (auto v = f.duration("interval", dnsd::common::Millis(50))) d.interval = *v;
  if (auto v = f.duration("timeout", dnsd::common::Millis(10))) d.timeout = *v;
  if (auto v = f.integer("fall", 1, 100)) d.fall = static_cast<int>(*v);
  if (auto v = f.integer("rise", 1, 100)) d.rise = static_cast<int>(*v);
  if (d.timeout > d.interval)
    f.error("timeout", dnsd::common::format_duration(d.timeout),
            "must not exceed interval (" + dnsd::common::format_duration(d.interval) + ")");
  return d;
}

namespace {

std::optional<CheckConfig> read_check(const toml::table& t, const SentinelConfig& c,
                                      const std::string& prefix, ErrorList& errors) {
  TomlFields f(t, c.file, prefix, errors);
  f.reject_unknown({"type", "port", "url", "expect", "tls_verify", "server_name",
                    "min_days_valid", "interval", "timeout", "fall", "rise"});
  CheckConfig check;
  check.timing = read_probe_timing(t, c.file, prefix, c.probe, errors);
  auto type = f.str("type");
  if (!type) {
    if (!f.node("type")) f.error("type", "", "is required: dns, tcp, http or tls");
    return std::nullopt;
  }
  if (*type == "dns") check.kind = CheckKind::Dns;
  else if (*type == "tcp") check.kind = CheckKind::Tcp;
  else if (*type == "http") check.kind = CheckKind::Http;
  else if (*type == "tls") check.kind = CheckKind::Tls;
  else {
    f.error("type", "\"" + *type + "\"", "must be dns, tcp, http or tls");
    return std::nullopt;
  }
  if (auto v = f.integer("port", 1, 65535)) check.port = static_cast<uint16_t>(*v);
  if (auto v = f.integer("expect", 100, 599)) check.expect = static_cast<int>(*v);
  if (auto v = f.boolean("tls_verify")) check.tls_verify = *v;
  if (auto v = f.str("server_name")) check.server_name = *v;
  if (auto v = f.integer("min_days_valid", 0, 3650)) check.min_days_valid = static_cast<int>(*v);
  if (auto v = f.str("url")) {
    if (v->rfind("http://", 0) != 0 && v->rfind("https://", 0) != 0)
      f.error("url", "\"" + *v + "\"", "must start with http:// or https://");
    else
      check.url = *v;
  }
  if (check.kind == CheckKind::Http && check.url.empty() && !f.node("url"))
    f.error("url", "", "is required for an http check");
  return check;
}

std::vector<uint8_t> read_secret_file(const std::string& path, std::string& reason) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    reason = "cannot read the file";
    return {};
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string s = buf.str();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  if (s.size() < 16) reason = "the secret must be at least 16 characters";
  return {s.begin(), s.end()};
}

void read_tunnel(const toml::table& t, NodeConfig& node, const SentinelConfig& c,
                 const std::string& base, const std::string& prefix, ErrorList& errors) {
  TomlFields f(t, c.file, prefix, errors);
  f.reject_unknown({"driver", "url", "hmac_secret_file", "hmac_secret", "command"});
  auto driver = f.str("driver");
  if (!driver) {
    if (!f.node("driver")) f.error("driver", "", "is required: http, exec or none");
    return;
  }
  if (*driver == "none") {
    node.tunnel.driver = DriverKind::None;
  } else if (*driver == "http") {
    node.tunnel.driver = DriverKind::Http;
    auto url = f.str("url");
    if (!url || (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0))
      f.error("url", url ? "\"" + *url + "\"" : "", "an http(s) URL is required");
    else
      node.tunnel.url = *url;
    if (auto file = f.str("hmac_secret_file")) {
      std::string reason;
      node.tunnel.hmac_secret = read_secret_file(resolve_path(base, *file), reason);
      if (!reason.empty()) f.error("hmac_secret_file", "\"" + *file + "\"", reason);
    } else if (auto s = f.str("hmac_secret")) {
      if (s->size() < 16) f.error("hmac_secret", "", "must be at least 16 characters");
      node.tunnel.hmac_secret.assign(s->begin(), s->end());
    } else {
      f.error("hmac_secret_file", "", "is required for the http driver");
    }
  } else if (*driver == "exec") {
    node.tunnel.driver = DriverKind::Exec;
    auto cmd = f.strings("command");
    if (!cmd || cmd->empty()) {
      f.error("command", "", "a non-empty array: [\"path/to/hook\", \"args\"...]");
    } else {
      if ((*cmd)[0].find('/') != std::string::npos) (*cmd)[0] = resolve_path(base, (*cmd)[0]);
      node.tunnel.command = *cmd;
    }
  } else {
    f.error("driver", "\"" + *driver + "\"", "must be http, exec or none");
  }
}

}  // namespace

std::optional<NodeConfig> read_node(const toml::table& t, const SentinelConfig& c,
                                    const std::string& base, size_t index, ErrorList& errors) {
  std::string prefix = "node[" + std::to_string(index) + "]";
  TomlFields f(t, c.file, prefix, errors);
  f.reject_unknown({"name", "ipv4", "ipv6", "dns", "priority", "port", "checks", "tunnel",
                    "update_key"});
  size_t before = errors.size();
  NodeConfig n;
  std::string reason;
  if (auto v = f.str("name")) {
    auto norm = dnsd::common::normalize_relative_name(*v, reason);
    if (!norm || *norm == "@" || norm->find_first_of("*.") != std::string::npos)
      f.error("name", "\"" + *v + "\"", norm ? "must be a single label like lb1" : reason);
    else
      n.name = *norm;
  } else if (!f.node("name")) {
    f.error("name", "", "is required");
  }
  if (auto v = f.strings("ipv4"))
    for (const auto& a : *v) {
      if (!dnsd::common::parse_ipv4(a)) f.error("ipv4", "\"" + a + "\"", "not an IPv4 address");
      else n.ipv4.push_back(a);
    }
  if (auto v = f.strings("ipv6"))
    for (const auto& a : *v) {
      if (!dnsd::common::parse_ipv6(a)) f.error("ipv6", "\"" + a + "\"", "not an IPv6 address");
      else n.ipv6.push_back(a);
    }
  if (n.ipv4.empty() && n.ipv6.empty() && !f.node("ipv4") && !f.node("ipv6"))
    f.error("ipv4", "", "a node needs at least one address (ipv4 or ipv6)");
  if (auto v = f.str("dns")) {
    auto a = dnsd::common::parse_socket_address(*v, 53);
    if (!a) f.error("dns", "\"" + *v + "\"", "not an address or address:port of its dnsd");
    else n.dns = *a;
  } else if (!f.node("dns")) {
    f.error("dns", "", "is required: the address:port of the node's dnsd");
  }
  if (auto v = f.str("update_key")) {
    n.update_key_name = *v;
    n.update_key_line = f.line_of("update_key");
  }
  if (auto v = f.integer("priority", 0, 65535)) n.priority = static_cast<int>(*v);
  if (auto v = f.integer("port", 1, 65535)) n.port = static_cast<uint16_t>(*v);
  if (const toml::node* cn = f.node("checks")) {
    const toml::array* arr = cn->as_array();
    if (!arr) {
      f.error("checks", "", "must be an array of inline tables: [{ type = \"dns\" }]");
    } else {
      for (size_t i = 0; i < arr->size(); ++i) {
        const toml::table* ct = arr->get(i)->as_table();
        std::string cp = prefix + ".checks[" + std::to_string(i) + "]";
        if (!ct) {
          errors.add(c.file, static_cast<int>(arr->get(i)->source().begin.line), cp, "",
                     "must be a table like { type = \"tcp\", port = 443 }");
          continue;
        }
        if (auto check = read_check(*ct, c, cp, errors)) n.checks.push_back(*check);
      }
    }
  } else {
    CheckConfig dns;
    dns.timing = c.probe;
    n.checks.push_back(dns);  // default: the node's dnsd answers the zone's SOA
  }
  if (const toml::node* tn = f.node("tunnel")) {
    if (const toml::table* tt = tn->as_table()) read_tunnel(*tt, n, c, base, prefix + ".tunnel", errors);
    else f.error("tunnel", "", "must be a table like { driver = \"none\" }");
  }
  if (errors.size() != before) return std::nullopt;
  return n;
}

}  // namespace sentinel::config
