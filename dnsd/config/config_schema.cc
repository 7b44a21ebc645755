// The dnsd.toml key table: each key described once, with how it is stored and shown.
#include "dnsd/config/config_schema.h"

#include <arpa/inet.h>

#include <array>
#include <thread>

namespace dnsd::config {
namespace {

// --- showing effective values in TOML syntax -------------------------------------------

std::string q(std::string_view s) { return "\"" + std::string(s) + "\""; }

template <typename T, typename F>
std::string list(const std::vector<T>& v, F f) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + q(f(v[i]));
  return s + "]";
}
std::string str_list(const std::vector<std::string>& v) {
  return list(v, [](const std::string& s) { return s; });
}
std::string addr_list(const std::vector<common::SocketAddress>& v) {
  return list(v, [](const common::SocketAddress& a) { return a.to_string(); });
}
std::string v4(const in_addr& a) {
  char b[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, b, sizeof b);
  return b;
}
std::string v6(const in6_addr& a) {
  char b[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a, b, sizeof b);
  return b;
}
std::string replica_list(const std::vector<Replica>& v) {
  return list(v, [](const Replica& r) { return r.name + "=" + r.address.to_string(); });
}
// The converter already checked every entry.
std::vector<Replica> replicas_of(const std::vector<std::string>& texts) {
  std::vector<Replica> out;
  std::string reason;
  for (const auto& t : texts)
    if (auto r = parse_replica(t, reason)) out.push_back(*r);
  return out;
}
std::string dur(common::Millis d) { return q(common::format_duration(d)); }
std::string num(uint64_t n) { return std::to_string(n); }

// --- storing converted values ----------------------------------------------------------

template <typename T>
T take(Value&& v) { return std::get<T>(std::move(v)); }
unsigned u(Value&& v) { return static_cast<unsigned>(std::get<int64_t>(v)); }

// Workers 0 means one per core (std::thread may not know: then one).
unsigned resolve_workers(unsigned n) {
  if (n != 0) return n;
  unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : cores;
}

using VK = ValueKind;
constexpr Reload R = Reload::Reloadable;
constexpr Reload X = Reload::RestartOnly;
constexpr int64_t kMaxTtl = 2147483647;  // RFC 2181 section 8
constexpr int64_t kHour = 3'600'000;

#define CFG(expr) [](ConstTarget t) -> std::string { return expr; }
#define SET(stmt) [](Target t, Value&& v) { stmt; }

const auto kKeys = std::to_array<KeySpec>({
    // [server]
    {"server", "listen", VK::AddressList, true, "", 1, 64, "", 0, X,
     "addresses to answer on, UDP and TCP on each: \"127.0.0.1:53\", \"[::1]:53\"",
     SET(t.config.server.listen = take<std::vector<common::SocketAddress>>(std::move(v))),
     CFG(addr_list(t.config.server.listen))},
    {"server", "workers", VK::Integer, false, "1", 0, 256, "", 0, X,
     "SO_REUSEPORT sockets per listen address: each UDP one served by a thread of its own, "
     "each worker's TCP listeners by one event loop; 0 = one per core",
     SET(t.config.server.workers = resolve_workers(u(std::move(v)))),
     CFG(num(t.config.server.workers))},
    {"server", "identity", VK::String, false, "\"\"", 0, 255, "", 0, R,
     "NSID (RFC 5001) and CH TXT id.server / hostname.bind answer; \"\" = off",
     SET(t.config.server.identity = take<std::string>(std::move(v))),
     CFG(q(t.config.server.identity))},
    {"server", "state_dir", VK::Directory, false, "\"/var/lib/dnsd\"", 0, 0, "", 0, X,
     "journals and snapshots of dynamic updates; created if missing",
     SET(t.config.server.state_dir = take<std::string>(std::move(v))),
     CFG(q(t.config.server.state_dir))},
    {"server", "journal_compact_after", VK::Integer, false, "10000", 1, 100'000'000, "", 0, R,
     "compact a zone's journal into its snapshot once it holds this many updates",
     SET(t.config.server.journal_compact_after = u(std::move(v))),
     CFG(num(t.config.server.journal_compact_after))},
    {"server", "user", VK::SystemUser, false, "\"\"", 0, 0, "", 0, X,
     "drop privileges to this user after binding; \"\" = keep running as started",
     SET(t.config.server.user = take<std::string>(std::move(v))),
     CFG(q(t.config.server.user))},
    {"server", "udp_payload", VK::Integer, false, "1232", 512, 4096, "", 0, R,
     "largest EDNS UDP response sent (RFC 6891 6.2.5; 1232 avoids IP fragmentation)",
     SET(t.config.server.udp_payload = static_cast<uint16_t>(u(std::move(v)))),
     CFG(num(t.config.server.udp_payload))},
    {"server", "tcp_idle_timeout", VK::Duration, false, "\"10s\"", 100, kHour, "", 0, X,
     "close a TCP connection idle this long (RFC 7766 6.2.3)",
     SET(t.config.server.tcp_idle_timeout = take<common::Millis>(std::move(v))),
     CFG(dur(t.config.server.tcp_idle_timeout))},
    {"server", "tcp_max_clients", VK::Integer, false, "1000", 1, 1'000'000, "", 0, X,
     "open TCP connections per worker; new ones are refused beyond this",
     SET(t.config.server.tcp_max_clients = u(std::move(v))),
     CFG(num(t.config.server.tcp_max_clients))},
    {"server", "stop_grace", VK::Duration, false, "\"0s\"", 0, 5 * 60'000, "", 0, R,
     "on SIGTERM answer stop_answer at most this long first, so resolvers leave this node at "
     "once; it ends earlier once the node has left the zones' NS sets (stop_leave_wait)",
     SET(t.config.server.stop_grace = take<common::Millis>(std::move(v))),
     CFG(dur(t.config.server.stop_grace))},
    {"server", "stop_leave_wait", VK::Duration, false, "\"5s\"", 0, 5 * 60'000, "", 0, R,
     "the stop_grace window ends early once this node has left the apex NS set of every zone "
     "with self names (sentinel's push): after max(the NS set's TTL, this) + 1 s. 5s is Knot "
     "Resolver's minimum cache TTL; set it to [parent] ns_ttl when sentinel keeps a parent "
     "delegation with a longer TTL than the zone's NS set, or to stop_grace or more to always "
     "wait the whole window (docs/dnsd.md \"Stopping\")",
     SET(t.config.server.stop_leave_wait = take<common::Millis>(std::move(v))),
     CFG(dur(t.config.server.stop_leave_wait))},
    {"server", "stop_answer", VK::Choice, false, "\"upward\"", 0, 0, answer::kStopAnswerChoices, 0, R,
     "what the stop_grace window answers: upward (the default: a non-authoritative referral to "
     "the zone's parent, which Unbound, BIND, PowerDNS Recursor and Knot Resolver all treat as "
     "a lame server to leave), refused, lame (empty NOERROR with RA: BIND hands it to clients as "
     "NODATA), referral (the zone's own NS set: Unbound hands it on as NODATA) or notauth; "
     "docs/operations.md has the measurements",
     SET(t.config.server.stop_answer =
             answer::parse_stop_answer(take<std::string>(std::move(v))).value_or(answer::StopAnswer::Refused)),
     CFG(q(std::string(answer::stop_answer_name(t.config.server.stop_answer))))},
    {"server", "cookie_secret_file", VK::OptionalFile, false, "\"\"", 0, 0, "", 0, R,
     "DNS cookie secret (RFC 7873, RFC 9018), shared by every node that serves the same NS "
     "address: 32 hex digits (128 bits) per line, the current secret first, optionally the "
     "previous one after it (still accepted during a roll); \"\" = a random secret per "
     "start, so only this process accepts its cookies",
     SET(t.config.server.cookie_secret_file = take<std::string>(std::move(v))),
     CFG(q(t.config.server.cookie_secret_file))},
    // [node]
    {"node", "name", VK::Label, false, "\"\"", 0, 0, "", 0, R,
     "this node's name as sentinel knows it (lb1.<zone>, drained=); needed for self names",
     SET(t.config.node.name = take<std::string>(std::move(v))),
     CFG(q(t.config.node.name))},
    {"node", "ipv4", VK::Ipv4List, false, "[]", 0, 64, "", 0, R,
     "this node's own IPv4 addresses: the A answer of every self name",
     SET(t.config.node.ipv4 = take<std::vector<in_addr>>(std::move(v))),
     CFG(list(t.config.node.ipv4, v4))},
    {"node", "ipv6", VK::Ipv6List, false, "[]", 0, 64, "", 0, R,
     "this node's own IPv6 addresses: the AAAA answer of every self name",
     SET(t.config.node.ipv6 = take<std::vector<in6_addr>>(std::move(v))),
     CFG(list(t.config.node.ipv6, v6))},
    {"node", "ns", VK::AbsoluteNames, false, "[]", 0, 64, "", 0, R,
     "this node's names in the zones' apex NS sets (sentinel's [[node]] ns for it): when set, "
     "an NS target names this node exactly when it is one of these, in the zone or not; when "
     "empty, when its A/AAAA in the zone is one of ipv4/ipv6 (or it is a self name). Lets a "
     "stop end early once sentinel took the node out of the NS set (docs/dnsd.md \"Stopping\")",
     SET(t.config.node.ns = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.config.node.ns))},
    // [[zone]]
    {"zone", "name", VK::ZoneName, true, "", 0, 0, "", 0, R,
     "the zone's apex, e.g. \"api.example.com\"",
     SET(t.zone->name = take<std::string>(std::move(v))), CFG(q(t.zone->name))},
    {"zone", "file", VK::ExistingFile, true, "", 0, 0, "", 0, R,
     "RFC 1035 master file, the same on every node",
     SET(t.zone->file = take<std::string>(std::move(v))), CFG(q(t.zone->file))},
    {"zone", "self", VK::RelativeNames, false, "[\"@\", \"*\"]", 0, 64, "", 0, R,
     "owners answered with [node] addresses: \"@\" apex, \"*\" wildcard, \"www\", \"*.eu\"",
     SET(t.zone->self = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.zone->self))},
    {"zone", "self_ttl", VK::Integer, false, "30", 0, kMaxTtl, "", 0, R,
     "TTL of the self answers, in seconds",
     SET(t.zone->self_ttl = u(std::move(v))), CFG(num(t.zone->self_ttl))},
    {"zone", "update_keys", VK::KeyRefs, false, "[]", 0, 64, "", 0, R,
     "[[key]] names allowed to send RFC 2136 updates (TSIG, RFC 8945)",
     SET(t.zone->update_keys = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.zone->update_keys))},
    {"zone", "transfer_keys", VK::KeyRefs, false, "[]", 0, 64, "", 0, R,
     "[[key]] names allowed AXFR/IXFR",
     SET(t.zone->transfer_keys = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.zone->transfer_keys))},
    {"zone", "notify", VK::AddressList, false, "[]", 0, 64, "", 53, R,
     "secondaries to NOTIFY (RFC 1996) after a change: \"addr\" or \"addr:port\"",
     SET(t.zone->notify = take<std::vector<common::SocketAddress>>(std::move(v))),
     CFG(addr_list(t.zone->notify))},
    {"zone", "notify_source", VK::SourceAddresses, false, "[]", 0, 2, "", 0, R,
     "local address NOTIFY is sent from, one IPv4 and/or one IPv6, \"addr\" or \"addr:port\" "
     "(port 0 = any); [] = the first [server] listen address of the target's family that is "
     "not a wildcard, as BIND's notify-source; \"0.0.0.0\" / \"::\" = the kernel's choice",
     SET(t.zone->notify_source = take<std::vector<common::SocketAddress>>(std::move(v))),
     CFG(addr_list(t.zone->notify_source))},
    {"zone", "epoch_max_step", VK::Integer, false, "1000", 1, 1'000'000'000, "", 0, R,
     "largest raise of the _sentinel epoch one update may make; a larger one (or a lower or "
     "removed epoch) is refused, so a leaked key cannot fence sentinel off this node",
     SET(t.zone->epoch_max_step = static_cast<uint64_t>(std::get<int64_t>(v))),
     CFG(num(t.zone->epoch_max_step))},
    {"zone", "epoch_override_keys", VK::KeyRefs, false, "[]", 0, 64, "", 0, R,
     "[[key]] names (also in update_keys) that may set any _sentinel epoch: the operator's "
     "break-glass key, never sentinel's",
     SET(t.zone->epoch_override_keys = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.zone->epoch_override_keys))},
    {"zone", "replicas", VK::ReplicaList, false, "[]", 0, 64, "", 53, R,
     "every node that serves this zone, this one included, as \"<node.name>=<address>\" "
     "(port 53 if absent): updates signed by replicated_update_keys are applied on all of "
     "them in one order (docs/dnsd.md \"One zone on every node\"); [] = off, every update "
     "stays on the node that received it",
     SET(t.zone->replicas = replicas_of(take<std::vector<std::string>>(std::move(v)))),
     CFG(replica_list(t.zone->replicas))},
    {"zone", "update_primary", VK::Label, false, "\"\"", 0, 0, "", 0, R,
     "the replicas name of the node that orders replicated updates; the others forward "
     "them there (RFC 2136 6); reload every node to move it",
     SET(t.zone->update_primary = take<std::string>(std::move(v))),
     CFG(q(t.zone->update_primary))},
    {"zone", "replicated_update_keys", VK::KeyRefs, false, "[]", 0, 64, "", 0, R,
     "[[key]] names (also in update_keys) whose updates go to every node (ACME clients, "
     "external-dns); updates signed by any other key (sentinel's) stay on this node",
     SET(t.zone->replicated_update_keys = take<std::vector<std::string>>(std::move(v))),
     CFG(str_list(t.zone->replicated_update_keys))},
    {"zone", "replication_key", VK::KeyRef, false, "\"\"", 0, 0, "", 0, R,
     "[[key]] the nodes sign replication traffic with, the same secret on every node; "
     "never a client's key (it may only write fenced _replication entries and transfer the zone)",
     SET(t.zone->replication_key = take<std::string>(std::move(v))),
     CFG(q(t.zone->replication_key))},
    {"zone", "replication_ack", VK::Choice, false, "\"majority\"", 0, 0, "majority|all", 0, R,
     "how many nodes, the primary included, must hold a replicated update durably before "
     "the client gets NOERROR: majority | all",
     SET(t.zone->replication_ack_all = take<std::string>(std::move(v)) == "all"),
     CFG(q(t.zone->replication_ack_all ? "all" : "majority"))},
    {"zone", "replication_timeout", VK::Duration, false, "\"2s\"", 100, 60'000, "", 0, R,
     "how long the primary waits for replication_ack nodes before it answers SERVFAIL (the "
     "update may still reach every node: it stays in the replication log)",
     SET(t.zone->replication_timeout = take<common::Millis>(std::move(v))),
     CFG(dur(t.zone->replication_timeout))},
    // [[key]]: checked by common::parse_key_table, shared with sentinel.
    {"key", "name", VK::External, true, "", 0, 0, "", 0, R,
     "the TSIG key name both sides use, e.g. \"sentinel\"", nullptr, nullptr},
    {"key", "algorithm", VK::External, false, "\"hmac-sha256\"", 0, 0,
     "hmac-sha256|hmac-sha384|hmac-sha512", 0, R,
     "hmac-sha256 | hmac-sha384 | hmac-sha512 (hmac-md5 is refused)", nullptr, nullptr},
    {"key", "secret", VK::External, false, "", 0, 0, "", 0, R,
     "base64 secret, at least 16 bytes; prefer secret_file", nullptr, nullptr},
    {"key", "secret_file", VK::External, false, "", 0, 0, "", 0, R,
     "file with the base64 secret or a tsig-keygen `key` block", nullptr, nullptr},
    // [rrl]
    {"rrl", "responses_per_second", VK::Integer, false, "0", 0, 1'000'000, "", 0, X,
     "response rate limit per client /24 (IPv4) or /56 (IPv6); 0 = off",
     SET(t.config.rrl.responses_per_second = u(std::move(v))),
     CFG(num(t.config.rrl.responses_per_second))},
    {"rrl", "slip", VK::Integer, false, "2", 0, 10, "", 0, X,
     "every Nth limited response is sent truncated (TC) instead of dropped; 0 = drop all",
     SET(t.config.rrl.slip = u(std::move(v))), CFG(num(t.config.rrl.slip))},
    // [metrics]
    {"metrics", "listen", VK::OptionalAddress, false, "\"127.0.0.1:9153\"", 0, 0, "", 0, X,
     "Prometheus text at http://<listen>/metrics, and /health and /ready; \"\" = off",
     SET(t.config.metrics.listen = take<std::optional<common::SocketAddress>>(std::move(v))),
     CFG(q(t.config.metrics.listen ? t.config.metrics.listen->to_string() : ""))},
    // [control]
    {"control", "socket", VK::SocketPath, false, "\"\"", 0, 107, "", 0, X,
     "unix socket dnsdctl talks to, mode 0600, owned by server.user; \"\" = "
     "<server.state_dir>/control.sock, \"off\" = no control socket",
     SET(t.config.control.socket = take<std::string>(std::move(v))),
     CFG(q(t.config.control.socket))},
    // [log]
    {"log", "level", VK::Choice, false, "\"info\"", 0, 0, "trace|debug|info|warn|error", 0, R,
     "trace | debug | info | warn | error",
     SET(t.config.log.level = take<std::string>(std::move(v))), CFG(q(t.config.log.level))},
    {"log", "format", VK::Choice, false, "\"auto\"", 0, 0, "auto|text|journal|json", 0, R,
     "auto (journal when stderr is systemd's journal, else text) | text | journal (\"<N>\" "
     "level prefixes, no timestamp) | json (one object a line: time, level, msg)",
     SET(t.config.log.format = take<std::string>(std::move(v))), CFG(q(t.config.log.format))},
    {"log", "queries", VK::Bool, false, "false", 0, 0, "", 0, R,
     "one info line per query the workers answer: client, qname, qtype, rcode, response "
     "size, latency in microseconds, transport (at most queries_per_second lines)",
     SET(t.config.log.queries = std::get<bool>(v)),
     CFG(t.config.log.queries ? "true" : "false")},
    {"log", "queries_per_second", VK::Integer, false, "100", 1, 1'000'000, "", 0, R,
     "cap on query log lines per second; the rest are counted, and one line a second says "
     "how many were not logged",
     SET(t.config.log.queries_per_second = u(std::move(v))),
     CFG(num(t.config.log.queries_per_second))},
});

#undef CFG
#undef SET

constexpr std::array<SectionSpec, 8> kSections{{
    {"server", false, "how dnsd listens and runs"},
    {"node", false, "who this node is: what its self names answer"},
    {"zone", true, "one [[zone]] per served zone"},
    {"key", true, "one [[key]] per TSIG key (RFC 8945)"},
    {"rrl", false, "response rate limiting"},
    {"metrics", false, "Prometheus metrics endpoint"},
    {"control", false, "the dnsdctl control socket"},
    {"log", false, "logging to stderr"},
}};

}  // namespace

std::span<const SectionSpec> sections() { return kSections; }

std::span<const KeySpec> key_table() { return kKeys; }

const SectionSpec* find_section(std::string_view name) {
  return common::find_by_name(sections(), name);
}

const KeySpec* find_key_spec(std::string_view section, std::string_view name) {
  return common::find_key_in(key_table(), section, name);
}

std::string key_table_text() { return common::key_list_text(key_docs()); }

namespace {

std::string type_name(ValueKind kind) {
  switch (kind) {
    case VK::Bool: return "boolean";
    case VK::Integer: return "integer";
    case VK::String: return "string";
    case VK::Label: return "DNS label";
    case VK::Choice: return "string";
    case VK::Duration: return "duration";
    case VK::SystemUser: return "user name";
    case VK::Directory: return "directory";
    case VK::ExistingFile: return "file";
    case VK::OptionalFile: return "file";
    case VK::SocketPath: return "socket path";
    case VK::ZoneName: return "zone name";
    case VK::OptionalAddress: return "address:port";
    case VK::AddressList: return "address list";
    case VK::SourceAddresses: return "source address list";
    case VK::Ipv4List: return "IPv4 address list";
    case VK::Ipv6List: return "IPv6 address list";
    case VK::RelativeNames: return "list of relative names";
    case VK::AbsoluteNames: return "list of names";
    case VK::KeyRefs: return "list of [[key]] names";
    case VK::KeyRef: return "[[key]] name";
    case VK::ReplicaList: return "list of name=address";
    case VK::External: return "string";
  }
  return "string";
}

std::string range_text(const KeySpec& k) {
  auto span = [&](std::string unit) {
    return std::to_string(k.min) + ".." + std::to_string(k.max) + unit;
  };
  switch (k.kind) {
    case VK::Integer: return span("");
    case VK::String: return span(" characters");
    case VK::Duration:
      return common::format_duration(common::Millis(k.min)) + ".." +
             common::format_duration(common::Millis(k.max));
    case VK::SocketPath: return "at most " + std::to_string(k.max) + " bytes";
    case VK::AddressList:
    case VK::SourceAddresses:
    case VK::Ipv4List:
    case VK::Ipv6List:
    case VK::RelativeNames:
    case VK::AbsoluteNames:
    case VK::KeyRefs:
    case VK::ReplicaList: return span(" entries");
    default: return "";
  }
}

}  // namespace

std::vector<common::KeyDoc> key_docs() {
  std::vector<common::KeyDoc> out;
  for (const auto& k : key_table()) {
    common::KeyDoc d;
    d.section = k.section;
    d.name = k.name;
    d.type = type_name(k.kind);
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

std::vector<common::SectionDoc> section_docs() {
  std::vector<common::SectionDoc> out;
  for (const auto& s : sections()) {
    std::string n(s.name);
    out.push_back({n, s.array ? "[[" + n + "]]" : "[" + n + "]", std::string(s.doc)});
  }
  return out;
}

std::vector<std::string> restart_only_changes(const Config& running, const Config& next) {
  std::vector<std::string> out;
  for (const auto& k : key_table()) {
    if (k.reload != Reload::RestartOnly || !k.show || k.section == "zone") continue;
    if (k.show({running, nullptr}) != k.show({next, nullptr})) out.push_back(k.dotted());
  }
  return out;
}

}  // namespace dnsd::config
