// ClusterState <-> JSON, atomic save, tolerant load.
#include "sentinel/state/state_store.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
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

// Checked reads: nlohmann converts a float to an integer with a plain cast, which is
// undefined behaviour when it does not fit (found by fuzzing), so numbers must be integers
// of the right sign, and every value must have the expected type.
uint64_t u64(const json& j, const char* key, std::optional<uint64_t> missing = std::nullopt) {
  if (!j.contains(key)) {
    if (missing) return *missing;
    throw std::runtime_error(std::string("missing ") + key);
  }
  const json& v = j.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
    throw std::runtime_error(std::string(key) + " must be a non-negative integer");
  return v.get<uint64_t>();
}

int64_t i64(const json& j, const char* key) {
  if (!j.contains(key)) return 0;
  const json& v = j.at(key);
  if (!v.is_number_integer()) throw std::runtime_error(std::string(key) + " must be an integer");
  return v.get<int64_t>();
}

std::string str(const json& j, const char* key) {
  if (!j.contains(key)) return "";
  const json& v = j.at(key);
  if (!v.is_string()) throw std::runtime_error(std::string(key) + " must be a string");
  return v.get<std::string>();
}

template <typename Container>
Container strings(const json& j, const char* key) {
  Container out;
  if (!j.contains(key)) return out;
  const json& v = j.at(key);
  if (!v.is_array()) throw std::runtime_error(std::string(key) + " must be an array");
  for (const auto& e : v) {
    if (!e.is_string()) throw std::runtime_error(std::string(key) + " must hold strings");
    out.insert(out.end(), e.get<std::string>());
  }
  return out;
}

Plan plan_from(const json& j) {
  if (!j.is_object()) throw std::runtime_error("pending must be an object");
  Plan p;
  std::string kind = str(j, "kind");
  if (kind == "failover") p.kind = Plan::Kind::Failover;
  else if (kind == "switchover") p.kind = Plan::Kind::Switchover;
  else if (kind == "bootstrap") p.kind = Plan::Kind::Bootstrap;
  else if (kind == "demote") p.kind = Plan::Kind::Demote;
  else if (kind == "reinstate") p.kind = Plan::Kind::Reinstate;
  else throw std::runtime_error("unknown plan kind " + kind);
  p.reason = str(j, "reason");
  p.epoch = u64(j, "epoch");
  p.old_master = str(j, "old_master");
  p.demote = strings<std::vector<std::string>>(j, "demote");
  p.candidates = strings<std::vector<std::string>>(j, "candidates");
  if (j.contains("promoted")) {
    if (!j["promoted"].is_boolean()) throw std::runtime_error("promoted must be true or false");
    p.promoted = j["promoted"].get<bool>();
  }
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
    if (!j.is_object()) throw std::runtime_error("not a JSON object");
    if (u64(j, "version", 0) != 1) {
      error = "unknown state file version";
      return false;
    }
    cluster::ClusterState s;
    s.epoch = u64(j, "epoch");
    s.master = str(j, "master");
    s.drained = strings<std::set<std::string>>(j, "drained");
    s.last_failover_ms = i64(j, "last_failover_ms");
    s.retry_after_ms = i64(j, "retry_after_ms");
    if (j.contains("owed_demotes")) {
      const json& owed = j["owed_demotes"];
      if (!owed.is_object()) throw std::runtime_error("owed_demotes must be an object");
      for (const auto& [node, epoch] : owed.items()) s.owed_demotes[node] = u64(owed, node.c_str());
    }
    if (j.contains("pending") && !j["pending"].is_null()) s.pending = plan_from(j["pending"]);
    if (j.contains("history")) {
      if (!j["history"].is_array()) throw std::runtime_error("history must be an array");
      for (const auto& e : j["history"]) {
        if (!e.is_object()) throw std::runtime_error("a history event must be an object");
        s.record({i64(e, "at_ms"), str(e, "event"), str(e, "node"), u64(e, "epoch", 0),
                  str(e, "detail")});
      }
    }
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
