// The primary's side of one replicated zone: a push loop per other node (its own thread,
// never the query workers or the zone service) that reads the node's _replication marker
// (every second, and after any failure), sends the entries it misses in order as
// replication_key-signed RFC 2136 updates fenced by the marker, and records how far each
// node is. The zone service appends an entry, wakes the loops, and waits until enough
// nodes hold it (wait_for_acks). A node whose marker is not in the log's history is
// repaired (replica_repair.cc): its zone is read by AXFR and one fenced update turns it
// into this node's.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/common/tsig_key.h"
#include "dnsd/replication/replication_log.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::replication {

struct ReplicaStatus {
  std::string name;
  std::string address;
  bool known = false;      // its marker has been read (or an entry acknowledged)
  uint64_t seq = 0;        // the last entry it holds, as far as we know
  bool in_step = false;    // it holds every entry of the log
  bool reachable = true;   // the last exchange with it worked (true until one failed)
  bool diverged = false;   // its marker is not in our history (see docs/dnsd.md)
  std::string problem;     // the last failure or the divergence, for dnsdctl
  bool serial_known = false;
  uint32_t serial = 0;     // the SOA serial it served when its marker was last read
};

// This node's current snapshot of the zone (nullptr when it is not loaded).
using CurrentZone = std::function<std::shared_ptr<const zone::ZoneSnapshot>()>;

class Replicator {
 public:
  Replicator(zone::ReplicationSpec spec, std::string origin, std::shared_ptr<ReplicationLog> log,
             common::TsigKey key, CurrentZone current);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  const zone::ReplicationSpec& spec() const { return spec_; }
  // A new entry is in the log: push it now.
  void wake();
  // Nodes (this one included) not known to be unreachable, against the ack count needed.
  bool enough_reachable() const;
  // When not enough_reachable(): asks every loop to try its node now and waits up to
  // `timeout` for enough of them to answer (a node that was down may be back).
  bool wait_reachable(common::Millis timeout);
  size_t needed() const;
  // Waits up to `timeout` until `needed()` nodes hold entry `seq`.
  bool wait_for_acks(uint64_t seq, common::Millis timeout);
  std::vector<ReplicaStatus> status() const;
  uint64_t divergences() const { return divergences_.load(); }
  uint64_t repairs() const { return repairs_.load(); }

 private:
  struct Link {
    zone::ReplicationSpec::Node node;
    ReplicaStatus st;
    std::optional<Marker> marker;  // what it serves, when st.known
    bool reread = true;            // read its marker before the next step
    std::string too_big;           // "its marker@our last seq" of a repair that did not fit
    uint16_t next_id = 1;
    std::thread thread;
  };
  void run(Link& link);
  // One step for `link`: true if it should go on at once (more to send).
  bool step(Link& link);
  void set(Link& link, const std::function<void(Link&)>& f);
  // A diverged node: true when it was repaired and is at our marker (go on at once);
  // false, with the reason in its status, when it stays diverged until the next round.
  // `reason`: why it is diverged (replica_plan).
  bool repair(Link& link, const std::optional<Marker>& marker, const std::string& reason);

  const zone::ReplicationSpec spec_;
  const std::string origin_, zone_text_;
  const std::shared_ptr<ReplicationLog> log_;
  const common::TsigKey key_;
  const CurrentZone current_;
  common::SocketAddress self_address_;
  mutable std::mutex mutex_;
  std::condition_variable wake_cv_, ack_cv_;
  uint64_t wakes_ = 0;
  bool stop_ = false;
  std::atomic<uint64_t> divergences_{0};
  std::atomic<uint64_t> repairs_{0};
  std::vector<std::unique_ptr<Link>> links_;
};

}  // namespace dnsd::replication
