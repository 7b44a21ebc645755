// What a reload of sentinel.toml changes and what the running daemon does about it, as a
// pure function of the running config, the newly loaded one and the few cluster facts that
// can forbid removing a node. The daemon only carries the answer out (Controller::reload).
//
// Per key:
//   reload   [sentinel] log_level; [cluster] ttl, failover, cooldown, reconcile_interval,
//            driver_timeout; [probe] (through each check's timing); [damping]; every
//            [[node]]: added, removed, addresses, dns, port, priority, checks, tunnel,
//            update_key.
//   restart  [sentinel] id, state_file, log_format; [api] listen, token_file; [cluster]
//            zone, master_name, pool_name, srv (the names of the records sentinel owns:
//            renaming them live would orphan the old ones). A changed restart key keeps its
//            running value, with a warning "... only takes effect after a restart".
//
// A node is not removed (the whole reload is refused, with the reason) while it is the
// master, is owed a step-down, or is named by the plan in progress: drain or promote
// away first. Everything else is applied together or, when anything is refused, nothing.
#pragma once
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::config {

// One check of a node after the reload: `from` is the running check it continues (same
// kind, target and expectations; its health streaks and stats are kept), nullopt for a
// check that starts afresh (Unknown).
struct CheckCarry {
  std::optional<size_t> from;
  bool timing_changed = false;  // interval/timeout/rise/fall: from the next round
};

struct NodeCarry {
  std::optional<size_t> from;     // index in the running config; nullopt: a new node
  std::vector<CheckCarry> checks;  // one per check of the new node
};

struct ReloadPlan {
  std::vector<std::string> refused;   // non-empty: nothing is applied
  std::vector<std::string> restart;   // "[cluster] zone only takes effect after a restart ..."
  std::vector<std::string> changes;   // "node lb4 added", "[cluster] ttl: 30 -> 60", ...
  std::vector<NodeCarry> nodes;       // one per node of `next`, same order
  std::vector<std::string> removed;   // nodes of the running config that are gone
  SentinelConfig next;                // what to run: the loaded config, restart keys kept
  bool reconcile_interval_changed = false;
  bool log_level_changed = false;
};

// `pinned`: node name -> why it cannot be removed right now ("it is the master").
ReloadPlan plan_reload(const SentinelConfig& running, SentinelConfig loaded,
                       const std::map<std::string, std::string>& pinned);

// True when two checks probe the same thing the same way (timing aside), so that the
// running health of `a` on node `na` holds for `b` on node `nb`.
bool same_probe(const NodeConfig& na, const CheckConfig& a, const NodeConfig& nb,
                const CheckConfig& b);

}  // namespace sentinel::config
