// The blocking steps of a decision, run on the executor thread: persist the epoch, demote,
// promote (with retries and fallback), publish to every dnsd, read back. Every step is
// idempotent, and the state is persisted after each, so a crash resumes cleanly.
#pragma once
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "sentinel/cluster/failover.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/records/record_set.h"
#include "sentinel/records/zone_updater.h"

namespace sentinel::daemon {

struct NodePublish {
  std::string node;
  records::PushOutcome outcome;
  bool in_sync = false;  // the read-back matched
};

struct Published {
  int in_sync = 0;
  int total = 0;
  std::vector<NodePublish> nodes;
  std::string summary() const;  // "published on 2/3 (lb1: unreachable: timeout)"
};

// Pushes `desired` to every node's dnsd in parallel, then reads each back.
Published publish_all(const config::SentinelConfig& c, const records::RecordSet& desired,
                      uint64_t epoch);

// Reads every dnsd; pushes only to those not serving `desired`.
Published reconcile_all(const config::SentinelConfig& c, const records::RecordSet& desired,
                        uint64_t epoch);

struct PlanOutcome {
  cluster::ClusterState state;
  std::vector<cluster::Event> events;
  bool ok = false;
  std::string error;
  bool persist_failed = false;  // the state file could not be saved (see `error`)
  bool published_run = false;
  Published published;
  records::RecordSet desired;
};

using WallClock = std::function<int64_t()>;  // unix milliseconds

// Where decisions are persisted and whether this sentinel may act right now: the state file
// for a single sentinel; etcd (by a leader-checked transaction) with the file as a cache for
// a quorum of sentinels, acting only while the leader's lease lasts on the local clock.
struct StateSink {
  std::function<bool(const cluster::ClusterState&, std::string& error)> save;
  std::function<bool()> may_act;  // checked before every driver call and every publish
  bool fencing = false;           // a failover steps the old master down before promoting
};
// The single sentinel's: the state file, always allowed to act.
StateSink file_sink(const std::string& state_file);

// Carries out `plan` from state `s` (which already includes any drain it goes with).
PlanOutcome run_plan(const config::SentinelConfig& c, cluster::ClusterState s,
                     const std::vector<cluster::NodeView>& views, const cluster::Plan& plan,
                     const cluster::Policy& policy, const WallClock& now, const StateSink& sink);

// How long one push or one read-back of a dnsd may take (the probe timeout, at least 1 s).
std::chrono::milliseconds dns_timeout(const config::SentinelConfig& c);
// How long one promote/demote call of `node`'s tunnel driver may take.
std::chrono::milliseconds driver_call_timeout(const config::SentinelConfig& c,
                                              const config::NodeConfig& node);

// The nodes that may carry traffic under `s`.
std::set<std::string> in_service_set(const std::vector<cluster::NodeView>& views,
                                     const cluster::ClusterState& s);

}  // namespace sentinel::daemon
