// [[node]] tables of sentinel.toml: addresses, dnsd, checks, tunnel driver. Every key goes
// through the key table (sentinel_keys.cc); what depends on other keys is checked here.
#include "sentinel/config/node_config_reader.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "dnsd/common/duration.h"

namespace sentinel::config {
using dnsd::common::ErrorList;

void check_probe_timing(TableReader& r, const ProbeTiming& d) {
  if (d.timeout > d.interval)
    r.error("timeout", dnsd::common::format_duration(d.timeout),
            "must not exceed interval (" + dnsd::common::format_duration(d.interval) + ")");
}

namespace {

std::optional<CheckConfig> read_check(const toml::table& t, const SentinelConfig& c,
                                      const std::string& base, const std::string& prefix,
                                      ErrorList& errors) {
  TableReader r(t, c.file, base, "node.checks", prefix, errors);
  r.reject_unknown();
  size_t before = errors.size();
  CheckConfig check;
  check.timing = c.probe;  // [probe] unless the check sets its own
  r.store_all({nullptr, nullptr, &check});
  if (errors.size() != before) return std::nullopt;
  check_probe_timing(r, check.timing);
  if (check.kind == CheckKind::Http && check.url.empty())
    r.error("url", "", "is required for an http check");
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

// Which keys apply depends on the driver, so the tunnel is read key by key.
void read_tunnel(const toml::table& t, NodeConfig& node, const SentinelConfig& c,
                 const std::string& base, const std::string& prefix, ErrorList& errors) {
  TableReader r(t, c.file, base, "node.tunnel", prefix, errors);
  r.reject_unknown();
  auto driver = r.get("driver");
  if (!driver) {
    if (!r.node("driver")) r.error("driver", "", "is required: http, exec or none");
    return;
  }
  const std::string& d = std::get<std::string>(*driver);
  if (d == "none") {
    node.tunnel.driver = DriverKind::None;
  } else if (d == "http") {
    node.tunnel.driver = DriverKind::Http;
    if (auto url = r.get("url"))
      node.tunnel.url = std::get<std::string>(*url);
    else if (!r.node("url"))
      r.error("url", "", "an http(s) URL is required");
    if (r.node("hmac_secret_file")) {
      if (auto file = r.get("hmac_secret_file")) {
        std::string reason, path = std::get<std::string>(*file);
        node.tunnel.hmac_secret = read_secret_file(path, reason);
        if (!reason.empty()) r.error("hmac_secret_file", "\"" + path + "\"", reason);
      }
    } else if (r.node("hmac_secret")) {
      if (auto s = r.get("hmac_secret")) {
        const auto& secret = std::get<std::string>(*s);
        node.tunnel.hmac_secret.assign(secret.begin(), secret.end());
      }
    } else {
      r.error("hmac_secret_file", "", "is required for the http driver");
    }
  } else {
    node.tunnel.driver = DriverKind::Exec;
    if (auto cmd = r.get("command"))
      node.tunnel.command = std::get<std::vector<std::string>>(*cmd);
    else if (!r.node("command"))
      r.error("command", "", "a non-empty array: [\"path/to/hook\", \"args\"...]");
  }
}

void read_checks(const toml::node& cn, NodeConfig& n, const SentinelConfig& c,
                 const std::string& base, const std::string& prefix, TableReader& r,
                 ErrorList& errors) {
  const toml::array* arr = cn.as_array();
  if (!arr) {
    r.error("checks", "", "must be an array of inline tables: [{ type = \"dns\" }]");
    return;
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::table* ct = arr->get(i)->as_table();
    std::string cp = prefix + ".checks[" + std::to_string(i) + "]";
    if (!ct) {
      errors.add(c.file, static_cast<int>(arr->get(i)->source().begin.line), cp, "",
                 "must be a table like { type = \"tcp\", port = 443 }");
      continue;
    }
    if (auto check = read_check(*ct, c, base, cp, errors)) n.checks.push_back(*check);
  }
}

}  // namespace

std::optional<NodeConfig> read_node(const toml::table& t, const SentinelConfig& c,
                                    const std::string& base, size_t index, ErrorList& errors) {
  std::string prefix = "node[" + std::to_string(index) + "]";
  TableReader r(t, c.file, base, "node", prefix, errors);
  r.reject_unknown();
  size_t before = errors.size();
  NodeConfig n;
  r.store_all({nullptr, &n, nullptr});
  if (r.node("update_key")) n.update_key_line = r.line_of("update_key");
  if (n.ipv4.empty() && n.ipv6.empty() && !r.node("ipv4") && !r.node("ipv6"))
    r.error("ipv4", "", "a node needs at least one address (ipv4 or ipv6)");
  if (const toml::node* cn = r.node("checks")) {
    read_checks(*cn, n, c, base, prefix, r, errors);
  } else {
    CheckConfig dns;
    dns.timing = c.probe;
    n.checks.push_back(dns);  // default: the node's dnsd answers the zone's SOA
  }
  if (const toml::node* tn = r.node("tunnel")) {
    if (const toml::table* tt = tn->as_table())
      read_tunnel(*tt, n, c, base, prefix + ".tunnel", errors);
    else
      r.error("tunnel", "", "must be a table like { driver = \"none\" }");
  }
  if (errors.size() != before) return std::nullopt;
  return n;
}

}  // namespace sentinel::config
