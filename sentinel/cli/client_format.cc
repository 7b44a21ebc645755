// Human-readable output of the client subcommands.
#include "sentinel/cli/client_format.h"

#include <ctime>
#include <iomanip>
#include <sstream>

#include "sentinel/cluster/check_wording.h"

namespace sentinel::cli {
using nlohmann::json;

std::string format_time(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
  return buf;
}

std::string check_text(const json& c) {
  std::string name = c.value("name", c.value("type", ""));
  if (!c.contains("summary") || !c["summary"].is_string())  // an older sentinel
    return name + " " + c.value("state", "") + " (" + c.value("detail", "") + ")";
  std::string out = name + " " + c["summary"].get<std::string>();
  if (c.contains("for_ms") && c["for_ms"].is_number_integer())
    out += " for " + cluster::duration_wording(c["for_ms"].get<int64_t>());
  return out;
}

namespace {

// A quorum of sentinels: who leads since when, whether a quorum holds, and every sentinel's
// view of every node ("coordination" in the status JSON; absent or "single": nothing).
std::string coordination_text(const json& s, const json& nodes) {
  if (!s.contains("coordination") || !s["coordination"].is_object()) return "";
  const json& c = s["coordination"];
  if (c.value("mode", "") != "quorum") return "";
  std::ostringstream o;
  std::string leader = c.contains("leader") && c["leader"].is_string() ? c["leader"].get<std::string>() : "";
  o << "coordination: " << c.value("status", "") << "  leader " << (leader.empty() ? "none" : leader);
  if (c.contains("leader_since_ms") && c["leader_since_ms"].is_number_integer())
    o << " since " << format_time(c["leader_since_ms"].get<int64_t>());
  size_t total = c.value("sentinels", json::array()).size();
  o << "  quorum " << c.value("quorum", 0) << " of " << total << ": "
    << (c.value("quorum_holds", false) ? "holds" : "DOES NOT HOLD") << " ("
    << c.value("live_sentinels", 0) << " live)\n";
  if (c.contains("etcd_error") && c["etcd_error"].is_string())
    o << "coordination unavailable: " << c["etcd_error"].get<std::string>()
      << " (no decision; the dnsd nodes keep the last good records)\n";
  o << std::left << std::setw(12) << "SENTINEL";
  for (const auto& n : nodes) o << std::setw(10) << n.value("name", "");
  o << "\n";
  for (const auto& x : c.value("sentinels", json::array())) {
    std::string id = x.value("id", "");
    if (x.value("leader", false)) id += "*";
    o << std::setw(12) << id;
    const json& views = x.contains("nodes") && x["nodes"].is_object() ? x["nodes"] : json::object();
    for (const auto& n : nodes) {
      std::string name = n.value("name", "");
      o << std::setw(10)
        << (views.contains(name) ? views[name].value("health", "?") : std::string(x.value("live", false) ? "-" : "gone"));
    }
    o << "\n";
  }
  return o.str();
}

// "delegation by example.com.: ns lb1.api.example.com. lb2.api.example.com. (in sync)"
// from the status JSON's "delegation" (null: no [parent], nothing).
std::string delegation_text(const json& s) {
  if (!s.contains("delegation") || !s["delegation"].is_object()) return "";
  const json& d = s["delegation"];
  std::ostringstream o;
  o << "\ndelegation by " << d.value("zone", "") << ": ";
  if (!d.contains("ns") || !d["ns"].is_array()) {
    o << "not read yet";
  } else {
    o << "ns";
    for (const auto& n : d["ns"]) o << " " << n.get<std::string>();
  }
  if (d.contains("status") && d["status"].is_string())
    o << " (" << (d.value("in_sync", false) ? "in sync" : d.value("detail", std::string())) << ")";
  o << "\n";
  if (d.contains("glue") && d["glue"].is_object())
    for (const auto& [name, addrs] : d["glue"].items()) {
      o << "  glue " << name;
      for (const auto& a : addrs) o << " " << a.get<std::string>();
      o << "\n";
    }
  return o.str();
}

std::string status_text(const json& s) {
  std::ostringstream o;
  o << "zone " << s.value("zone", "") << "  epoch " << s.value("epoch", 0) << "  master "
    << s.value("master", "-") << "  failover " << s.value("failover", "") << "\n";
  if (!s.value("published", "").empty()) o << s.value("published", "") << "\n";
  if (s.contains("last_failover") && s["last_failover"].is_object())
    o << "last failover: " << format_time(s["last_failover"].value("at_ms", int64_t{0})) << " "
      << s["last_failover"].value("detail", "") << "\n";
  if (!s.value("waiting", "").empty()) o << "note: " << s.value("waiting", "") << "\n";
  if (s.contains("state_file_error") && s["state_file_error"].is_string())
    o << "STATE FILE NOT SAVED: " << s["state_file_error"].get<std::string>()
      << " (nothing is published or acted on until it is)\n";
  o << "\n" << std::left << std::setw(12) << "NODE" << std::setw(14) << "ROLE" << std::setw(9)
    << "HEALTH" << std::setw(10) << "SERVING" << "CHECKS\n";
  for (const auto& n : s.value("nodes", json::array())) {
    std::string checks;
    for (const auto& c : n.value("checks", json::array()))
      checks += (checks.empty() ? "" : "; ") + check_text(c);
    o << std::left << std::setw(12) << n.value("name", "") << std::setw(14) << n.value("role", "")
      << std::setw(9) << n.value("health", "") << std::setw(10)
      << (n.value("in_service", false) ? "yes" : "no") << checks << "\n";
  }
  std::string co = coordination_text(s, s.value("nodes", json::array()));
  if (!co.empty()) o << "\n" << co;
  o << delegation_text(s);
  return o.str();
}

}  // namespace

std::string format_reply(const std::string& verb, const std::string& node, const json& body) {
  std::ostringstream o;
  if (verb == "status") return status_text(body);
  if (verb == "history") {
    for (const auto& e : body.value("events", json::array())) {
      o << format_time(e.value("at_ms", int64_t{0})) << "  " << e.value("event", "");
      if (!e.value("node", "").empty()) o << " " << e.value("node", "");
      o << " epoch=" << e.value("epoch", 0);
      if (!e.value("detail", "").empty()) o << " " << e.value("detail", "");
      o << "\n";
    }
    return o.str();
  }
  if (verb == "explain") {
    for (const auto& l : body.value("lines", json::array())) o << l.get<std::string>() << "\n";
    return o.str();
  }
  if (verb == "promote" && body.value("dry_run", false)) {
    o << "dry run: promote " << node << " at epoch " << body.value("epoch", 0);
    auto demote = body.value("demote", json::array());
    if (!demote.empty()) o << " (demote " << demote[0].get<std::string>() << " first)";
    o << "\n";
    for (const auto& l : body.value("diff", json::array())) o << l.get<std::string>() << "\n";
    return o.str();
  }
  if (verb == "reload") {
    o << "reload: done, " << body.value("summary", "") << "\n";
    for (const auto& l : body.value("changes", json::array())) o << "  " << l.get<std::string>() << "\n";
    for (const auto& l : body.value("restart", json::array()))
      o << "  kept: " << l.get<std::string>() << "\n";
    return o.str();
  }
  if (body.value("accepted", false)) return verb + (node.empty() ? "" : " " + node) + ": " +
                                            body.value("detail", std::string("accepted")) + "\n";
  o << verb << (node.empty() ? "" : " " + node) << ": done";
  if (body.contains("epoch")) o << ", epoch " << body.value("epoch", 0);
  if (body.contains("master")) o << ", master " << body.value("master", "");
  o << "\n";
  if (!body.value("published", "").empty()) o << body.value("published", "") << "\n";
  for (const auto& n : body.value("nodes", json::array()))
    o << "  " << n.value("node", "") << ": " << n.value("status", "") << " "
      << n.value("detail", "") << "\n";
  return o.str();
}

}  // namespace sentinel::cli
