// The coordination thread of a quorum of sentinels ([coordination], docs/sentinel.md "High
// availability"): keeps this sentinel's etcd lease (TTL cluster::etcd_ttl_ms, one keepalive
// per request, at most a third of the TTL apart), publishes its opinion of every node under
// that lease, reads every sentinel's opinions, the leader key, the cluster state and the
// queued requests, campaigns for the leader key, and hands a snapshot of it all to the loop.
// A watch on the leader key (its own thread) starts a round as soon as the key changes, so a
// dead leader's key is taken within moments of its expiry. Never runs on the loop thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "sentinel/cluster/quorum.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/coord/etcd_client.h"
#include "sentinel/coord/etcd_watch.h"
#include "sentinel/daemon/coord_snapshot.h"

namespace sentinel::daemon {

// One round's view of etcd, handed to the loop thread.
struct CoordSnapshot {
  bool etcd_ok = false;
  std::string etcd_error;
  std::string leader;            // the leader key's sentinel id; empty = nobody leads
  int64_t leader_since_ms = 0;   // wall clock it took the lead
  std::string leader_api;        // its API address
  cluster::Lease lease;          // this sentinel's leadership, on the steady clock (ms)
  std::vector<cluster::Opinion> opinions;  // of live sentinels only
  std::optional<std::string> state_text;   // <prefix>state as stored
  int64_t state_revision = 0;              // its mod_revision
  std::vector<CoordRequest> requests;
  std::vector<std::string> faults;  // bad data seen this round (logged once each)
};

// Milliseconds of std::chrono::steady_clock: the clock the lease is measured on.
int64_t steady_ms();

class Coordinator {
 public:
  using Deliver = std::function<void(CoordSnapshot)>;
  Coordinator(const config::SentinelConfig& c, Deliver deliver);
  ~Coordinator();
  void start();
  void stop();  // revokes the lease (the leader key and opinions go at once), joins

  // Any thread. This sentinel's current opinions; published in the next round (which a
  // change starts at once).
  void set_opinions(std::vector<cluster::Opinion> opinions);
  // Any thread. Queues a request for the leader / removes one the leader carried out.
  void queue_request(const std::string& verb, const std::string& node);
  void request_done(const std::string& key);

  // Any thread (the executor's): replaces <prefix>state with `text` by a transaction that
  // checks the leader key is still this sentinel's (create revision and lease) and that the
  // state is the one last read or written. False with `error` otherwise, or when the lease
  // ran out on the local clock.
  bool write_state(const std::string& text, std::string& error);
  // Any thread: this sentinel leads and its lease has not run out on the local clock.
  bool may_act() const;
  // The state revision this sentinel's view is based on, for adopting only newer ones.
  int64_t state_revision() const;

 private:
  void run();
  void round();
  bool keep_lease(int64_t now, std::string& error);
  void publish_opinions();
  void read_all(CoordSnapshot& snap);
  void campaign(CoordSnapshot& snap);
  void fail(CoordSnapshot& snap, const coord::EtcdError& e);
  void on_watch(coord::WatchNews news, const std::string& detail);
  cluster::Lease lease_now() const;

  const config::CoordinationConfig k_;
  const std::string id_;
  const std::string api_;
  const std::vector<std::string> nodes_;
  const int64_t interval_ms_;  // [probe] interval
  const int64_t ttl_ms_;    // the lease's TTL in etcd: cluster::etcd_ttl_ms(lease, interval)
  const int64_t round_ms_;  // cluster::round_period_ms
  Deliver deliver_;
  coord::EtcdClient client_;        // the coordination thread's
  coord::EtcdClient write_client_;  // write_state's (another thread)
  std::mutex write_mu_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool opinions_dirty_ = true;
  bool watch_woke_ = false;      // the leader key changed (or a watch stream opened)
  bool watch_broken_ = false;    // for logging a broken watch once, not on every retry
  std::vector<cluster::Opinion> opinions_;
  std::vector<std::pair<std::string, nlohmann::json>> to_put_;  // queued requests
  std::vector<std::string> to_delete_;
  int64_t request_seq_ = 0;
  int64_t state_rev_ = 0;
  int64_t leader_create_rev_ = 0;

  // Written by the coordination thread only.
  int64_t lease_id_ = 0;
  int64_t last_keepalive_ = 0;
  std::map<std::string, std::string> logged_faults_;
  std::atomic<bool> held_{false};
  std::atomic<int64_t> renewed_{0};
  std::atomic<int64_t> lease_for_writes_{0};
  bool ttl_warned_ = false;
  std::thread thread_;
  coord::EtcdWatch watch_;  // last: its thread calls on_watch, which uses the members above
};

}  // namespace sentinel::daemon
