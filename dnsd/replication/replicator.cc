// Replication push loops.
#include "dnsd/replication/replicator.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "dnsd/replication/replica_plan.h"
#include "dnsd/replication/tcp_exchange.h"
#include "dnsd/update/tsig.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::replication {
namespace {
constexpr common::Millis kPoll{1000};          // marker re-read when idle or after a failure
constexpr common::Millis kExchangeTimeout{1500};
}  // namespace

Replicator::Replicator(zone::ReplicationSpec spec, std::string origin, std::shared_ptr<ReplicationLog> log,
                       common::TsigKey key, CurrentZone current)
    : spec_(std::move(spec)), origin_(std::move(origin)), zone_text_(wire::name_to_text(origin_)),
      log_(std::move(log)), key_(std::move(key)), current_(std::move(current)) {
  if (const auto* me = spec_.node(spec_.self)) self_address_ = me->address;
  for (const auto& n : spec_.nodes) {
    if (n.name == spec_.self) continue;
    auto link = std::make_unique<Link>();
    link->node = n;
    link->st.name = n.name;
    link->st.address = n.address.to_string();
    links_.push_back(std::move(link));
  }
  for (auto& l : links_) l->thread = std::thread([this, p = l.get()] { run(*p); });
}

Replicator::~Replicator() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_cv_.notify_all();
  ack_cv_.notify_all();
  for (auto& l : links_)
    if (l->thread.joinable()) l->thread.join();
}

void Replicator::wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++wakes_;
  }
  wake_cv_.notify_all();
}

size_t Replicator::needed() const { return acks_needed(spec_.nodes.size(), spec_.ack_all); }

bool Replicator::enough_reachable() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t up = 1;
  for (const auto& l : links_)
    if (l->st.reachable && !l->st.diverged) ++up;
  return up >= needed();
}

bool Replicator::wait_reachable(common::Millis timeout) {
  if (enough_reachable()) return true;
  wake();
  std::unique_lock<std::mutex> lock(mutex_);
  return ack_cv_.wait_for(lock, timeout, [&] {
    size_t up = 1;
    for (const auto& l : links_)
      if (l->st.reachable && !l->st.diverged) ++up;
    return stop_ || up >= needed();
  }) && !stop_;
}

bool Replicator::wait_for_acks(uint64_t seq, common::Millis timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return ack_cv_.wait_for(lock, timeout, [&] {
    std::vector<uint64_t> acked;
    for (const auto& l : links_) acked.push_back(l->st.diverged ? 0 : l->st.seq);
    return stop_ || acks_for(seq, acked) >= needed();
  }) && !stop_;
}

std::vector<ReplicaStatus> Replicator::status() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<ReplicaStatus> out;
  for (const auto& l : links_) out.push_back(l->st);
  return out;
}

void Replicator::set(Link& link, const std::function<void(Link&)>& f) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    f(link);
    link.st.in_step = link.st.known && !link.st.diverged && link.st.seq == log_->last_seq();
  }
  ack_cv_.notify_all();
}

void Replicator::run(Link& link) {
  uint64_t seen = 0;
  for (;;) {
    bool more = step(link);
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) return;
    if (more) continue;
    wake_cv_.wait_for(lock, kPoll, [&] { return stop_ || wakes_ != seen; });
    if (stop_) return;
    // Woken for a new entry: push on what we believe; on the timer: read the marker again.
    if (wakes_ == seen) link.reread = true;
    seen = wakes_;
  }
}

bool Replicator::step(Link& link) {
  std::string error;
  auto fail = [&](const std::string& why) {
    set(link, [&](Link& l) {
      if (l.st.reachable || l.st.problem != why)
        spdlog::warn("replication {}: node {} ({}): {}", zone_text_, l.node.name, l.st.address, why);
      l.st.reachable = false;
      l.st.known = false;
      l.st.problem = why;
    });
    return false;
  };
  bool known;
  std::optional<Marker> marker;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    known = link.st.known && !link.reread;
    link.reread = false;
    marker = link.marker;
  }
  if (!known) {
    // Its marker, and its SOA serial (for dnsdctl) on the same connection.
    uint16_t id = link.next_id++, soa_id = link.next_id++;
    std::optional<std::vector<uint8_t>> answer;
    std::optional<uint32_t> serial;
    int left = 2;
    bool ok = tcp_stream(link.node.address, &self_address_, {build_marker_query(origin_, id), build_soa_query(origin_, soa_id)},
                         kExchangeTimeout, [&](std::vector<uint8_t>&& m) {
                           uint32_t s = 0;
                           std::string ignored;
                           if ((m[0] << 8 | m[1]) == soa_id) {
                             if (read_soa_serial(m, soa_id, origin_, s, ignored)) serial = s;
                           } else {
                             answer = std::move(m);
                           }
                           return --left > 0;
                         }, error);
    if (!ok) return fail(error);
    if (!answer) return fail("no answer to the marker query");
    if (!read_marker_answer(*answer, id, marker, error)) return fail("marker query: " + error);
    set(link, [&](Link& l) {
      l.st.serial_known = serial.has_value();
      l.st.serial = serial.value_or(0);
    });
  }
  uint64_t last = log_->last_seq();
  ReplicaPlan plan = plan_for_replica(marker, last, [this](uint64_t k) { return log_->marker_at(k); });
  if (plan.action == ReplicaAction::Diverged) {
    set(link, [&](Link& l) {
      if (!l.st.diverged) {
        spdlog::error("replication {}: node {} has diverged: {}; repairing it from this node's zone "
                      "(docs/dnsd.md \"One zone on every node\")", zone_text_, l.node.name, plan.reason);
        ++divergences_;
        l.st.problem = plan.reason;
      }
      l.st.diverged = true;
      l.st.reachable = true;
      l.st.known = true;
      l.st.seq = marker ? marker->seq : 0;
      l.marker = marker;
    });
    return repair(link, marker, plan.reason);
  }
  if (plan.action == ReplicaAction::InStep) {
    set(link, [&](Link& l) {
      if (!l.st.reachable || l.st.diverged)
        spdlog::info("replication {}: node {} in step at seq {}", zone_text_, l.node.name, marker ? marker->seq : 0);
      l.st.known = true;
      l.st.seq = marker ? marker->seq : 0;
      l.st.reachable = true;
      l.st.diverged = false;
      l.st.problem.clear();
      l.marker = marker;
    });
    return false;
  }
  auto entry = log_->entry(plan.send_seq);
  if (!entry) return fail("the log lost entry " + std::to_string(plan.send_seq));
  uint16_t id = link.next_id++;
  auto msg = build_replication_update(*entry, marker ? format_marker(*marker) : "", origin_, id);
  update::sign_request(msg, key_, static_cast<uint64_t>(std::time(nullptr)));
  auto answer = tcp_exchange(link.node.address, &self_address_, msg, kExchangeTimeout, error);
  if (!answer) return fail(error);
  const auto& a = *answer;
  uint8_t rcode = a[3] & 0xF;
  if ((a[0] << 8 | a[1]) != id || !(a[2] & 0x80)) return fail("a reply that does not answer entry " + std::to_string(entry->seq));
  if (rcode == wire::rcode::NOERROR) {
    auto next = parse_marker(entry->marker);
    set(link, [&](Link& l) {
      l.st.known = true;
      l.st.reachable = true;
      l.st.diverged = false;  // it took an entry on top of our history: repaired
      l.st.seq = entry->seq;
      l.st.problem.clear();
      l.marker = next;
    });
    return entry->seq < log_->last_seq();
  }
  // NXRRSET: the fence did not match (its marker moved meanwhile): read it again. Any
  // other rcode: it does not take our entries (a key or config mismatch on that node).
  bool fence = rcode == wire::rcode::NXRRSET;
  set(link, [&](Link& l) {
    l.st.known = false;
    l.st.reachable = fence;
    l.st.problem = "entry " + std::to_string(entry->seq) + " answered rcode " + std::to_string(rcode);
  });
  if (!fence)
    spdlog::warn("replication {}: node {} refused entry {} (rcode {})", zone_text_, link.node.name, entry->seq, rcode);
  return false;
}

}  // namespace dnsd::replication
