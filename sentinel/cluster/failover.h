// The failover rules of docs/sentinel.md as pure functions: who is in service, which candidate, when
// to fail over, how a manual promote / drain / undrain changes the plan. No I/O, no clock.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sentinel/cluster/cluster_state.h"

namespace sentinel::cluster {

struct NodeView {
  std::string name;
  int priority = 0;
  Health health = Health::Unknown;
  bool damped = false;
};

struct Policy {
  bool failover_auto = true;
  TimeMs cooldown_ms = 60000;
  TimeMs retry_ms = 5000;  // wait after every candidate refused a promote
};

// Up, not damped, not drained, and not an old master still owed its step-down.
bool in_service(const NodeView& n, const ClusterState& s);

// In-service nodes other than `exclude`, lowest priority first, then by name.
std::vector<std::string> candidates(const std::vector<NodeView>& nodes, const ClusterState& s,
                                    const std::string& exclude);

// Why no automatic action is taken right now, for `explain` and logs; empty when acting.
struct Decision {
  std::optional<Plan> plan;
  std::string waiting;  // "cooldown until ...", "no healthy candidate", ...
};

// For a pending failover no candidate accepted yet whose old master is in service again:
// the plan that keeps that master (Plan::Kind::Reinstate, the next epoch, the pending
// candidates to step down). nullopt otherwise (the pending plan is resumed as it is).
std::optional<Plan> reinstate_plan(const ClusterState& s, const std::vector<NodeView>& nodes);

// The next plan to carry out, given the state and the nodes' health at `now_ms` (wall).
Decision decide(const ClusterState& s, const std::vector<NodeView>& nodes, const Policy& p,
                TimeMs now_ms);

using PlanOrError = std::variant<Plan, std::string>;

// `sentinel promote NODE`: refused (with the reason) for an unknown, drained, down or
// damped node, or the current master; otherwise a switchover, graceful when the master
// is up (demote first).
PlanOrError plan_promote(const ClusterState& s, const std::vector<NodeView>& nodes,
                         const std::string& node);

// `sentinel drain NODE`: marks it drained in `s`; returns the switchover to run when it
// was the master. Refused for an unknown node or when no other node can be master.
std::variant<std::optional<Plan>, std::string> apply_drain(ClusterState& s,
                                                           const std::vector<NodeView>& nodes,
                                                           const std::string& node);
// `sentinel undrain NODE`: refused when the node is unknown or not drained.
std::optional<std::string> apply_undrain(ClusterState& s, const std::vector<NodeView>& nodes,
                                         const std::string& node);

// Why a plan moves the master role, as the `cause` label of sentinel_failovers_total:
// "master_down", "master_damped", "manual_promote", "drain"; nullptr for plans that do
// not move it (bootstrap, demote). Read from the plan's kind and the reason decide(),
// plan_promote() and apply_drain() give it, so a plan resumed from the state file counts
// the same.
const char* failover_cause(const Plan& plan);
inline constexpr const char* kFailoverCauses[] = {"master_down", "master_damped",
                                                  "manual_promote", "drain"};

// Plan progress, applied to the state the executor persists after each step.
void begin_plan(ClusterState& s, const Plan& plan);
void plan_promoted(ClusterState& s, const std::string& node, TimeMs now_ms);
void plan_failed(ClusterState& s, TimeMs now_ms, const Policy& p);
void plan_published(ClusterState& s);
void demote_done(ClusterState& s, const std::string& node);

}  // namespace sentinel::cluster
