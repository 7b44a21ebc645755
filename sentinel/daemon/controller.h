// The sentinel's brain on the loop thread: feeds probe results to the cluster rules,
// starts one background job at a time (plan, publish, reconcile), answers API commands.
#pragma once
#include <uv.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sentinel/cluster/failover.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/cluster/quorum.h"
#include "sentinel/daemon/coordinator.h"
#include "sentinel/daemon/failover_budget.h"
#include "sentinel/daemon/loop_queue.h"
#include "sentinel/daemon/node_monitor.h"
#include "sentinel/daemon/plan_runner.h"
#include "sentinel/metrics/histogram.h"
#include "sentinel/records/parent_update.h"
#include "sentinel/records/record_set.h"

namespace sentinel::daemon {

class Controller {
 public:
  using Reply = std::function<void(int status, const nlohmann::json& body)>;

  Controller(uv_loop_t* loop, config::SentinelConfig c, cluster::ClusterState initial);
  ~Controller();
  void start();
  void stop();  // loop thread: stops timers, probes, the executor

  // Loop thread. verb: status | history | explain | promote | drain | undrain | reconcile |
  // reload.
  void command(const std::string& verb, const nlohmann::json& args, Reply reply);
  // Posts `command` from any thread.
  LoopQueue& queue() { return queue_; }
  std::string metrics_text() const;  // loop thread

 private:
  cluster::Policy policy() const;
  std::vector<cluster::NodeView> views() const;
  records::RecordSet desired() const;
  int64_t wall_ms() const;
  void evaluate();
  void after_job();
  void note(std::string name, std::string node, std::string detail);

  void run_plan_job(const cluster::Plan& plan, cluster::ClusterState from, Reply reply);
  void publish_job(Reply reply);
  void reconcile_job(Reply reply);
  void adopt_job();
  void persist_job();
  void merge_events(const std::vector<cluster::Event>& events);
  // A failed save of the state file is never built upon: nothing is published or acted
  // on until a later save succeeds (retried every kPersistRetryMs).
  void persist_failed(const std::string& error);
  void persist_ok();
  // The master's health turned down (or damped) or up again: starts or forgets the clock
  // of the failover duration.
  void watch_master(size_t node);
  // A publish, reconcile or plan read the dnsd nodes back: per-node sync for /metrics,
  // and the end of a failover's clock once every dnsd that is not down serves it.
  void note_published(const Published& pub);

  // [parent] (controller_delegation.cc). Executor thread: brings the parent's delegation to
  // the NS set of `in_service`; nullopt when there is no [parent].
  std::optional<records::DelegationOutcome> sync_delegation(
      const std::set<std::string>& in_service) const;
  // Loop thread: logs and counts the outcome, keeps it for the status.
  void note_delegation(const std::optional<records::DelegationOutcome>& d);
  nlohmann::json delegation_json() const;

  void cmd_promote(const std::string& node, bool dry_run, Reply reply);
  void cmd_drain(const std::string& node, bool drain, Reply reply);
  // Re-reads the config file and applies it (controller_reload.cc). Only between jobs: a
  // job on the executor reads c_.
  void cmd_reload(Reply reply);
  // The nodes a reload may not remove now, and why.
  std::map<std::string, std::string> pinned_nodes() const;
  nlohmann::json status_json() const;
  nlohmann::json history_json() const;
  nlohmann::json explain_json(size_t node) const;

  // Coordination (controller_coordination.cc): a quorum of sentinels through etcd.
  StateSink sink();
  // This sentinel's view of every node, for the coordination thread to publish.
  void push_opinions();
  // Loop thread: a round of the coordination thread arrived.
  void on_coordination(CoordSnapshot snap);
  // Whether this sentinel may decide and act now; sets waiting_ when not.
  bool coordination_allows();
  // A promote/drain/undrain/reconcile that this sentinel cannot carry out itself: queued
  // in etcd for the leader (202), or refused while coordination is unavailable (503).
  bool forward_to_leader(const std::string& verb, const nlohmann::json& args, Reply& reply);
  void cache_job();
  nlohmann::json coordination_json() const;
  std::vector<std::string> coordination_explain(const std::string& node) const;

  void on_tick();
  static void on_tick_timer(uv_timer_t* t);
  static void on_reconcile_timer(uv_timer_t* t);

  uv_loop_t* loop_;
  config::SentinelConfig c_;  // replaced by a reload, only while no job runs
  cluster::ClusterState state_;
  LoopQueue queue_;
  Executor executor_;
  NodeMonitor monitor_;
  uv_timer_t tick_timer_{};
  uv_timer_t reconcile_timer_{};

  bool busy_ = false;
  bool history_dirty_ = false;
  bool warm_ = false;
  bool stopped_ = false;
  std::vector<std::function<void()>> deferred_;
  std::vector<cluster::Event> during_job_;  // noted while a plan job runs on a copy
  std::optional<records::RecordSet> published_;
  std::set<std::string> published_in_service_;  // the nodes in service published_ was made for
  std::string publish_summary_;
  std::string waiting_;
  uint64_t started_mono_ = 0;
  uint64_t tilt_until_ = 0;
  int64_t last_wall_ = 0;
  uint64_t last_mono_ = 0;
  std::map<std::string, uint64_t> failovers_;  // by cluster::failover_cause()
  uint64_t updates_sent_ = 0;
  uint64_t reconcile_repairs_ = 0;
  int published_in_sync_ = 0;
  int published_total_ = 0;
  std::map<std::string, bool> dnsd_in_sync_;  // node -> the last read-back matched
  // Nodes a reload removed: their address records are published as absent.
  std::set<std::string> removed_nodes_;
  // NS names a reload took from every node: deleted from the apex NS set.
  std::set<std::string> removed_ns_;
  // The parent's delegation as last read back, updates sent, refusals by rcode.
  std::optional<records::DelegationOutcome> delegation_;
  uint64_t parent_updates_ = 0;
  std::map<std::string, uint64_t> parent_refusals_;
  std::string parent_problem_;  // the last refusal/unreachable message, "" while fine
  int64_t start_wall_ms_ = 0;
  std::optional<uint64_t> master_down_at_;  // loop ms the master's health turned down
  bool failover_publish_owed_ = false;       // promoted; the clock stops once published
  metrics::Histogram failover_duration_{metrics::kFailoverBounds};
  uint64_t persist_retry_at_ = 0;  // loop ms; evaluate() waits until then after a failed save
  std::string persist_error_;      // the last failed save, until one succeeds
  FailoverBudget budget_;
  // The last automatic failover's time from the master's detected +down to every live
  // dnsd serving the new records (the status page shows it beside the budget).
  std::optional<double> last_failover_seconds_;
  static constexpr uint64_t kPersistRetryMs = 1000;

  // Coordinated mode only ([coordination]); null for a single sentinel.
  std::unique_ptr<Coordinator> coord_;
  std::optional<CoordSnapshot> snap_;    // the last round
  cluster::Coordination coordination_;   // what the rules know of it
  bool leadership_adopted_ = false;      // this leadership started from etcd's state
  int64_t adopted_state_rev_ = 0;
  bool cache_owed_ = false;              // an adopted state not yet in the cache file
  bool resync_ = false;                  // lost the lead: adopt etcd's next state as it is
  std::set<std::string> requests_seen_;
  std::set<std::string> faults_logged_;
};

}  // namespace sentinel::daemon
