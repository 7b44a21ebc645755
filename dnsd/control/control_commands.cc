// Each command's answer from the daemon's snapshot (see control_commands.h).
#include "dnsd/control/control_commands.h"

#include <cctype>
#include <exception>
#include <nlohmann/json.hpp>

namespace dnsd::control {
namespace {

using nlohmann::json;

std::string dump(const json& j) {
  // Paths and names come from files: invalid UTF-8 is replaced, never thrown about.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json error(const std::string& message) { return {{"ok", false}, {"error", message}}; }
json ok(json result) { return {{"ok", true}, {"result", std::move(result)}}; }

// Response codes by name (RFC 1035, 2136, 6895, 8945; 16 is BADVERS in a query response
// and BADSIG in an update answer).
const char* const kRcodeNames[] = {
    "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
    "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", "RCODE12", "RCODE13",
    "RCODE14", "RCODE15", "BADSIG", "BADKEY", "BADTIME", "BADMODE", "BADNAME",
    "BADALG", "BADTRUNC", "BADCOOKIE", "OTHER"};

json rcodes(const uint64_t* counts, size_t n) {
  json out = json::object();
  for (size_t i = 0; i < n; ++i) out[kRcodeNames[i]] = counts[i];
  return out;
}

// The workers' answers by rcode, summed over zones, qtypes and transports.
json answered_by_rcode(const net::StatsTotals& t) {
  namespace L = net::query_labels;
  std::vector<uint64_t> sum(L::kRcodeCount, 0);
  for (const auto& cells : t.answered)
    for (size_t q = 0; q < L::kQtypeCount; ++q)
      for (size_t r = 0; r < L::kRcodeCount; ++r)
        for (size_t tr = 0; tr < L::kTransportCount; ++tr) sum[r] += cells[net::cell_index(q, r, tr)];
  json out = json::object();
  for (size_t r = 0; r < L::kRcodeCount; ++r) out[std::string(L::rcode_label(r))] = sum[r];
  return out;
}

const service::ZoneStatus* find_zone(const DaemonSnapshot& s, const std::string& name) {
  for (const auto& z : s.service.zones)
    if (z.name == name) return &z;
  return nullptr;
}

// null when the zone is not replicated (docs/dnsd.md "One zone on every node").
json replication(const service::ZoneStatus& z) {
  if (z.replication_role.empty()) return nullptr;
  json replicas = json::array();
  for (const auto& r : z.replicas)
    replicas.push_back({{"name", r.name}, {"address", r.address}, {"seq", r.seq}, {"known", r.known},
                        {"in_step", r.in_step}, {"reachable", r.reachable}, {"diverged", r.diverged},
                        {"problem", r.problem},
                        {"serial", r.serial_known ? json(r.serial) : json(nullptr)}});
  return {{"role", z.replication_role}, {"primary", z.replication_primary}, {"seq", z.replication_seq},
          {"divergences", z.replication_divergences}, {"repairs", z.replication_repairs},
          {"replicas", replicas}};
}

json zone_line(const service::ZoneStatus& z) {
  return {{"name", z.name},
          {"serial", z.serial},
          {"names", z.names},
          {"last_change", z.last_change},
          {"journal_entries", z.journal_entries},
          {"journal_trusted", z.journal_trusted},
          {"replication", replication(z)}};
}

json status(const DaemonSnapshot& s) {
  const auto& c = s.service.counters;
  json last = nullptr;
  if (c.last_reload != 0) last = {{"time", c.last_reload}, {"ok", c.last_reload_ok}};
  return {{"version", s.version},
          {"pid", s.pid},
          {"now", s.now},
          {"started", c.started},
          {"uptime_seconds", s.now > c.started ? s.now - c.started : 0},
          {"identity", s.identity},
          {"node", s.node_name},
          {"listen", s.listen},
          {"workers", s.workers},
          {"zones", s.service.zones.size()},
          {"state", s.stopping ? "stopping" : "ready"},
          {"last_reload", last},
          {"reloads_ok", c.reloads_ok},
          {"reloads_failed", c.reloads_failed}};
}

json zones(const DaemonSnapshot& s) {
  json list = json::array();
  for (const auto& z : s.service.zones) list.push_back(zone_line(z));
  return {{"now", s.now}, {"zones", list}};
}

json zone(const DaemonSnapshot& s, const service::ZoneStatus& z) {
  json j = zone_line(z);
  j["now"] = s.now;
  j["file"] = z.file;
  j["journal_path"] = z.journal_path;
  j["journal_bytes"] = z.journal_bytes;
  j["journal_untrusted_reason"] = z.journal_untrusted_reason;
  j["compactions"] = z.compactions;
  j["compaction_failures"] = z.compaction_failures;
  ZoneSettings none;
  const ZoneSettings* set = &none;
  for (const auto& st : s.settings)
    if (st.name == z.name) set = &st;
  j["notify"] = set->notify;
  j["update_keys"] = set->update_keys;
  j["transfer_keys"] = set->transfer_keys;
  j["self"] = set->self;
  return j;
}

json stats(const DaemonSnapshot& s) {
  const auto& t = s.stats;
  const auto& c = s.service.counters;
  json service = {{"updates_by_rcode", rcodes(c.updates_by_rcode, service::ServiceCounters::kRcodes)},
                  {"axfr", c.axfr},
                  {"ixfr", c.ixfr},
                  {"ixfr_full", c.ixfr_full},
                  {"transfers_refused", c.transfers_refused},
                  {"notify_acked", c.notify_acked},
                  {"notify_failed", c.notify_failed},
                  {"reloads_ok", c.reloads_ok},
                  {"reloads_failed", c.reloads_failed}};
  return {{"udp_queries", t.udp_queries},
          {"tcp_queries", t.tcp_queries},
          {"responses_by_rcode", answered_by_rcode(t)},
          {"truncated", t.truncated},
          {"dropped", t.dropped},
          {"tcp_accepted", t.tcp_accepted},
          {"tcp_rejected", t.tcp_rejected},
          {"tcp_timeouts", t.tcp_timeouts},
          {"errors", t.errors},
          {"rrl_dropped", t.rrl_dropped},
          {"rrl_slipped", t.rrl_slipped},
          {"service", service}};
}

json reload(const ReloadOutcome& r) {
  if (!r.ok) {
    json j = error("reload failed: still serving the previous config and zones");
    j["errors"] = r.errors;
    return j;
  }
  return ok({{"scope", r.scope}, {"zones", r.zones}, {"restart_only", r.restart_only}});
}

json journal(const std::string& zone, const JournalView& v) {
  json last = json::array();
  for (const auto& e : v.last)
    last.push_back({{"from", e.serial_from}, {"to", e.serial_to}, {"added", e.added},
                    {"deleted", e.deleted}});
  return {{"zone", zone},     {"path", v.path},       {"entries", v.entries},
          {"bytes", v.bytes}, {"trusted", v.trusted}, {"untrusted_reason", v.untrusted_reason},
          {"last", last}};
}

json unknown_zone(const std::string& name) { return error("no such zone: " + name); }

json dispatch(const Request& r, ControlBackend& backend) {
  const std::string& cmd = r.command;
  if (cmd == "reload") {
    std::string zone_name;
    if (!r.args.empty()) {
      zone_name = normalize_zone(r.args[0]);
      if (!find_zone(backend.snapshot(), zone_name)) return unknown_zone(zone_name);
    }
    return reload(backend.reload(zone_name));
  }
  DaemonSnapshot s = backend.snapshot();
  if (cmd == "status") return ok(status(s));
  if (cmd == "zones") return ok(zones(s));
  if (cmd == "stats") return ok(stats(s));
  std::string zone_name = normalize_zone(r.args.at(0));  // zone, journal: one argument
  const service::ZoneStatus* z = find_zone(s, zone_name);
  if (!z) return unknown_zone(zone_name);
  if (cmd == "zone") return ok(zone(s, *z));
  auto v = backend.journal(zone_name, kJournalEntriesShown);
  if (!v) return error("zone " + zone_name + " has no journal");
  return ok(journal(zone_name, *v));
}

}  // namespace

std::string normalize_zone(std::string_view name) {
  std::string out(name);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

std::string respond(std::string_view line, ControlBackend& backend) {
  std::string why;
  auto request = decode_request(line, why);
  if (!request) return dump(error(why));
  try {
    return dump(dispatch(*request, backend));
  } catch (const std::exception& e) {  // the control socket never takes dnsd down
    return dump(error(std::string("internal error: ") + e.what()));
  }
}

}  // namespace dnsd::control
