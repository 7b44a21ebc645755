// The zone service: one thread that owns every change to the served zones. Dynamic
// updates (verify TSIG -> apply -> journal fdatasync -> compile -> swap -> answer ->
// NOTIFY), zone transfers, TSIG-signed queries and reloads all run here in order, so an
// update is all-or-nothing and readers (the workers) never wait: they keep answering from
// the catalog they hold until the next swap.
#pragma once
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config.h"
#include "dnsd/net/slow_path.h"
#include "dnsd/replication/replication_log.h"
#include "dnsd/replication/replicator.h"
#include "dnsd/replication/update_forwarder.h"
#include "dnsd/service/request_context.h"
#include "dnsd/update/update_message.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/service/service_status.h"
#include "dnsd/update/journal.h"
#include "dnsd/xfr/notify_sender.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/catalog_builder.h"
#include "dnsd/zone/catalog_holder.h"
#include "dnsd/zone/stats_slots.h"

namespace dnsd::service {

class ZoneService {
 public:
  ZoneService(zone::CatalogHolder& holder, std::string state_dir);
  ~ZoneService();

  // Reads every zone file, replays its journal, and publishes the result. Safe to call
  // before start() (start-up) or from a job (reload). On error nothing changes.
  bool load(const config::Config& config, common::ErrorList& errors);

  // Reads one zone's file (`zone_text`: "api.example.test.", a zone of `config`) and its
  // journal again, as load() does for all, and swaps in just that zone. On error nothing
  // changes. On the service thread only.
  bool load_zone(const config::Config& config, const std::string& zone_text,
                 common::ErrorList& errors);

  void start();
  void stop();

  // Thread-safe entry point for the workers' slow path.
  void submit(net::SlowRequest request, net::Responder respond);
  // Runs `job` on the service thread (used for SIGHUP reloads).
  void post(std::function<void()> job);

  // A copy of the zones' state and the counters; any thread (for /metrics and dnsdctl).
  ServiceStatus status() const;
  // A reload attempt's outcome (main.cc runs reloads), for status().
  void note_reload(bool ok);
  // The journal of a served zone ("api.example.test."), or null. On the service thread
  // only (post a job): updates change it there.
  const update::Journal* journal_of(const std::string& zone_text) const;
  // Which zone each ZoneEntry::stats_slot is (for /metrics); any thread.
  const zone::StatsSlots& stats_slots() const { return stats_slots_; }

 private:
  void run();
  using JournalMap = std::map<std::string, std::unique_ptr<update::Journal>>;
  // Before a reload reads the journals again: every untrusted one (of zone `only`, a wire
  // origin, when given) rewritten from memory.
  bool rewrite_untrusted_journals(common::ErrorList& errors, const std::string& only = "");
  // The catalog builder's hook: opens each zone's journal into `journals`, replays it.
  // `starting`: nothing is served yet, so a zone file refused by the serial rule is set
  // aside and the snapshot + journal served; on a reload it fails the reload instead.
  zone::ContentHook journal_hook(const config::Config& config, JournalMap& journals, bool starting);
  void handle(const net::SlowRequest& request, const net::Responder& respond);
  std::vector<uint8_t> handle_update(const RequestContext& ctx);
  std::vector<std::vector<uint8_t>> handle_transfer(const RequestContext& ctx);
  std::vector<uint8_t> handle_signed_query(const RequestContext& ctx);
  // True if `journal` may take an append; an untrusted one is first rewritten from
  // `current` (the in-memory zone: every acknowledged update).
  // The replicated update paths (replicated_update.cc).
  bool forward_if_replica(const RequestContext& ctx, const net::Responder& respond);
  uint8_t apply_local(const RequestContext& ctx, const update::UpdateMessage& msg);
  uint8_t apply_replicated(const RequestContext& ctx, const update::UpdateMessage& msg);
  uint8_t apply_replication_entry(const RequestContext& ctx, const update::UpdateMessage& msg);
  // The _sentinel epoch fence (update/epoch_guard.h) for the change before -> after.
  bool epoch_fence_allows(const RequestContext& ctx, const zone::ZoneSnapshot& before,
                          const zone::ZoneSnapshot& after);
  // Journal, publish, NOTIFY: the end of every accepted update. SERVFAIL if not durable.
  uint8_t commit_update(const RequestContext& ctx, const std::shared_ptr<const zone::ZoneSnapshot>& current,
                        const update::UpdateResult& result);
  // After a publish: a replication log for every replicated zone, a push loop set for
  // every zone this node is the primary of.
  void sync_replication();
  // At start-up or reload on the primary: when the log is exactly one entry ahead of the
  // zone (stopped between the log's write and the journal's), applies that entry through
  // the normal commit; false when there is no such gap or it could not be applied
  // (replication_redo.cc).
  bool redo_logged_entry(const zone::ZoneEntry& z, replication::ReplicationLog& log,
                         const std::optional<replication::Marker>& served);
  replication::ReplicationLog* replication_log(const std::string& origin);
  bool journal_usable(update::Journal& journal, const zone::ZoneSnapshot& current,
                      const std::string& zone_text);
  // NOTIFY to the zone's `notify` targets for `serial`, from its notify_source (or the
  // listen address, see xfr/notify_source.h).
  void notify_secondaries(const zone::ZoneEntry& entry, uint32_t serial);
  // After a load published `after` in place of `before`: NOTIFY for every changed serial.
  void notify_changed(const zone::Catalog* before, const zone::Catalog& after);
  // Status bookkeeping, on the service thread: the zone table after a publish, counters.
  void refresh_zone_status(bool loaded);
  void count_update(uint8_t rcode);
  void count_compaction(const std::string& origin, bool ok);
  template <class F> void with_status(F&& f) {
    std::lock_guard<std::mutex> lock(status_mutex_);
    f(status_);
  }

  zone::CatalogHolder& holder_;
  std::string state_dir_;
  zone::StatsSlots stats_slots_;
  // Before notifier_: its thread reports outcomes into status_ until it is joined.
  mutable std::mutex status_mutex_;
  ServiceStatus status_;
  std::map<std::string, std::pair<uint64_t, uint64_t>> compactions_;  // origin: ok, failed
  JournalMap journals_;  // by origin (wire)
  xfr::NotifySender notifier_;
  std::map<std::string, std::shared_ptr<replication::ReplicationLog>> replication_logs_;  // by origin
  std::map<std::string, std::unique_ptr<replication::Replicator>> replicators_;         // by origin
  // Replicated zones whose log has a gap (after a repair): warned once, until it is whole.
  std::set<std::string> replication_log_gaps_;  // by origin
  std::unique_ptr<replication::UpdateForwarder> forwarder_;
  size_t compact_after_ = 10000;
  std::vector<common::SocketAddress> listen_;  // [server] listen, for the NOTIFY source
  // The start's load happens before the DNS sockets are bound: its NOTIFYs wait for
  // start(), or a secondary would ask for the SOA before anything answers.
  bool notify_at_start_ = false;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dnsd::service
