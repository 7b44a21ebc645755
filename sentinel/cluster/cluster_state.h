// The sentinel's persisted decisions: epoch, master, drained nodes, owed actions, history.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sentinel/cluster/health.h"

namespace sentinel::cluster {

// A change of the master role, persisted before it is acted on so that a restart finishes
// (or repeats: every step is idempotent) what was interrupted.
struct Plan {
  // Reinstate: a failover persisted but not carried out (the sentinel stopped before a
  // candidate accepted) whose old master is up again when it resumes: the old master is
  // promoted again at a new epoch, and the candidates it named are told to step down.
  enum class Kind : uint8_t { Failover, Switchover, Bootstrap, Demote, Reinstate };
  Kind kind = Kind::Failover;
  std::string reason;                   // "master lb1 down", "manual promote lb2"
  uint64_t epoch = 0;                   // the epoch this plan publishes
  std::string old_master;
  std::vector<std::string> demote;      // told to step down first (graceful switchover)
  std::vector<std::string> candidates;  // promoted in order until one accepts
  bool promoted = false;                // a candidate accepted: only the publish is owed
};
const char* plan_kind_name(Plan::Kind k);

// One line of the history, in the stable event vocabulary of Redis Sentinel:
// +down +up +new-epoch +promoted +demoted +switch-master +published +drain +undrain ...
struct Event {
  TimeMs at_ms = 0;  // wall clock
  std::string name;
  std::string node;
  uint64_t epoch = 0;
  std::string detail;
};

struct ClusterState {
  uint64_t epoch = 0;
  std::string master;
  std::set<std::string> drained;
  TimeMs last_failover_ms = 0;                 // wall clock of the last automatic failover
  TimeMs retry_after_ms = 0;                   // after every candidate refused a promote
  std::map<std::string, uint64_t> owed_demotes;  // old masters to tell to step down
  std::optional<Plan> pending;
  std::deque<Event> history;

  static constexpr size_t kHistoryLimit = 500;
  void record(Event e);
};

}  // namespace sentinel::cluster
