// The coordination thread: lease, opinions, leader campaign, state and requests in etcd.
#include "sentinel/daemon/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace sentinel::daemon {
using coord::Compare;
using coord::EtcdError;
using coord::TxnOp;
using nlohmann::json;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Each etcd call may take at most a third of the lease, so a round of them cannot outlive it.
std::chrono::milliseconds call_timeout(const config::CoordinationConfig& k) {
  return std::chrono::milliseconds(std::clamp<int64_t>(k.lease.count() / 4, 200, 2000));
}

std::vector<std::string> node_names(const config::SentinelConfig& c) {
  std::vector<std::string> out;
  for (const auto& n : c.nodes) out.push_back(n.name);
  return out;
}

}  // namespace

Coordinator::Coordinator(const config::SentinelConfig& c, Deliver deliver)
    : k_(c.coordination),
      id_(c.id),
      api_(c.api_listen.to_string()),
      nodes_(node_names(c)),
      interval_ms_(c.probe.interval.count()),
      ttl_ms_(cluster::etcd_ttl_ms(c.coordination.lease.count(), interval_ms_)),
      round_ms_(cluster::round_period_ms(c.coordination.lease.count(), ttl_ms_)),
      deliver_(std::move(deliver)),
      client_(c.coordination.etcd, call_timeout(c.coordination)),
      write_client_(c.coordination.etcd, call_timeout(c.coordination)),
      watch_(c.coordination.etcd, c.coordination.prefix + "leader", call_timeout(c.coordination),
             std::chrono::milliseconds(round_ms_),
             [this](coord::WatchNews n, const std::string& d) { on_watch(n, d); }) {}

Coordinator::~Coordinator() { stop(); }

void Coordinator::start() {
  spdlog::info("coordination: lease TTL {} s in etcd (lease {} ms, probe interval {} ms): a "
               "dead leader's key is taken within {} ms; rounds every {} ms",
               ttl_ms_ / 1000, k_.lease.count(), interval_ms_,
               ttl_ms_ + cluster::kEtcdExpiryStepMs + cluster::kTakeOverNoticeMs, round_ms_);
  thread_ = std::thread([this] { run(); });
  watch_.start();
}

void Coordinator::on_watch(coord::WatchNews news, const std::string& detail) {
  std::lock_guard<std::mutex> lock(mu_);
  if (news == coord::WatchNews::Broken) {
    // Rounds go on without it; said once per outage, not on every retry.
    if (!watch_broken_ && !stopping_)
      spdlog::warn("coordination: leader-key watch broken ({}); rounds every {} ms meanwhile",
                   detail, round_ms_);
    watch_broken_ = true;
    return;
  }
  if (news == coord::WatchNews::Established && watch_broken_) {
    spdlog::info("coordination: leader-key watch open again ({})", detail);
    watch_broken_ = false;
  }
  watch_woke_ = true;
  cv_.notify_all();
}

void Coordinator::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  watch_.stop();
  if (thread_.joinable()) thread_.join();
  held_ = false;
  if (lease_id_) {
    client_.lease_revoke(lease_id_);  // best effort: else it expires by itself
    lease_id_ = 0;
  }
}

void Coordinator::set_opinions(std::vector<cluster::Opinion> opinions) {
  std::lock_guard<std::mutex> lock(mu_);
  bool changed = opinions.size() != opinions_.size();
  for (size_t i = 0; !changed && i < opinions.size(); ++i)
    changed = opinions[i].health != opinions_[i].health || opinions[i].node != opinions_[i].node;
  if (!changed) return;
  opinions_ = std::move(opinions);
  opinions_dirty_ = true;
  cv_.notify_all();
}

void Coordinator::queue_request(const std::string& verb, const std::string& node) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = k_.prefix + "requests/" + id_ + "-" + std::to_string(wall_ms()) + "-" +
                    std::to_string(++request_seq_);
  to_put_.push_back({key, json{{"verb", verb}, {"node", node}, {"from", id_}}});
  cv_.notify_all();
}

void Coordinator::request_done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  to_delete_.push_back(key);
  cv_.notify_all();
}

// The local deadline counts the TTL asked of etcd from when the renewal was sent: etcd
// starts its TTL (never shorter than asked) on receipt, so it never expires the key earlier.
cluster::Lease Coordinator::lease_now() const {
  return {held_.load(), renewed_.load(), ttl_ms_, cluster::lease_margin(ttl_ms_)};
}

bool Coordinator::may_act() const { return cluster::may_act(lease_now(), steady_ms()); }

int64_t Coordinator::state_revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_rev_;
}

bool Coordinator::write_state(const std::string& text, std::string& error) {
  std::lock_guard<std::mutex> wlock(write_mu_);
  if (!may_act()) {
    error = "not the leader, or its lease ran out on the local clock: the state is not written";
    return false;
  }
  int64_t rev, leader_rev;
  {
    std::lock_guard<std::mutex> lock(mu_);
    rev = state_rev_;
    leader_rev = leader_create_rev_;
  }
  std::vector<Compare> cmp{
      {k_.prefix + "leader", Compare::Target::Create, Compare::Op::Equal, leader_rev, ""},
      {k_.prefix + "leader", Compare::Target::Lease, Compare::Op::Equal, lease_for_writes_.load(), ""},
      {k_.prefix + "state", Compare::Target::Mod, Compare::Op::Equal, rev, ""}};
  auto r = write_client_.txn(cmp, {{TxnOp::Kind::Put, k_.prefix + "state", text, 0, false}}, {});
  if (auto* e = std::get_if<EtcdError>(&r)) {
    error = "etcd: " + e->detail;
    return false;
  }
  const auto& reply = std::get<coord::TxnReply>(r);
  if (!reply.succeeded) {
    error = "etcd: the leader key or the cluster state changed under this sentinel (state "
            "revision " + std::to_string(rev) + "): not written";
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  state_rev_ = std::max(state_rev_, reply.revision);
  return true;
}

void Coordinator::run() {
  // Rounds (read everything, campaign when nobody leads, keepalive when due) every
  // round_ms_, and at once when the leader key changes (the watch) or there is news to write.
  const auto period = std::chrono::milliseconds(round_ms_);
  for (;;) {
    round();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, period, [this] {
      return stopping_ || opinions_dirty_ || watch_woke_ || !to_put_.empty() || !to_delete_.empty();
    });
    watch_woke_ = false;
    if (stopping_) return;
  }
}

void Coordinator::fail(CoordSnapshot& snap, const EtcdError& e) {
  snap.etcd_ok = false;
  snap.etcd_error = e.detail;
}

// One keepalive per request (etcd issue 8237), at most a third of the TTL apart; the renewal
// counts from when it was sent, so the local deadline is never later than etcd's.
bool Coordinator::keep_lease(int64_t now, std::string& error) {
  if (lease_id_ == 0) {
    auto ttl = std::chrono::seconds(ttl_ms_ / 1000);
    auto r = client_.lease_grant(ttl);
    if (auto* e = std::get_if<EtcdError>(&r)) return (error = e->detail), false;
    lease_id_ = std::get<int64_t>(r);
    lease_for_writes_ = lease_id_;
    renewed_ = now;
    last_keepalive_ = now;
    std::lock_guard<std::mutex> lock(mu_);
    opinions_dirty_ = true;  // the old lease took them along
    return true;
  }
  if (!cluster::keepalive_due(now, last_keepalive_, ttl_ms_, round_ms_)) return true;
  auto r = client_.lease_keepalive(lease_id_);
  if (auto* e = std::get_if<EtcdError>(&r)) return (error = e->detail), false;
  last_keepalive_ = now;
  if (std::get<int64_t>(r) <= 0) {
    spdlog::warn("coordination: lease {:x} expired in etcd; taking a new one", lease_id_);
    held_ = false;
    lease_id_ = 0;
    return keep_lease(steady_ms(), error);
  }
  if (std::get<int64_t>(r) * 1000 > ttl_ms_ && !ttl_warned_) {
    // Safe (the local deadline counts the TTL asked for), but the take-over is slower.
    spdlog::warn("coordination: etcd keeps lease {:x} for {} s, not the {} s asked (its minimum "
                 "lease TTL, 1.5 x its election timeout): a dead leader is replaced later",
                 lease_id_, std::get<int64_t>(r), ttl_ms_ / 1000);
    ttl_warned_ = true;
  }
  renewed_ = now;
  return true;
}

void Coordinator::publish_opinions() {
  std::vector<cluster::Opinion> ops;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!opinions_dirty_) return;
    ops = opinions_;
    opinions_dirty_ = false;
  }
  std::vector<TxnOp> puts;
  for (const auto& o : ops) {
    json v = {{"health", cluster::health_name(o.health)}, {"evidence", o.evidence}, {"at_ms", o.at_ms}};
    puts.push_back({TxnOp::Kind::Put, k_.prefix + "opinions/" + id_ + "/" + o.node, v.dump(), lease_id_, false});
  }
  if (puts.empty()) return;
  auto r = client_.txn({}, puts, {});
  if (std::holds_alternative<EtcdError>(r)) {
    std::lock_guard<std::mutex> lock(mu_);
    opinions_dirty_ = true;  // again next round
  }
}

void Coordinator::read_all(CoordSnapshot& snap) {
  auto r = client_.range(k_.prefix, true);
  if (auto* e = std::get_if<EtcdError>(&r)) return fail(snap, *e);
  snap.etcd_ok = true;
  PrefixView v = parse_prefix(std::get<coord::RangeReply>(r).kvs,
                              {k_.prefix, id_, lease_id_, k_.sentinels, nodes_});
  snap.leader = v.leader;
  snap.leader_since_ms = v.leader_since_ms;
  snap.leader_api = v.leader_api;
  snap.opinions = std::move(v.opinions);
  snap.state_text = std::move(v.state_text);
  snap.state_revision = v.state_revision;
  snap.requests = std::move(v.requests);
  snap.faults = std::move(v.faults);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (v.leader_is_mine) leader_create_rev_ = v.leader_create_revision;
    state_rev_ = std::max(state_rev_, v.state_revision);
  }
  if (!v.leader_is_mine && held_) spdlog::warn("coordination: {} no longer holds the leader key", id_);
  held_ = v.leader_is_mine;
}

void Coordinator::campaign(CoordSnapshot& snap) {
  int64_t since = wall_ms();
  json v = {{"id", id_}, {"since_ms", since}, {"api", api_}};
  const std::string key = k_.prefix + "leader";
  auto r = client_.txn({{key, Compare::Target::Create, Compare::Op::Equal, 0, ""}},
                       {{TxnOp::Kind::Put, key, v.dump(), lease_id_, false}},
                       {{TxnOp::Kind::Range, key, "", 0, false}});
  if (auto* e = std::get_if<EtcdError>(&r)) return fail(snap, *e);
  const auto& reply = std::get<coord::TxnReply>(r);
  if (!reply.succeeded) return;  // another sentinel was quicker; seen next round
  {
    std::lock_guard<std::mutex> lock(mu_);
    leader_create_rev_ = reply.revision;
  }
  held_ = true;
  snap.leader = id_;
  snap.leader_since_ms = since;
  snap.leader_api = api_;
  spdlog::info("coordination: {} leads (leader key revision {})", id_, reply.revision);
}

void Coordinator::round() {
  CoordSnapshot snap;
  int64_t now = steady_ms();
  if (!keep_lease(now, snap.etcd_error)) {
    snap.etcd_error = "cannot keep the lease: " + snap.etcd_error;
  }
  if (lease_id_ != 0 && snap.etcd_error.empty()) {
    publish_opinions();
    std::vector<std::pair<std::string, json>> puts;
    std::vector<std::string> dels;
    {
      std::lock_guard<std::mutex> lock(mu_);
      puts.swap(to_put_);
      dels.swap(to_delete_);
    }
    for (const auto& [key, v] : puts)
      if (auto r = client_.put(key, v.dump()); std::holds_alternative<EtcdError>(r))
        spdlog::warn("coordination: request {} not queued: {}", key, std::get<EtcdError>(r).detail);
    for (const auto& key : dels)
      client_.txn({}, {{TxnOp::Kind::Delete, key, "", 0, false}}, {});
    read_all(snap);
    if (snap.etcd_ok && snap.leader.empty()) campaign(snap);
  }
  // Without etcd, held_ stays as it was: may_act() runs out on the local clock.
  if (logged_faults_.size() > 1000) logged_faults_.clear();
  for (const auto& f : snap.faults)
    if (logged_faults_.emplace(f, f).second) spdlog::error("coordination: bad data in etcd: {}", f);
  snap.lease = lease_now();
  deliver_(std::move(snap));
}

}  // namespace sentinel::daemon
