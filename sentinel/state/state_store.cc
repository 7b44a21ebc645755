// ClusterState <-> JSON, atomic save, tolerant load.
#include "sentinel/state/state_store.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "dnsd/common/atomic_file.h"

namespace sentinel::state {
using nlohmann::json;
using cluster::Plan;

namespace {

json plan_json(const Plan& p) {
  return {{"kind", cluster::plan_kind_name(p.kind)}, {"reason", p.reason},
          {"epoch", p.epoch},          {"old_master", p.old_master},
          {"demote", p.demote},        {"candidates", p.candidates},
          {"promoted", p.promoted}};
}

Plan plan_from(const json& j) {
  Plan p;
  std::string kind = j.at("kind").get<std::string>();
  if (kind == "failover") p.kind = Plan::Kind::Failover;
  else if (kind == "switchover") p.kind = Plan::Kind::Switchover;
  else if (kind == "bootstrap") p.kind = Plan::Kind::Bootstrap;
  else if (kind == "demote") p.kind = Plan::Kind::Demote;
  else throw std::runtime_error("unknown plan kind " + kind);
  p.reason = j.value("reason", "");
  p.epoch = j.at("epoch").get<uint64_t>();
  p.old_master = j.value("old_master", "");
  p.demote = j.value("demote", std::vector<std::string>{});
  p.candidates = j.value("candidates", std::vector<std::string>{});
  p.promoted = j.value("promoted", false);
  return p;
}

}  // namespace

std::string to_json(const cluster::ClusterState& s) {
  json j;
  j["version"] = 1;
  j["epoch"] = s.epoch;
  j["master"] = s.master;
  j["drained"] = s.drained;
  j["last_failover_ms"] = s.last_failover_ms;
  j["retry_after_ms"] = s.retry_after_ms;
  j["owed_demotes"] = s.owed_demotes;
  j["pending"] = s.pending ? plan_json(*s.pending) : json(nullptr);
  json h = json::array();
  for (const auto& e : s.history)
    h.push_back({{"at_ms", e.at_ms}, {"event", e.name}, {"node", e.node}, {"epoch", e.epoch},
                 {"detail", e.detail}});
  j["history"] = h;
  return j.dump(1) + "\n";
}

bool from_json(const std::string& text, cluster::ClusterState& out, std::string& error) {
  try {
    json j = json::parse(text);
    if (j.value("version", 0) != 1) {
      error = "unknown state file version";
      return false;
    }
    cluster::ClusterState s;
    s.epoch = j.at("epoch").get<uint64_t>();
    s.master = j.value("master", "");
    s.drained = j.value("drained", std::set<std::string>{});
    s.last_failover_ms = j.value("last_failover_ms", int64_t{0});
    s.retry_after_ms = j.value("retry_after_ms", int64_t{0});
    s.owed_demotes = j.value("owed_demotes", std::map<std::string, uint64_t>{});
    if (j.contains("pending") && !j["pending"].is_null()) s.pending = plan_from(j["pending"]);
    for (const auto& e : j.value("history", json::array()))
      s.record({e.value("at_ms", int64_t{0}), e.value("event", ""), e.value("node", ""),
                e.value("epoch", uint64_t{0}), e.value("detail", "")});
    out = std::move(s);
    return true;
  } catch (const std::exception& e) {
    error = e.what();
    return false;
  }
}

bool load_state(const std::string& path, cluster::ClusterState& s, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return true;
    error = path + ": " + std::strerror(errno);
    return false;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  if (!from_json(buf.str(), s, error)) {
    error = path + ": not a valid state file (" + error + ")";
    return false;
  }
  return true;
}

bool save_state(const std::string& path, const cluster::ClusterState& s, std::string& error) {
  return dnsd::common::write_file_atomic(path, to_json(s), error);
}

}  // namespace sentinel::state
