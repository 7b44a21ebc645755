// Replicated updates (docs/dnsd.md "One zone on every node"): forwarding to the primary,
// sequencing on the primary, applying the primary's entries on a replica.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "dnsd/replication/replica_plan.h"
#include "dnsd/replication/replication_entry.h"
#include "dnsd/replication/tcp_exchange.h"
#include "dnsd/replication/zone_diff.h"
#include "dnsd/service/zone_service.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::service {
namespace {

namespace R = wire::rcode;
using Status = update::TsigVerification::Status;

bool listed(const std::vector<std::string>& keys, const std::string& key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// The other node whose replica address the client's IP is, or null.
const zone::ReplicationSpec::Node* forwarding_node(const zone::ReplicationSpec& rs, const common::SocketAddress& client) {
  for (const auto& n : rs.nodes)
    if (n.name != rs.self && replication::same_ip(n.address, client)) return &n;
  return nullptr;
}

}  // namespace

bool ZoneService::forward_if_replica(const RequestContext& ctx, const net::Responder& respond) {
  const zone::ZoneEntry* entry = ctx.zone;
  if (!entry || ctx.tsig.status != Status::Ok) return false;
  const zone::ReplicationSpec& rs = entry->replication;
  const std::string& key = ctx.tsig.record.key_name;
  if (!rs.enabled() || rs.is_primary() || !listed(rs.keys, key) || !listed(entry->update_keys, key))
    return false;
  const std::string who = ctx.who();
  if (const auto* from = forwarding_node(rs, ctx.request.client)) {
    // Forwarded to us, but we are not the primary: the nodes disagree about update_primary.
    spdlog::error("update {} from {}: SERVFAIL, forwarding loop: node {} forwarded it to this node {}, "
                  "which is not the primary (update_primary = \"{}\" here); it is not forwarded again. "
                  "Set the same update_primary on every node and reload", ctx.zone_text, who, from->name,
                  rs.self, rs.primary);
    with_status([](ServiceStatus& s) { ++s.counters.forwarding_loops; });
    count_update(R::SERVFAIL);
    respond({ctx.reply(R::SERVFAIL)});
    return true;
  }
  const auto* primary = rs.node(rs.primary);
  const auto* me = rs.node(rs.self);
  if (!primary || !me) return false;  // the config check makes both exist
  if (!forwarder_) forwarder_ = std::make_unique<replication::UpdateForwarder>();
  replication::ForwardJob job;
  job.message = ctx.bytes();
  job.primary = primary->address;
  job.source = me->address;
  job.servfail = ctx.reply(R::SERVFAIL);
  job.log_prefix = "update " + ctx.zone_text + " from " + who;
  // The primary waits up to replication_timeout for the other nodes; give it a second more.
  job.deadline = std::chrono::steady_clock::now() + rs.timeout + std::chrono::seconds(1);
  job.respond = [this, respond](std::vector<uint8_t> answer) {
    bool failed = false;
    with_status([&](ServiceStatus& s) {
      ++s.counters.updates_forwarded;
      if (answer.size() >= 12 && (answer[3] & 0xF) == R::SERVFAIL) failed = true;
    });
    if (answer.size() >= 12) count_update(answer[3] & 0xF);
    if (failed) with_status([](ServiceStatus& s) { ++s.counters.forward_failures; });
    respond({std::move(answer)});
  };
  forwarder_->forward(std::move(job));
  return true;
}

uint8_t ZoneService::apply_replicated(const RequestContext& ctx, const update::UpdateMessage& msg) {
  const zone::ZoneEntry* entry = ctx.zone;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  const std::string& origin = entry->snapshot->origin();
  auto rep = replicators_.find(origin);
  auto* log = replication_log(origin);
  if (rep == replicators_.end() || !log) {
    spdlog::error("update {} from {}: SERVFAIL, replication is not running (its log could not be opened)",
                  zone_text, who);
    return R::SERVFAIL;
  }
  replication::Replicator& replicator = *rep->second;
  if (const auto* from = forwarding_node(entry->replication, ctx.request.client))
    spdlog::info("update {} from {}: forwarded by node {}", zone_text, who, from->name);
  // Refuse before applying when we know the change could not be acknowledged.
  if (!replicator.wait_reachable(entry->replication.timeout / 2)) {
    spdlog::warn("update {} from {}: SERVFAIL before applying: fewer than {} of {} nodes are reachable",
                 zone_text, who, replicator.needed(), entry->replication.nodes.size());
    return R::SERVFAIL;
  }
  const std::shared_ptr<const zone::ZoneSnapshot> current = entry->snapshot;
  // Prerequisites are evaluated here only, against the one order every node applies.
  update::UpdateResult result = update::apply_update(msg, current, entry->self.owners);
  if (result.rcode) {
    spdlog::info("update {} from {}: rcode {}: {}", zone_text, who, result.rcode, result.reason);
    return result.rcode;
  }
  if (!result.changed) return R::NOERROR;
  if (!epoch_fence_allows(ctx, *current, *result.snapshot)) return R::REFUSED;
  // The entry is the effective change; the zone also gets the new marker, in the same
  // journal entry.
  auto e = replication::next_entry(log->last_marker(), entry->replication.self, result.diff.deleted,
                                   result.diff.added, "", 0);
  update::UpdateMessage with_marker = msg;
  const std::string marker = replication::marker_owner(origin);
  with_marker.updates.push_back({marker, wire::type::TXT, wire::klass::ANY, 0, ""});
  with_marker.updates.push_back({marker, wire::type::TXT, wire::klass::IN, 0, replication::txt_rdata(e.marker)});
  update::UpdateResult final_result = update::apply_update(with_marker, current, entry->self.owners);
  if (final_result.rcode || !final_result.changed) {
    spdlog::error("update {} from {}: SERVFAIL, adding the _replication marker failed: {}", zone_text, who,
                  final_result.reason);
    return R::SERVFAIL;
  }
  e.soa_rdata = final_result.diff.soa_after_rdata;
  e.soa_ttl = final_result.diff.soa_ttl;
  std::string error;
  if (!log->append(e, error)) {
    spdlog::error("update {} from {}: SERVFAIL, the replication log is not durable: {}", zone_text, who, error);
    return R::SERVFAIL;
  }
  if (uint8_t rc = commit_update(ctx, current, final_result); rc != R::NOERROR) {
    log->truncate_after(e.seq - 1, error);
    return rc;
  }
  replicator.wake();
  if (!replicator.wait_for_acks(e.seq, entry->replication.timeout)) {
    spdlog::error("update {} from {}: SERVFAIL: entry {} is held by fewer than {} of {} nodes after {}; it "
                  "stays applied here and in the replication log and still reaches the others",
                  zone_text, who, e.seq, replicator.needed(), entry->replication.nodes.size(),
                  common::format_duration(entry->replication.timeout));
    return R::SERVFAIL;
  }
  spdlog::info("update {} from {}: replication entry {} held by {} or more of {} nodes", zone_text, who, e.seq,
               replicator.needed(), entry->replication.nodes.size());
  return R::NOERROR;
}

uint8_t ZoneService::apply_replication_entry(const RequestContext& ctx, const update::UpdateMessage& msg) {
  const zone::ZoneEntry* entry = ctx.zone;
  const zone::ReplicationSpec& rs = entry->replication;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  const std::string& origin = entry->snapshot->origin();
  if (rs.is_primary()) {
    spdlog::error("replication update {} from {}: REFUSED, this node {} is the primary here; the sender "
                  "thinks it is (set the same update_primary on every node)", zone_text, who, rs.self);
    return R::REFUSED;
  }
  std::string reason;
  auto e = replication::entry_from_update(msg, reason);
  if (!e) {
    spdlog::warn("replication update {} from {}: REFUSED, {}", zone_text, who, reason);
    return R::REFUSED;
  }
  const std::shared_ptr<const zone::ZoneSnapshot> current = entry->snapshot;
  update::UpdateResult result = update::apply_update(msg, current, entry->self.owners);
  if (result.rcode) {
    spdlog::info("replication update {} from {}: entry {}: rcode {}: {}", zone_text, who, e->seq, result.rcode,
                 result.reason);
    return result.rcode;
  }
  if (!result.changed) return R::NOERROR;
  auto* log = replication_log(origin);
  std::string error;
  // The marker the fence names: entry seq-1 of the sender for an entry; for the repair of
  // a diverged node (docs/dnsd.md "One zone on every node") our own diverged marker.
  std::optional<replication::Marker> fence;
  if (const auto& pre = msg.prerequisites[0]; pre.klass == wire::klass::IN)
    if (auto text = replication::txt_text(pre.rdata)) fence = replication::parse_marker(*text);
  bool log_disagrees = false;  // our log holds entry seq-1, with another marker than the fence
  if (log)
    if (auto at = log->marker_at(e->seq - 1)) log_disagrees = !(*at == fence);
  bool repair = (fence ? fence->seq : 0) + 1 != e->seq || log_disagrees;
  if (log && repair) {
    // The update makes our zone the primary's, but no entry of our log leads there: the
    // log's history is not the primary's and must never be replayed to another node.
    spdlog::warn("zone {}: replication log dropped: entry {} from {} repairs this node's zone (its marker was "
                 "\"{}\"); this node's log cannot serve as a primary's history from now on", zone_text, e->seq,
                 who, fence ? replication::format_marker(*fence) : std::string("(none)"));
    log->truncate_after(0, error);
  } else if (log) {
    // The fence held, so our marker is entry seq-1 of the sender: a longer tail in our log
    // is an old primary's, never acknowledged by this order.
    if (log->last_seq() >= e->seq) {
      spdlog::warn("zone {}: replication log entries after {} dropped: the primary's order replaces them",
                   zone_text, e->seq - 1);
      log->truncate_after(e->seq - 1, error);
    }
    if (log->last_seq() + 1 != e->seq) {
      if (replication_log_gaps_.insert(origin).second)
        spdlog::warn("zone {}: the replication log holds only up to entry {}, not {}; entry {} and the "
                     "following ones are applied but this node's log cannot serve as a primary's history "
                     "(said once)", zone_text, log->last_seq(), e->seq - 1, e->seq);
    } else if (!log->append(*e, error)) {
      spdlog::error("replication update {} from {}: SERVFAIL, log not durable: {}", zone_text, who, error);
      return R::SERVFAIL;
    } else {
      replication_log_gaps_.erase(origin);
    }
  }
  uint8_t rc = commit_update(ctx, current, result);
  if (rc != R::NOERROR && log && log->last_seq() == e->seq) log->truncate_after(e->seq - 1, error);
  return rc;
}

replication::ReplicationLog* ZoneService::replication_log(const std::string& origin) {
  auto it = replication_logs_.find(origin);
  return it == replication_logs_.end() ? nullptr : it->second.get();
}

void ZoneService::sync_replication() {
  auto catalog = holder_.get();
  std::map<std::string, bool> primary_of;
  for (const auto& z : catalog->zones) {
    const auto& rs = z.replication;
    const std::string& origin = z.snapshot->origin();
    std::string zone_text = wire::name_to_text(origin);
    if (!rs.enabled()) continue;
    if (!replication_logs_.count(origin)) {
      std::string error;
      auto log = replication::ReplicationLog::open(state_dir_, zone_text, error);
      if (!log) {
        spdlog::error("zone {}: replication log: {}; replicated updates get SERVFAIL", zone_text, error);
        continue;
      }
      spdlog::info("zone {}: replication log {} holds {} entries", zone_text, log->path(), log->last_seq());
      std::lock_guard<std::mutex> lock(status_mutex_);
      replication_logs_[origin] = std::move(log);
    }
    if (!rs.is_primary()) continue;
    primary_of[origin] = true;
    // The zone must serve the marker of the log's last entry, or the order is broken here.
    auto served = replication::served_marker(*z.snapshot);
    auto logged = replication_logs_[origin]->last_marker();
    if (served && *served != logged && redo_logged_entry(z, *replication_logs_[origin], *served)) {
      sync_replication();  // the zone changed: start over from the catalog that serves it
      return;
    }
    if (!served || *served != logged)
      spdlog::error("zone {}: this primary serves _replication {} but its replication log ends at {}; "
                    "replicated changes may differ between the nodes (docs/dnsd.md \"One zone on every "
                    "node\", Limits)", zone_text,
                    served && *served ? replication::format_marker(**served) : std::string("(none)"),
                    logged ? replication::format_marker(*logged) : std::string("(none)"));
    const common::TsigKey* key = nullptr;
    for (const auto& k : catalog->keys) {
      auto w = wire::name_from_text(k.name);
      std::string lw = w ? *w : "";
      for (auto& c : lw) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
      if (lw == rs.key) key = &k;
    }
    auto old = replicators_.find(origin);
    if (old != replicators_.end() && old->second->spec() == rs) continue;
    if (!key) continue;
    auto current = [this, origin]() -> std::shared_ptr<const zone::ZoneSnapshot> {
      auto now = holder_.get();
      for (const auto& zone : now->zones)
        if (zone.snapshot->origin() == origin) return zone.snapshot;
      return nullptr;
    };
    auto next = std::make_unique<replication::Replicator>(rs, origin, replication_logs_[origin], *key, current);
    std::unique_ptr<replication::Replicator> gone;  // joined outside the lock
    {
      std::lock_guard<std::mutex> lock(status_mutex_);
      gone = std::move(replicators_[origin]);
      replicators_[origin] = std::move(next);
    }
    spdlog::info("zone {}: this node {} is the update primary; pushing to {} other nodes", zone_text, rs.self,
                 rs.nodes.size() - 1);
  }
  std::vector<std::unique_ptr<replication::Replicator>> gone;
  {
    std::lock_guard<std::mutex> lock(status_mutex_);
    for (auto it = replicators_.begin(); it != replicators_.end();) {
      if (primary_of.count(it->first) && it->second) {
        ++it;
        continue;
      }
      gone.push_back(std::move(it->second));
      it = replicators_.erase(it);
    }
  }
}

}  // namespace dnsd::service
