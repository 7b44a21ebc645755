// Schedules every check of every node on the loop (interval with a small random jitter so
// probes of many nodes do not align, each next start planned from the previous plan so a
// late loop does not realign them (probe_schedule.h), never two probes of one check at
// once) and feeds the results to per-node rise/fall + damping.
#pragma once
#include <uv.h>

#include <array>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "sentinel/cluster/health.h"
#include "sentinel/config/config_reload.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/metrics/histogram.h"
#include "sentinel/probe/probe.h"

namespace sentinel::daemon {

probe::CheckSpec check_spec(const config::SentinelConfig& c, const config::NodeConfig& n,
                            const config::CheckConfig& check);
const char* check_kind_name(config::CheckKind k);

// What the probes of one check measured, for /metrics and the status JSON.
struct CheckStats {
  std::string name;  // the `check` label: "dns", "http", "http_2"
  std::string label_text;  // node="lb1",check="dns": made once, not on every /metrics scrape
  metrics::Histogram latency{metrics::kProbeLatencyBounds};  // seconds
  std::array<uint64_t, probe::kProbeFailureCount> results{};  // by ProbeFailure
  probe::ProbeFailure last_failure = probe::ProbeFailure::None;
  double last_latency_s = -1;  // < 0 before the first result
};

class NodeMonitor {
 public:
  // `changed(node_index)` runs on the loop when a node's overall health or damping changed.
  // `c` is the owner's config, kept by reference: a reload replaces it in place, then calls
  // reconfigure().
  NodeMonitor(uv_loop_t* loop, const config::SentinelConfig& c,
              std::function<void(size_t)> changed);
  ~NodeMonitor();
  void start();
  void stop();  // loop thread; cancels probes and timers

  const cluster::NodeHealth& health(size_t node) const { return health_[node]; }
  const CheckStats& stats(size_t node, size_t check) const { return stats_[node][check]; }
  uint64_t probes_run() const { return probes_run_; }
  // Re-evaluates damping decay (called from a periodic timer).
  void tick(cluster::TimeMs now);
  // Loop thread, right after the config this monitor reads was replaced by a reload:
  // carries each node's damping and each kept check's streaks and stats over as `carry`
  // (one per node of the new config) says; new checks start Unknown and are probed
  // soon, checks that are gone stop being probed. Changed intervals apply from the next
  // round, changed timeouts from the next probe.
  void reconfigure(const std::vector<config::NodeCarry>& carry);

 private:
  struct Slot;
  std::unique_ptr<Slot> make_slot();
  void configure_slot(Slot& slot, size_t node, size_t check);
  void schedule(Slot* slot, uint64_t delay_ms);
  void schedule_first(Slot* slot);
  // A slot of a check that a reload removed: its timer is closed, a probe may still be
  // in flight; it is freed once both are over.
  void retire(std::unique_ptr<Slot> slot);
  void reap();
  static void on_timer(uv_timer_t* t);

  uv_loop_t* loop_;
  const config::SentinelConfig& c_;
  std::function<void(size_t)> changed_;
  probe::Prober prober_;
  cluster::DampingPolicy damping_;
  std::vector<cluster::NodeHealth> health_;
  std::vector<std::vector<CheckStats>> stats_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::unique_ptr<Slot>> retired_;
  std::mt19937 rng_{std::random_device{}()};
  uint64_t probes_run_ = 0;
  bool stopped_ = false;
};

}  // namespace sentinel::daemon
