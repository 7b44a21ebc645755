// dnsdctl's human output (see ctl_format.h).
#include "dnsd/ctl/ctl_format.h"

#include <ctime>

namespace dnsd::ctl {
namespace {

using nlohmann::json;
using Rows = std::vector<std::vector<std::string>>;

std::string num(const json& j) { return std::to_string(j.get<uint64_t>()); }
std::string str(const json& j) { return j.get<std::string>(); }

std::string joined(const json& list) {
  std::string out;
  for (const auto& v : list) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out.empty() ? "-" : out;
}

// A time and how long ago it was, relative to the server's clock.
std::string when(const json& t, const json& now) {
  int64_t at = t.get<int64_t>();
  if (at == 0) return "never";
  int64_t ago = now.get<int64_t>() - at;
  return format_time(at) + " (" + format_age(ago < 0 ? 0 : ago) + " ago)";
}

std::string health(const json& z) { return z.at("journal_trusted").get<bool>() ? "ok" : "UNTRUSTED"; }

// "NOERROR 10, NXDOMAIN 2": the non-zero counts only ("-" for none).
std::string counts(const json& by_name) {
  std::string out;
  for (const auto& [name, n] : by_name.items())
    if (n.get<uint64_t>() != 0) out += (out.empty() ? "" : ", ") + name + " " + num(n);
  return out.empty() ? "-" : out;
}

std::string status(const json& r) {
  std::string reload = "never";
  if (!r.at("last_reload").is_null())
    reload = when(r["last_reload"].at("time"), r.at("now")) +
             (r["last_reload"].at("ok").get<bool>() ? " ok" : " FAILED");
  reload += " (" + num(r.at("reloads_ok")) + " ok, " + num(r.at("reloads_failed")) + " failed)";
  std::string identity = str(r.at("identity")), node = str(r.at("node"));
  return columns({
      {"version", str(r.at("version"))},
      {"pid", std::to_string(r.at("pid").get<int64_t>())},
      {"uptime", format_age(r.at("uptime_seconds").get<int64_t>()) + " (since " +
                     format_time(r.at("started").get<int64_t>()) + ")"},
      {"identity", identity.empty() ? "-" : identity},
      {"node", node.empty() ? "-" : node},
      {"listen", joined(r.at("listen"))},
      {"workers", num(r.at("workers"))},
      {"zones", num(r.at("zones"))},
      {"state", str(r.at("state"))},
      {"last reload", reload},
  });
}

std::string zones(const json& r) {
  Rows rows{{"ZONE", "SERIAL", "NAMES", "LAST CHANGE", "JOURNAL", "HEALTH"}};
  for (const auto& z : r.at("zones"))
    rows.push_back({str(z.at("name")), num(z.at("serial")), num(z.at("names")),
                    when(z.at("last_change"), r.at("now")), num(z.at("journal_entries")),
                    health(z)});
  return columns(rows);
}

// "primary, seq 12" and a line per other node: "lb2 seq 12 serial 2024010105 in step" /
// "lb3 seq 9 behind: ...".
Rows replication_rows(const json& z) {
  Rows rows;
  if (!z.contains("replication") || z.at("replication").is_null()) return rows;
  const json& r = z.at("replication");
  rows.push_back({"replication", str(r.at("role")) + " (primary " + str(r.at("primary")) + "), seq " + num(r.at("seq"))});
  for (const auto& n : r.at("replicas")) {
    std::string state = n.at("diverged").get<bool>() ? "DIVERGED"
                        : n.at("in_step").get<bool>() ? "in step"
                        : !n.at("reachable").get<bool>() ? "UNREACHABLE" : "behind";
    std::string problem = str(n.at("problem"));
    // "serial" is null until it was read, and absent from an older dnsd.
    std::string serial = n.contains("serial") && !n.at("serial").is_null() ? " serial " + num(n.at("serial")) : "";
    rows.push_back({"  " + str(n.at("name")), "seq " + num(n.at("seq")) + serial + " " + state +
                                                (problem.empty() ? "" : ": " + problem)});
  }
  return rows;
}

std::string zone(const json& z) {
  std::string h = z.at("journal_trusted").get<bool>()
                      ? "trusted"
                      : "UNTRUSTED: " + str(z.at("journal_untrusted_reason"));
  Rows extra = replication_rows(z);
  Rows rows = {
      {"zone", str(z.at("name"))},
      {"file", str(z.at("file"))},
      {"serial", num(z.at("serial"))},
      {"names", num(z.at("names"))},
      {"last change", when(z.at("last_change"), z.at("now"))},
      {"journal", str(z.at("journal_path"))},
      {"journal entries", num(z.at("journal_entries"))},
      {"journal bytes", num(z.at("journal_bytes"))},
      {"journal health", h},
      {"compactions", num(z.at("compactions")) + " (" + num(z.at("compaction_failures")) + " failed)"},
      {"notify", joined(z.at("notify"))},
      {"update keys", joined(z.at("update_keys"))},
      {"transfer keys", joined(z.at("transfer_keys"))},
      {"self names", joined(z.at("self"))},
  };
  rows.insert(rows.end(), extra.begin(), extra.end());
  return columns(rows);
}

std::string stats(const json& r) {
  const json& s = r.at("service");
  return columns({
      {"udp queries", num(r.at("udp_queries"))},
      {"tcp queries", num(r.at("tcp_queries"))},
      {"responses", counts(r.at("responses_by_rcode"))},
      {"truncated", num(r.at("truncated"))},
      {"dropped", num(r.at("dropped"))},
      {"errors", num(r.at("errors"))},
      {"tcp accepted", num(r.at("tcp_accepted"))},
      {"tcp rejected", num(r.at("tcp_rejected"))},
      {"tcp timeouts", num(r.at("tcp_timeouts"))},
      {"rrl dropped", num(r.at("rrl_dropped"))},
      {"rrl slipped", num(r.at("rrl_slipped"))},
      {"updates", counts(s.at("updates_by_rcode"))},
      {"axfr", num(s.at("axfr"))},
      {"ixfr", num(s.at("ixfr")) + " (" + num(s.at("ixfr_full")) + " answered in full)"},
      {"transfers refused", num(s.at("transfers_refused"))},
      {"notify", num(s.at("notify_acked")) + " acked, " + num(s.at("notify_failed")) + " failed"},
      {"reloads", num(s.at("reloads_ok")) + " ok, " + num(s.at("reloads_failed")) + " failed"},
  });
}

std::string reload(const json& r) {
  std::string scope = str(r.at("scope"));
  std::string out = scope == "all"
                        ? "reload ok: dnsd.toml and every zone file (" + num(r.at("zones")) +
                              " zone(s) served)\n"
                        : "reload ok: zone " + scope + " (its file and journal)\n";
  for (const auto& k : r.at("restart_only"))
    out += "note: " + str(k) + " changed but only takes effect after a restart\n";
  return out;
}

std::string journal(const json& r) {
  std::string h = r.at("trusted").get<bool>() ? "trusted" : "UNTRUSTED: " + str(r.at("untrusted_reason"));
  std::string out = columns({
      {"zone", str(r.at("zone"))},
      {"path", str(r.at("path"))},
      {"entries", num(r.at("entries"))},
      {"bytes", num(r.at("bytes"))},
      {"health", h},
  });
  const json& last = r.at("last");
  if (last.empty()) return out + "no entries (no update since the last compaction or reset)\n";
  out += "\nlast " + std::to_string(last.size()) + " entr" + (last.size() == 1 ? "y" : "ies") +
         ", oldest first:\n";
  Rows rows{{"SERIAL FROM", "TO", "ADDED", "DELETED"}};
  for (const auto& e : last)
    rows.push_back({num(e.at("from")), num(e.at("to")), num(e.at("added")), num(e.at("deleted"))});
  return out + columns(rows);
}

}  // namespace

std::string format_time(int64_t t) {
  if (t == 0) return "never";
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string format_age(int64_t s) {
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h " + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d " + std::to_string(s % 86400 / 3600) + "h";
}

std::string columns(const Rows& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string format_result(const std::string& command, const json& result) {
  if (command == "status") return status(result);
  if (command == "zones") return zones(result);
  if (command == "zone") return zone(result);
  if (command == "stats") return stats(result);
  if (command == "reload") return reload(result);
  if (command == "journal") return journal(result);
  return result.dump(2) + "\n";
}

std::string format_error(const json& response) {
  std::string out = "dnsdctl: ";
  auto e = response.find("error");
  out += e != response.end() && e->is_string() ? e->get<std::string>() : "dnsd answered an error";
  out += "\n";
  if (auto list = response.find("errors"); list != response.end() && list->is_array())
    for (const auto& line : *list)
      if (line.is_string()) out += "  " + line.get<std::string>() + "\n";
  return out;
}

}  // namespace dnsd::ctl
