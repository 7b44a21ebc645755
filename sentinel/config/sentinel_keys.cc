// The sentinel.toml key table: each key described once, with how it is stored and shown.
#include "sentinel/config/sentinel_keys.h"

#include <array>
#include <sstream>

#include "dnsd/common/duration.h"

namespace sentinel::config {
namespace {

// --- showing effective values in TOML syntax -------------------------------------------

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }
std::string str_list(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + q(v[i]);
  return s + "]";
}
std::string dur(Millis d) { return q(dnsd::common::format_duration(d)); }
std::string num(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
std::string yes(bool b) { return b ? "true" : "false"; }

// --- storing converted values ----------------------------------------------------------

template <typename T>
T take(Value&& v) { return std::get<T>(std::move(v)); }
// AddressList values are the canonical texts of addresses already checked.
std::vector<dnsd::common::SocketAddress> addresses(const std::vector<std::string>& texts) {
  std::vector<dnsd::common::SocketAddress> out;
  for (const auto& t : texts)
    if (auto a = dnsd::common::parse_socket_address(t)) out.push_back(*a);
  return out;
}
int i(Value&& v) { return static_cast<int>(std::get<int64_t>(v)); }

CheckKind check_kind(const std::string& type) {
  if (type == "tcp") return CheckKind::Tcp;
  if (type == "http") return CheckKind::Http;
  if (type == "tls") return CheckKind::Tls;
  return CheckKind::Dns;
}

using VK = ValueKind;
constexpr Reload X = Reload::RestartOnly;  // kept at the running value by a reload
constexpr Reload R = Reload::Reloadable;   // applied by SIGHUP / sentinel reload (config_reload.h)
constexpr int64_t kNoMax = INT64_MAX;

#define CFG(expr) [](ConstTarget t) -> std::string { return expr; }
#define SET(stmt) [](Target t, Value&& v) { stmt; }

const auto kKeys = std::to_array<KeySpec>({
    // [sentinel]
    {"sentinel", "id", VK::Id, false, "\"s1\"", 1, 64, "", 0, X,
     "this sentinel's name, written into the _sentinel TXT record (by=s1)",
     SET(t.config->id = take<std::string>(std::move(v))), CFG(q(t.config.id))},
    {"sentinel", "state_file", VK::Path, true, "", 0, 0, "", 0, X,
     "JSON file with the epoch, master, drained nodes and history; its folder is created",
     SET(t.config->state_file = take<std::string>(std::move(v))), nullptr},
    {"sentinel", "api_listen", VK::Address, true, "", 0, 0, "", 0, X,
     "address:port of the JSON API, /metrics and the status page",
     SET(t.config->api_listen = take<dnsd::common::SocketAddress>(std::move(v))), nullptr},
    {"sentinel", "api_token_file", VK::Path, true, "", 0, 0, "", 0, X,
     "bearer token of the API's write calls; created with mode 0600 on first start",
     SET(t.config->api_token_file = take<std::string>(std::move(v))), nullptr},
    // [cluster]
    {"cluster", "zone", VK::ZoneName, true, "", 0, 0, "", 0, X,
     "the zone whose records sentinel rewrites on every dnsd, e.g. \"api.example.com\"",
     SET(t.config->zone = take<std::string>(std::move(v))), nullptr},
    {"cluster", "master_name", VK::OwnerName, false, "\"master\"", 0, 0, "", 0, X,
     "owner below the zone answering A/AAAA of the current master",
     SET(t.config->master_name = take<std::string>(std::move(v))), CFG(q(t.config.master_name))},
    {"cluster", "pool_name", VK::OwnerName, false, "\"cluster\"", 0, 0, "", 0, X,
     "owner below the zone answering A/AAAA of every healthy, undrained node",
     SET(t.config->pool_name = take<std::string>(std::move(v))), CFG(q(t.config.pool_name))},
    {"cluster", "srv", VK::OwnerNames, false, "[\"_tunnel._tcp\"]", 0, 16, "", 0, X,
     "SRV owners: priority 0 is the master, 10, 20, ... the replicas",
     SET(t.config->srv = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.config.srv))},
    {"cluster", "ttl", VK::Integer, false, "30", 0, 86400, "", 0, R,
     "TTL in seconds of the records sentinel writes",
     SET(t.config->ttl = static_cast<uint32_t>(i(std::move(v)))), CFG(num(t.config.ttl))},
    {"cluster", "ns_ttl", VK::Integer, false, "60", 1, 86400, "", 0, R,
     "TTL in seconds of the zone's apex NS set once sentinel manages it (a [[node]] has ns); "
     "short, so that resolvers stop asking a node that left it",
     SET(t.config->ns_ttl = static_cast<uint32_t>(i(std::move(v)))), CFG(num(t.config.ns_ttl))},
    {"cluster", "failover", VK::Choice, false, "\"auto\"", 0, 0, "auto|manual", 0, R,
     "auto, or manual: only `sentinel promote` moves the master",
     SET(t.config->failover_auto = take<std::string>(std::move(v)) == "auto"),
     CFG(q(t.config.failover_auto ? "auto" : "manual"))},
    {"cluster", "cooldown", VK::Duration, false, "\"1m\"", 0, kNoMax, "", 0, R,
     "no second automatic failover within this",
     SET(t.config->cooldown = take<Millis>(std::move(v))), CFG(dur(t.config.cooldown))},
    {"cluster", "update_key", VK::Text, false, "", 0, 0, "", 0, R,
     "a default [[key]] for nodes without their own update_key; avoid it, one stolen key "
     "could then rewrite every node",
     nullptr, nullptr},
    {"cluster", "reconcile_interval", VK::Duration, false, "\"30s\"", 1000, kNoMax, "", 0, R,
     "compare every dnsd with the desired records this often and repair it",
     SET(t.config->reconcile_interval = take<Millis>(std::move(v))),
     CFG(dur(t.config.reconcile_interval))},
    {"cluster", "driver_timeout", VK::Duration, false, "\"5s\"", 100, kNoMax, "", 0, R,
     "timeout of one http tunnel driver call (retried 3 times)",
     SET(t.config->driver_timeout = take<Millis>(std::move(v))), CFG(dur(t.config.driver_timeout))},
    // [probe]
    {"probe", "interval", VK::Duration, false, "\"1s\"", 50, kNoMax, "", 0, R,
     "time between two probes of a check",
     SET(t.config->probe.interval = take<Millis>(std::move(v))), CFG(dur(t.config.probe.interval))},
    {"probe", "timeout", VK::Duration, false, "\"800ms\"", 10, kNoMax, "", 0, R,
     "a probe not answered within this fails; at most interval",
     SET(t.config->probe.timeout = take<Millis>(std::move(v))), CFG(dur(t.config.probe.timeout))},
    {"probe", "fall", VK::Integer, false, "3", 1, 100, "", 0, R,
     "consecutive failures before a node is down",
     SET(t.config->probe.fall = i(std::move(v))), CFG(num(t.config.probe.fall))},
    {"probe", "rise", VK::Integer, false, "2", 1, 100, "", 0, R,
     "consecutive successes before a node is up again",
     SET(t.config->probe.rise = i(std::move(v))), CFG(num(t.config.probe.rise))},
    // [damping]
    {"damping", "penalty", VK::Number, false, "1000", 0, 0, "", 0, R,
     "penalty added each time a node goes down",
     SET(t.config->damping.penalty = take<double>(std::move(v))),
     CFG(num(t.config.damping.penalty))},
    {"damping", "suppress", VK::Number, false, "2500", 1, 0, "", 0, R,
     "above this penalty the node stays out of service",
     SET(t.config->damping.suppress = take<double>(std::move(v))),
     CFG(num(t.config.damping.suppress))},
    {"damping", "reuse", VK::Number, false, "800", 0, 0, "", 0, R,
     "a suppressed node is used again once its penalty decays below this; below suppress",
     SET(t.config->damping.reuse = take<double>(std::move(v))), CFG(num(t.config.damping.reuse))},
    {"damping", "half_life", VK::Duration, false, "\"2m\"", 1000, kNoMax, "", 0, R,
     "the penalty halves in this time",
     SET(t.config->damping.half_life = take<Millis>(std::move(v))),
     CFG(dur(t.config.damping.half_life))},
    // [log]
    {"log", "level", VK::Choice, false, "\"info\"", 0, 0, "trace|debug|info|warn|error", 0, R,
     "trace | debug | info | warn | error",
     SET(t.config->log_level = take<std::string>(std::move(v))), CFG(q(t.config.log_level))},
    {"log", "format", VK::Choice, false, "\"auto\"", 0, 0, "auto|text|journal|json", 0, X,
     "auto (journal when stderr is systemd's journal, else text) | text | journal | json",
     SET(t.config->log_format = take<std::string>(std::move(v))), CFG(q(t.config.log_format))},
    // [coordination]
    {"coordination", "etcd", VK::UrlList, true, "", 1, 16, "", 0, X,
     "the etcd members' client URLs, e.g. [\"http://10.0.0.1:2379\"]; several sentinels "
     "coordinate through them",
     SET(t.config->coordination.etcd = take<std::vector<std::string>>(std::move(v))), nullptr},
    {"coordination", "prefix", VK::Text, false, "", 0, 0, "", 0, X,
     "the etcd key prefix of this cluster, starting and ending with /: opinions/, leader, "
     "state and requests/ live below it; default \"/dnsgtm/<zone>/\"",
     SET(t.config->coordination.prefix = take<std::string>(std::move(v))), nullptr},
    {"coordination", "sentinels", VK::IdList, true, "", 1, 64, "", 0, X,
     "the [sentinel] id of every sentinel of the cluster, this one's included",
     SET(t.config->coordination.sentinels = take<std::vector<std::string>>(std::move(v))),
     nullptr},
    {"coordination", "quorum", VK::Integer, false, "", 1, 16, "", 0, X,
     "live sentinels that must see a node down before it is objectively down (ODOWN), at "
     "most the number of sentinels; default a majority of them",
     SET(t.config->coordination.quorum = i(std::move(v))), nullptr},
    {"coordination", "lease", VK::Duration, false, "\"5s\"", 1000, 600000, "", 0, X,
     "a dead leader is replaced within lease + one [probe] interval (the TTL asked of etcd "
     "for the leadership and each sentinel's opinions is chosen to keep that), whole "
     "seconds; at least [probe] interval x fall",
     SET(t.config->coordination.lease = take<Millis>(std::move(v))),
     CFG(dur(t.config.coordination.lease))},
    // [parent]
    {"parent", "zone", VK::ZoneName, true, "", 0, 0, "", 0, R,
     "the parent zone that delegates [cluster] zone, e.g. \"example.com\": sentinel keeps its "
     "NS records of the zone to the apex NS set",
     SET(t.config->parent.zone = take<std::string>(std::move(v))), nullptr},
    {"parent", "servers", VK::AddressList, true, "", 1, 8, "", 53, R,
     "address or address:port of the parent zone's primary server(s) that take RFC 2136 "
     "updates, tried in order; the delegation is read back from the one that answered",
     SET(t.config->parent.servers = addresses(take<std::vector<std::string>>(std::move(v)))),
     nullptr},
    {"parent", "update_key", VK::Text, true, "", 0, 0, "", 0, R,
     "the [[key]] that signs the updates to the parent; the parent must accept it for the "
     "zone's delegation only",
     SET(t.config->parent.update_key_name = take<std::string>(std::move(v))), nullptr},
    {"parent", "ns_ttl", VK::Integer, false, "", 1, 86400, "", 0, R,
     "TTL in seconds of the delegation's NS records and glue; default [cluster] ns_ttl",
     SET(t.config->parent.ns_ttl = static_cast<uint32_t>(i(std::move(v)))), nullptr},
    {"parent", "glue", VK::Bool, false, "true", 0, 0, "", 0, R,
     "also keep the A/AAAA glue of the NS names at or below the zone (from the nodes' ipv4 "
     "and ipv6): added with the name, deleted when it leaves",
     SET(t.config->parent.glue = std::get<bool>(v)), CFG(yes(t.config.parent.glue))},
    // [[node]]
    {"node", "name", VK::Label, true, "", 0, 0, "", 0, R,
     "the node's name, one label: also <name>.<zone> A/AAAA, and its dnsd's [node] name",
     SET(t.node->name = take<std::string>(std::move(v))), nullptr},
    {"node", "ipv4", VK::Ipv4List, false, "[]", 0, 0, "", 0, R,
     "the node's IPv4 addresses, published while it serves (ipv4 or ipv6 is required)",
     SET(t.node->ipv4 = take<std::vector<std::string>>(std::move(v))), CFG(str_list(t.node->ipv4))},
    {"node", "ipv6", VK::Ipv6List, false, "[]", 0, 0, "", 0, R,
     "the node's IPv6 addresses",
     SET(t.node->ipv6 = take<std::vector<std::string>>(std::move(v))), CFG(str_list(t.node->ipv6))},
    {"node", "dns", VK::Address, true, "", 0, 0, "", 53, R,
     "address or address:port of the node's dnsd, probed and updated",
     SET(t.node->dns = take<dnsd::common::SocketAddress>(std::move(v))), nullptr},
    {"node", "update_key", VK::Text, false, "", 0, 0, "", 0, R,
     "the [[key]] that signs this node's updates, its own; default [cluster] update_key",
     SET(t.node->update_key_name = take<std::string>(std::move(v))), nullptr},
    {"node", "priority", VK::Integer, false, "0", 0, 65535, "", 0, R,
     "lower is preferred as master; also orders the replicas' SRV priorities",
     SET(t.node->priority = i(std::move(v))), CFG(num(t.node->priority))},
    {"node", "port", VK::Integer, false, "443", 1, 65535, "", 0, R,
     "the port in the node's SRV records",
     SET(t.node->port = static_cast<uint16_t>(i(std::move(v)))), CFG(num(t.node->port))},
    {"node", "ns", VK::ZoneName, false, "", 0, 0, "", 0, R,
     "the NS name its dnsd is known by in the zone's apex NS set, e.g. \"lb1.api.example.com\": "
     "sentinel removes it while the node is out of service (never below two NS) and puts it "
     "back; without it the node's NS record is left as the zone file has it",
     SET(t.node->ns = take<std::string>(std::move(v))), nullptr},
    {"node", "fence", VK::Command, false, "", 0, 0, "", 0, R,
     "[\"path/to/hook\", \"args\"...] run with \"fence NODE EPOCH MASTER\" before a failover "
     "away from this node promotes another one: cut the old master off",
     SET(t.node->fence = take<std::vector<std::string>>(std::move(v))), nullptr},
    {"node", "fence_required", VK::Bool, false, "false", 0, 0, "", 0, R,
     "true: a failover away from this node promotes only after its fence hook succeeded",
     SET(t.node->fence_required = std::get<bool>(v)), CFG(yes(t.node->fence_required))},
    {"node", "checks", VK::External, false, "[{ type = \"dns\" }]", 0, 0, "", 0, R,
     "the node's health checks, inline tables (node.checks.*); all must pass", nullptr,
     nullptr},
    {"node", "tunnel", VK::External, false, "{ driver = \"none\" }", 0, 0, "", 0, R,
     "how the tunnel server on the node is told its role, an inline table (node.tunnel.*)",
     nullptr, nullptr},
    // [[node]] checks = [{ ... }]
    {"node.checks", "type", VK::Selector, true, "", 0, 0, "dns|tcp|http|tls", 0, R,
     "dns: its dnsd answers the zone's SOA with AA; tcp: a connect; http: a GET; tls: a "
     "handshake and certificate check",
     SET(t.check->kind = check_kind(take<std::string>(std::move(v)))), nullptr},
    {"node.checks", "port", VK::Integer, false, "", 1, 65535, "", 0, R,
     "tcp and tls: the port to connect to; default the node's port",
     SET(t.check->port = static_cast<uint16_t>(i(std::move(v)))), nullptr},
    {"node.checks", "url", VK::Url, false, "", 0, 0, "", 0, R,
     "http: the URL to GET (required for http)",
     SET(t.check->url = take<std::string>(std::move(v))), nullptr},
    {"node.checks", "expect", VK::Integer, false, "200", 100, 599, "", 0, R,
     "http: the status code that passes",
     SET(t.check->expect = i(std::move(v))), CFG(num(t.check->expect))},
    {"node.checks", "tls_verify", VK::Bool, false, "true", 0, 0, "", 0, R,
     "http and tls: verify the certificate chain and host name",
     SET(t.check->tls_verify = std::get<bool>(v)), CFG(yes(t.check->tls_verify))},
    {"node.checks", "server_name", VK::Text, false, "\"\"", 0, 0, "", 0, R,
     "tls: the SNI and verified host name",
     SET(t.check->server_name = take<std::string>(std::move(v))), CFG(q(t.check->server_name))},
    {"node.checks", "min_days_valid", VK::Integer, false, "0", 0, 3650, "", 0, R,
     "tls: fail when the certificate expires within this many days",
     SET(t.check->min_days_valid = i(std::move(v))), CFG(num(t.check->min_days_valid))},
    {"node.checks", "interval", VK::Duration, false, "", 50, kNoMax, "", 0, R,
     "as [probe] interval, for this check; default [probe] interval",
     SET(t.check->timing.interval = take<Millis>(std::move(v))), nullptr},
    {"node.checks", "timeout", VK::Duration, false, "", 10, kNoMax, "", 0, R,
     "as [probe] timeout, for this check; default [probe] timeout",
     SET(t.check->timing.timeout = take<Millis>(std::move(v))), nullptr},
    {"node.checks", "fall", VK::Integer, false, "", 1, 100, "", 0, R,
     "as [probe] fall, for this check; default [probe] fall",
     SET(t.check->timing.fall = i(std::move(v))), nullptr},
    {"node.checks", "rise", VK::Integer, false, "", 1, 100, "", 0, R,
     "as [probe] rise, for this check; default [probe] rise",
     SET(t.check->timing.rise = i(std::move(v))), nullptr},
    // [[node]] tunnel = { ... }: which keys apply depends on the driver.
    {"node.tunnel", "driver", VK::Selector, true, "", 0, 0, "http|exec|none", 0, R,
     "http: POST the role to url, HMAC-signed; exec: run command; none: do nothing",
     nullptr, nullptr},
    {"node.tunnel", "url", VK::Url, false, "", 0, 0, "", 0, R,
     "http driver: the tunnel server's replication endpoint (required for http)", nullptr,
     nullptr},
    {"node.tunnel", "hmac_secret_file", VK::Path, false, "", 0, 0, "", 0, R,
     "http driver: file with the shared HMAC secret, at least 16 characters", nullptr, nullptr},
    {"node.tunnel", "hmac_secret", VK::Secret, false, "", 16, 0, "", 0, R,
     "http driver: the secret itself, when there is no hmac_secret_file; prefer the file",
     nullptr, nullptr},
    {"node.tunnel", "command", VK::Command, false, "", 0, 0, "", 0, R,
     "exec driver: [\"path/to/hook\", \"args\"...], run with the role and node",
     nullptr, nullptr},
    // [[key]]: checked by dnsd::common::parse_key_table, shared with dnsd.
    {"key", "name", VK::External, true, "", 0, 0, "", 0, R,
     "the TSIG key name both sides use, e.g. \"lb1.sentinel\"", nullptr, nullptr},
    {"key", "algorithm", VK::External, false, "\"hmac-sha256\"", 0, 0,
     "hmac-sha256|hmac-sha384|hmac-sha512", 0, R,
     "hmac-sha256 | hmac-sha384 | hmac-sha512 (hmac-md5 is refused)", nullptr, nullptr},
    {"key", "secret", VK::External, false, "", 0, 0, "", 0, R,
     "base64 secret, at least 16 bytes; prefer secret_file", nullptr, nullptr},
    {"key", "secret_file", VK::External, false, "", 0, 0, "", 0, R,
     "file with the base64 secret or a tsig-keygen `key` block", nullptr, nullptr},
});

#undef CFG
#undef SET

constexpr std::array<SectionSpec, 11> kSections{{
    {"sentinel", "[sentinel]", true, "this sentinel: its name, state file and API"},
    {"cluster", "[cluster]", true, "the zone and the records sentinel maintains in it"},
    {"probe", "[probe]", false, "default timing of every check"},
    {"damping", "[damping]", false, "flap damping, as BGP does it (RFC 2439)"},
    {"log", "[log]", false, "logging to stderr"},
    {"coordination", "[coordination]", false,
     "several sentinels, one leader, coordinated through etcd; absent = a single sentinel"},
    {"parent", "[parent]", false,
     "the parent zone's delegation of the zone, kept to the apex NS set by RFC 2136 updates; "
     "absent = sentinel leaves the delegation alone"},
    {"node", "[[node]]", true, "one [[node]] per dnsd node sentinel watches"},
    {"node.checks", "[[node]] checks = [{ ... }]", false,
     "a node's health checks; without checks, one dns check"},
    {"node.tunnel", "[[node]] tunnel = { ... }", false,
     "the tunnel driver that tells the node's tunnel server its role"},
    {"key", "[[key]]", false, "one [[key]] per TSIG key (RFC 8945)"},
}};

std::string type_name(const KeySpec& k) {
  switch (k.kind) {
    case VK::Bool: return "boolean";
    case VK::Integer: return "integer";
    case VK::Number: return "number";
    case VK::Duration: return "duration";
    case VK::Choice: return "string";
    case VK::Selector: return "string";
    case VK::Id: return "string";
    case VK::Text: return "string";
    case VK::Secret: return "string";
    case VK::Path: return "path";
    case VK::Address: return k.default_port ? "address[:port]" : "address:port";
    case VK::AddressList: return k.default_port ? "list of address[:port]" : "list of address:port";
    case VK::ZoneName: return "zone name";
    case VK::OwnerName: return "name below the zone";
    case VK::OwnerNames: return "list of names below the zone";
    case VK::Label: return "DNS label";
    case VK::Ipv4List: return "IPv4 address list";
    case VK::Ipv6List: return "IPv6 address list";
    case VK::Url: return "URL";
    case VK::UrlList: return "URL list";
    case VK::IdList: return "list of strings";
    case VK::Command: return "command list";
    case VK::External:
      if (k.name == "checks") return "array of inline tables";
      if (k.name == "tunnel") return "inline table";
      return "string";
  }
  return "string";
}

std::string range_text(const KeySpec& k) {
  switch (k.kind) {
    case VK::Integer: return std::to_string(k.min) + ".." + std::to_string(k.max);
    case VK::Number: return "at least " + std::to_string(k.min);
    case VK::Duration:
      return k.min ? "at least " + dnsd::common::format_duration(Millis(k.min)) : "";
    case VK::Id: return "1.." + std::to_string(k.max) + " characters";
    case VK::Secret: return "at least " + std::to_string(k.min) + " characters";
    case VK::OwnerNames: return std::to_string(k.min) + ".." + std::to_string(k.max) + " entries";
    case VK::UrlList: return std::to_string(k.min) + ".." + std::to_string(k.max) + " entries";
    case VK::AddressList: return std::to_string(k.min) + ".." + std::to_string(k.max) + " entries";
    case VK::IdList: return "1..16 entries of 1.." + std::to_string(k.max) + " characters";
    default: return "";
  }
}

}  // namespace

std::span<const SectionSpec> sections() { return kSections; }
std::span<const KeySpec> key_table() { return kKeys; }

const SectionSpec* find_section(std::string_view name) {
  return dnsd::common::find_by_name(sections(), name);
}

const KeySpec* find_key_spec(std::string_view section, std::string_view name) {
  return dnsd::common::find_key_in(key_table(), section, name);
}

std::vector<dnsd::common::KeyDoc> key_docs() {
  std::vector<dnsd::common::KeyDoc> out;
  for (const auto& k : kKeys) {
    dnsd::common::KeyDoc d;
    d.section = k.section;
    d.name = k.name;
    d.type = type_name(k);
    d.required = k.required;
    d.default_text = k.default_text;
    d.range = range_text(k);
    d.choices = k.choices;
    d.reloadable = k.reload == Reload::Reloadable;
    d.doc = k.doc;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<dnsd::common::SectionDoc> section_docs() {
  std::vector<dnsd::common::SectionDoc> out;
  for (const auto& s : kSections)
    out.push_back({std::string(s.name), std::string(s.header), std::string(s.doc)});
  return out;
}

std::string key_table_text() { return dnsd::common::key_list_text(key_docs()); }

}  // namespace sentinel::config
