// The rules of a quorum of sentinels: ODOWN, the leader's lease, remote state, fencing.
#include "sentinel/cluster/quorum.h"

#include <algorithm>

namespace sentinel::cluster {

Objective objective(const std::vector<Opinion>& opinions, const std::string& node, int quorum) {
  Objective o;
  for (const auto& op : opinions) {
    if (op.node != node) continue;
    auto& list = op.health == Health::Down ? o.down_by
                 : op.health == Health::Up ? o.up_by
                                           : o.unknown_by;
    if (std::find(list.begin(), list.end(), op.sentinel) == list.end()) list.push_back(op.sentinel);
  }
  for (auto* l : {&o.down_by, &o.up_by, &o.unknown_by}) std::sort(l->begin(), l->end());
  int q = std::max(quorum, 1);
  if (static_cast<int>(o.down_by.size()) >= q) o.health = Health::Down;
  else if (static_cast<int>(o.up_by.size()) >= q) o.health = Health::Up;
  return o;
}

std::vector<NodeView> objective_views(const std::vector<NodeView>& local,
                                      const std::vector<Opinion>& opinions, int quorum) {
  std::vector<NodeView> out = local;
  for (auto& v : out) v.health = objective(opinions, v.name, quorum).health;
  return out;
}

TimeMs lease_margin(TimeMs lease_ms) { return std::max<TimeMs>(lease_ms / 10, 100); }

TimeMs etcd_ttl_ms(TimeMs lease_ms, TimeMs interval_ms) {
  TimeMs fits = lease_ms + interval_ms - kEtcdExpiryStepMs - kTakeOverNoticeMs;
  TimeMs whole = fits / 1000 * 1000;
  return std::clamp<TimeMs>(whole, 1000, std::max<TimeMs>(lease_ms / 1000 * 1000, 1000));
}

bool keepalive_due(TimeMs now_mono, TimeMs last_sent_mono, TimeMs ttl_ms, TimeMs round_ms) {
  return now_mono - last_sent_mono + round_ms > ttl_ms / 3;
}

TimeMs round_period_ms(TimeMs lease_ms, TimeMs ttl_ms) {
  return std::clamp<TimeMs>(std::min(lease_ms / 6, ttl_ms / 3), 100, 1000);
}

TimeMs act_deadline(const Lease& l) {
  return l.held ? l.renewed_mono + l.lease_ms - l.margin_ms : 0;
}

bool may_act(const Lease& l, TimeMs now_mono) { return l.held && now_mono < act_deadline(l); }

std::string act_blocker(const Coordination& c, TimeMs now_mono) {
  if (c.lease.held && !may_act(c.lease, now_mono))
    return "leader lease expired on the local clock: no action until it is renewed";
  if (!c.etcd_ok)
    return "coordination unavailable: " + (c.etcd_error.empty() ? "no etcd answer yet" : c.etcd_error);
  if (c.lease.held) return "";
  if (c.leader.empty()) return "no leader yet";
  return c.leader + " leads";
}

RemoteJudgement judge_remote(const ClusterState& local, const std::optional<ClusterState>& remote,
                             const std::string& parse_error, bool same_content) {
  if (!parse_error.empty() || !remote)
    return {RemoteVerdict::Fault,
            "not a cluster state sentinel writes: " + (parse_error.empty() ? "empty" : parse_error)};
  if (remote->epoch < local.epoch)
    return {RemoteVerdict::Fault, "epoch " + std::to_string(remote->epoch) +
                                      " below the known epoch " + std::to_string(local.epoch)};
  if (same_content) return {RemoteVerdict::Keep, ""};
  return {RemoteVerdict::Adopt, ""};
}

const char* fence_step_name(FenceStep::Kind k) {
  switch (k) {
    case FenceStep::Kind::StepDown: return "step-down";
    case FenceStep::Kind::Fence: return "fence";
    case FenceStep::Kind::Promote: return "promote";
  }
  return "?";
}

std::vector<FenceStep> failover_steps(const Plan& plan, const FenceSpec& old_master_fence) {
  std::vector<FenceStep> out;
  if (plan.promoted) return out;  // resumed after the promote: only the publish is owed
  bool fencing = plan.kind == Plan::Kind::Failover && !plan.old_master.empty();
  if (fencing) {
    out.push_back({FenceStep::Kind::StepDown, plan.old_master, false});
    if (old_master_fence.hook)
      out.push_back({FenceStep::Kind::Fence, plan.old_master, old_master_fence.required});
  }
  if (plan.kind == Plan::Kind::Demote) return out;
  for (const auto& c : plan.candidates) out.push_back({FenceStep::Kind::Promote, c, false});
  return out;
}

void step_down_outcome(ClusterState& s, const std::string& node, bool ok) {
  // Counted as demoted by plan_promoted() only when it did step down; otherwise the promote
  // leaves it owed, as a failover without fencing does.
  if (!ok || !s.pending) return;
  auto& d = s.pending->demote;
  if (std::find(d.begin(), d.end(), node) == d.end()) d.push_back(node);
  s.owed_demotes.erase(node);
}

}  // namespace sentinel::cluster
