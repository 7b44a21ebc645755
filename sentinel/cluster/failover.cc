// The failover rules of docs/sentinel.md as pure functions.
#include "sentinel/cluster/failover.h"

#include <algorithm>
#include <string_view>

namespace sentinel::cluster {
namespace {

const NodeView* find(const std::vector<NodeView>& nodes, const std::string& name) {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

std::string seconds_text(TimeMs ms) { return std::to_string((ms + 999) / 1000) + "s"; }

}  // namespace

const char* plan_kind_name(Plan::Kind k) {
  switch (k) {
    case Plan::Kind::Failover: return "failover";
    case Plan::Kind::Switchover: return "switchover";
    case Plan::Kind::Bootstrap: return "bootstrap";
    case Plan::Kind::Demote: return "demote";
    case Plan::Kind::Reinstate: return "reinstate";
  }
  return "?";
}

const char* failover_cause(const Plan& plan) {
  auto ends_with = [&](std::string_view tail) {
    return plan.reason.size() >= tail.size() &&
           plan.reason.compare(plan.reason.size() - tail.size(), tail.size(), tail) == 0;
  };
  switch (plan.kind) {
    case Plan::Kind::Failover: return ends_with(" is damped") ? "master_damped" : "master_down";
    case Plan::Kind::Switchover:
      return plan.reason.rfind("drain ", 0) == 0 ? "drain" : "manual_promote";
    case Plan::Kind::Bootstrap:
    case Plan::Kind::Demote:
    case Plan::Kind::Reinstate: break;  // the master does not change
  }
  return nullptr;
}

void ClusterState::record(Event e) {
  history.push_back(std::move(e));
  while (history.size() > kHistoryLimit) history.pop_front();
}

bool in_service(const NodeView& n, const ClusterState& s) {
  return n.health == Health::Up && !n.damped && !s.drained.count(n.name) &&
         !s.owed_demotes.count(n.name);
}

std::vector<std::string> candidates(const std::vector<NodeView>& nodes, const ClusterState& s,
                                    const std::string& exclude) {
  std::vector<const NodeView*> ok;
  for (const auto& n : nodes)
    if (n.name != exclude && in_service(n, s)) ok.push_back(&n);
  std::sort(ok.begin(), ok.end(), [](const NodeView* a, const NodeView* b) {
    return a->priority != b->priority ? a->priority < b->priority : a->name < b->name;
  });
  std::vector<std::string> out;
  for (const auto* n : ok) out.push_back(n->name);
  return out;
}

std::optional<Plan> reinstate_plan(const ClusterState& s, const std::vector<NodeView>& nodes) {
  if (!s.pending) return std::nullopt;
  const Plan& pending = *s.pending;
  // Only a failover nothing was promoted for yet: after a promote the new master may
  // already serve, and the publish is owed (resumed as is).
  if (pending.kind != Plan::Kind::Failover || pending.promoted || pending.old_master.empty())
    return std::nullopt;
  const NodeView* old = find(nodes, pending.old_master);
  if (!old || !in_service(*old, s)) return std::nullopt;  // still down (or drained): resume
  Plan plan;
  plan.kind = Plan::Kind::Reinstate;
  // A new epoch: a candidate may have accepted the promote of the pending epoch just before
  // the stop, and one epoch must never have two masters.
  plan.epoch = pending.epoch + 1;
  plan.reason = "master " + pending.old_master + " is up again: the failover of epoch " +
                std::to_string(pending.epoch) + " is not resumed";
  plan.candidates = {pending.old_master};
  for (const auto& c : pending.candidates)
    if (c != pending.old_master) plan.demote.push_back(c);
  return plan;
}

Decision decide(const ClusterState& s, const std::vector<NodeView>& nodes, const Policy& p,
                TimeMs now_ms) {
  // A plan persisted before a stop is resumed, unless the evidence it was made on is gone
  // (its master is up again): decisions are made on fresh health, never on a stale one.
  if (auto reinstate = reinstate_plan(s, nodes)) return {reinstate, ""};
  if (s.pending) return {s.pending, ""};
  for (const auto& [name, epoch] : s.owed_demotes) {
    const NodeView* n = find(nodes, name);
    if (!n || n->health != Health::Up) continue;
    Plan plan;
    plan.kind = Plan::Kind::Demote;
    plan.reason = "old master " + name + " is back: step down";
    plan.epoch = s.epoch;
    plan.demote = {name};
    return {plan, ""};
  }
  if (s.master.empty()) {
    auto c = candidates(nodes, s, "");
    if (c.empty()) return {std::nullopt, "no master yet and no node in service"};
    Plan plan;
    plan.kind = Plan::Kind::Bootstrap;
    plan.reason = "no master yet";
    plan.epoch = s.epoch + 1;
    plan.candidates = c;
    return {plan, ""};
  }
  const NodeView* m = find(nodes, s.master);
  bool master_down = !m || m->health == Health::Down || m->damped;
  if (!master_down) return {std::nullopt, ""};
  if (!p.failover_auto)
    return {std::nullopt, "master " + s.master + " is down; failover is manual: sentinel promote NODE"};
  auto c = candidates(nodes, s, s.master);
  if (c.empty())
    return {std::nullopt, "master " + s.master +
                              " is down and no node is in service: keeping the last good records"};
  if (s.last_failover_ms && now_ms < s.last_failover_ms + p.cooldown_ms)
    return {std::nullopt, "master " + s.master + " is down; cooldown for another " +
                              seconds_text(s.last_failover_ms + p.cooldown_ms - now_ms)};
  if (now_ms < s.retry_after_ms)
    return {std::nullopt, "master " + s.master + " is down; every candidate refused, retrying in " +
                              seconds_text(s.retry_after_ms - now_ms)};
  Plan plan;
  plan.kind = Plan::Kind::Failover;
  plan.reason = "master " + s.master + (m && m->damped ? " is damped" : " is down");
  plan.epoch = s.epoch + 1;
  plan.old_master = s.master;
  plan.candidates = c;
  return {plan, ""};
}

PlanOrError plan_promote(const ClusterState& s, const std::vector<NodeView>& nodes,
                         const std::string& node) {
  const NodeView* n = find(nodes, node);
  if (!n) return std::string("unknown node " + node);
  if (s.pending) return std::string("a " + std::string(plan_kind_name(s.pending->kind)) +
                                    " is in progress (epoch " + std::to_string(s.pending->epoch) + ")");
  if (node == s.master) return std::string(node + " is already the master");
  if (s.drained.count(node)) return std::string(node + " is drained: undrain it first");
  if (n->health != Health::Up)
    return std::string(node + " is " + health_name(n->health) + ": only a healthy node can be promoted");
  if (n->damped) return std::string(node + " is damped after flapping: wait for the penalty to decay");
  if (s.owed_demotes.count(node)) return std::string(node + " has not stepped down yet");
  Plan plan;
  plan.kind = Plan::Kind::Switchover;
  plan.reason = "manual promote " + node;
  plan.epoch = s.epoch + 1;
  plan.old_master = s.master;
  const NodeView* m = find(nodes, s.master);
  if (m && m->health == Health::Up) plan.demote = {s.master};
  plan.candidates = {node};
  return plan;
}

std::variant<std::optional<Plan>, std::string> apply_drain(ClusterState& s,
                                                           const std::vector<NodeView>& nodes,
                                                           const std::string& node) {
  const NodeView* n = find(nodes, node);
  if (!n) return std::string("unknown node " + node);
  if (s.drained.count(node)) return std::string(node + " is already drained");
  if (s.pending) return std::string("a " + std::string(plan_kind_name(s.pending->kind)) +
                                    " is in progress; try again in a moment");
  std::optional<Plan> plan;
  if (node == s.master) {
    auto c = candidates(nodes, s, node);
    if (c.empty()) return std::string(node + " is the master and no other node is in service to take over");
    Plan p;
    p.kind = Plan::Kind::Switchover;
    p.reason = "drain " + node;
    p.epoch = s.epoch + 1;
    p.old_master = node;
    if (n->health == Health::Up) p.demote = {node};
    p.candidates = c;
    plan = p;
  }
  s.drained.insert(node);
  return plan;
}

std::optional<std::string> apply_undrain(ClusterState& s, const std::vector<NodeView>& nodes,
                                         const std::string& node) {
  if (!find(nodes, node)) return "unknown node " + node;
  if (!s.drained.erase(node)) return node + " is not drained";
  return std::nullopt;
}

void begin_plan(ClusterState& s, const Plan& plan) {
  s.epoch = std::max(s.epoch, plan.epoch);
  s.pending = plan;
  // The candidates of the dropped failover stay out of service until they stepped down.
  if (plan.kind == Plan::Kind::Reinstate)
    for (const auto& d : plan.demote) s.owed_demotes[d] = plan.epoch;
}

void plan_promoted(ClusterState& s, const std::string& node, TimeMs now_ms) {
  std::string old = s.master;
  s.master = node;
  s.owed_demotes.erase(node);
  if (!s.pending) return;
  if (s.pending->kind == Plan::Kind::Failover) s.last_failover_ms = now_ms;
  const auto& demoted = s.pending->demote;
  if (!old.empty() && old != node &&
      std::find(demoted.begin(), demoted.end(), old) == demoted.end())
    s.owed_demotes[old] = s.pending->epoch;
  s.pending->promoted = true;
  s.pending->candidates = {node};
}

void plan_failed(ClusterState& s, TimeMs now_ms, const Policy& p) {
  s.pending.reset();
  s.retry_after_ms = now_ms + p.retry_ms;
}

void plan_published(ClusterState& s) { s.pending.reset(); }

void demote_done(ClusterState& s, const std::string& node) { s.owed_demotes.erase(node); }

}  // namespace sentinel::cluster
