// The blocking steps of a decision: persist, demote, promote, publish, read back.
#include "sentinel/daemon/plan_runner.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>

#include "sentinel/cluster/quorum.h"
#include "sentinel/driver/tunnel_driver.h"
#include "sentinel/state/state_store.h"

namespace sentinel::daemon {
using cluster::Event;
using cluster::Plan;
using namespace std::chrono_literals;

std::string Published::summary() const {
  std::string out = "published on " + std::to_string(in_sync) + "/" + std::to_string(total);
  std::string lag;
  for (const auto& n : nodes)
    if (!n.in_sync)
      lag += (lag.empty() ? "" : ", ") + n.node + ": " +
             records::push_status_name(n.outcome.status) + " " + n.outcome.detail;
  return lag.empty() ? out : out + " (" + lag + ")";
}

std::set<std::string> in_service_set(const std::vector<cluster::NodeView>& views,
                                     const cluster::ClusterState& s) {
  std::set<std::string> out;
  for (const auto& v : views)
    if (cluster::in_service(v, s)) out.insert(v.name);
  return out;
}

std::chrono::milliseconds dns_timeout(const config::SentinelConfig& c) {
  return std::max<std::chrono::milliseconds>(c.probe.timeout, 1000ms);
}

std::chrono::milliseconds driver_call_timeout(const config::SentinelConfig& c,
                                              const config::NodeConfig& node) {
  return node.tunnel.driver == config::DriverKind::Exec ? c.probe.timeout * 10 : c.driver_timeout;
}

namespace {

// Runs `fn(i)` for i in [0, n) on at most kMaxParallel threads: every dnsd is handled in
// parallel (a dead one costs one timeout, not one per node), without a thread per node.
void parallel_for(size_t n, const std::function<void(size_t)>& fn) {
  constexpr size_t kMaxParallel = 8;
  std::atomic<size_t> next{0};
  auto lane = [&] {
    for (size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> lanes;
  for (size_t t = 1; t < std::min(n, kMaxParallel); ++t) lanes.emplace_back(lane);
  lane();
  for (auto& t : lanes) t.join();
}

Published for_each_node(const config::SentinelConfig& c, const records::RecordSet& desired,
                        uint64_t epoch, bool only_if_lagging) {
  std::vector<NodePublish> results(c.nodes.size());
  parallel_for(c.nodes.size(), [&](size_t i) {
    const auto& n = c.nodes[i];
    NodePublish& p = results[i];
    p.node = n.name;
    auto t = dns_timeout(c);
    if (only_if_lagging) {
      auto r = records::read_owned(n.dns, n.update_key, c.zone, desired, t);
      if (records::in_sync(r, desired)) {
        p.outcome = {records::PushOutcome::Status::InSync, "in sync"};
        p.in_sync = true;
        return;
      }
    }
    p.outcome = records::push_records(n.dns, n.update_key, c.zone, desired, epoch, t);
    if (p.outcome.status == records::PushOutcome::Status::Updated)
      spdlog::info("published to {}: {}", n.name, p.outcome.detail);
    if (p.outcome.status == records::PushOutcome::Status::Updated ||
        p.outcome.status == records::PushOutcome::Status::InSync)
      p.in_sync = records::in_sync(records::read_owned(n.dns, n.update_key, c.zone, desired, t),
                                   desired);
  });
  Published out;
  for (auto& r : results) {
    out.total++;
    out.in_sync += r.in_sync;
    out.nodes.push_back(std::move(r));
  }
  return out;
}

// Calls one tunnel driver with bounded retries and exponential backoff.
driver::DriverResult call_with_retries(const config::SentinelConfig& c,
                                       const config::NodeConfig& node, driver::DriverCall call) {
  auto timeout = driver_call_timeout(c, node);
  driver::DriverResult r;
  auto backoff = 250ms;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    r = driver::call_driver(node.tunnel, call, timeout);
    if (r.ok) return r;
    spdlog::warn("{} {} (epoch {}) attempt {} failed: {}", call.event, call.node, call.epoch,
                 attempt, r.detail);
    if (attempt < 3) std::this_thread::sleep_for(backoff);
    backoff *= 2;
  }
  return r;
}

struct Runner {
  const config::SentinelConfig& c;
  cluster::ClusterState& s;
  PlanOutcome& out;
  const WallClock& now;
  const StateSink& sink;

  void event(std::string name, std::string node, std::string detail) {
    Event e{now(), std::move(name), std::move(node), s.epoch, std::move(detail)};
    spdlog::info("{} {} epoch={} {}", e.name, e.node, e.epoch, e.detail);
    out.events.push_back(e);
    s.record(e);
  }

  bool persist() {
    std::string error;
    if (sink.save(s, error)) return true;
    out.error = "cannot persist the state: " + error;
    out.persist_failed = true;
    spdlog::error("{}", out.error);
    return false;
  }

  driver::DriverResult tell(const std::string& event_name, const std::string& node,
                            const std::string& master) {
    const config::NodeConfig* n = c.node(node);
    if (!n) return {false, "unknown node"};
    if (!sink.may_act()) return {false, "not acting: this sentinel's leader lease ran out"};
    driver::DriverCall call{event_name, node, master, s.epoch, c.zone_text(), now() / 1000};
    return call_with_retries(c, *n, call);
  }

  // The old master of a failover, told once with a short timeout: its dnsd may be dead
  // while its tunnel server still serves clients.
  driver::DriverResult step_down(const std::string& node, const std::string& master) {
    const config::NodeConfig* n = c.node(node);
    if (!n) return {false, "unknown node"};
    if (!sink.may_act()) return {false, "not acting: this sentinel's leader lease ran out"};
    driver::DriverCall call{"demote", node, master, s.epoch, c.zone_text(), now() / 1000};
    auto timeout = std::min<std::chrono::milliseconds>(driver_call_timeout(c, *n), 1000ms);
    return driver::call_driver(n->tunnel, call, timeout);
  }

  // The node's `fence` hook: "fence NODE EPOCH MASTER" appended, exit 0 is success.
  driver::DriverResult fence(const std::string& node, const std::string& master) {
    const config::NodeConfig* n = c.node(node);
    if (!n || n->fence.empty()) return {true, "no fence hook"};
    if (!sink.may_act()) return {false, "not acting: this sentinel's leader lease ran out"};
    config::TunnelConfig hook;
    hook.driver = config::DriverKind::Exec;
    hook.command = n->fence;
    driver::DriverCall call{"fence", node, master, s.epoch, c.zone_text(), now() / 1000};
    return driver::call_exec_driver(hook, call, c.driver_timeout);
  }

  // Fencing of a failover's old master, before any candidate is promoted (the order of
  // cluster::failover_steps). False when a required fence failed: nothing is promoted.
  bool fence_old_master(const Plan& plan, const std::string& target) {
    const config::NodeConfig* old = c.node(plan.old_master);
    cluster::FenceSpec spec{old && !old->fence.empty(), old && old->fence_required};
    for (const auto& step : cluster::failover_steps(plan, spec)) {
      if (step.kind == cluster::FenceStep::Kind::StepDown) {
        if (!sink.fencing) continue;
        auto res = step_down(step.node, target);
        cluster::step_down_outcome(s, step.node, res.ok);
        event(res.ok ? "+demoted" : "-demote-failed", step.node,
              res.ok ? res.detail : res.detail + ": the step-down stays owed");
      } else if (step.kind == cluster::FenceStep::Kind::Fence) {
        auto res = fence(step.node, target);
        event(res.ok ? "+fenced" : "-fence-failed", step.node, res.detail);
        if (!res.ok && step.required) return false;
      }
    }
    return true;
  }
};

}  // namespace

Published publish_all(const config::SentinelConfig& c, const records::RecordSet& desired,
                      uint64_t epoch) {
  return for_each_node(c, desired, epoch, false);
}

Published reconcile_all(const config::SentinelConfig& c, const records::RecordSet& desired,
                        uint64_t epoch) {
  return for_each_node(c, desired, epoch, true);
}

StateSink file_sink(const std::string& state_file) {
  return {[state_file](const cluster::ClusterState& s, std::string& error) {
            return state::save_state(state_file, s, error);
          },
          [] { return true; }, false};
}

PlanOutcome run_plan(const config::SentinelConfig& c, cluster::ClusterState s,
                     const std::vector<cluster::NodeView>& views, const Plan& plan,
                     const cluster::Policy& policy, const WallClock& now, const StateSink& sink) {
  PlanOutcome out;
  Runner r{c, s, out, now, sink};
  bool resumed = s.pending && s.pending->epoch == plan.epoch;
  uint64_t before = s.epoch;
  cluster::begin_plan(s, plan);
  if (!resumed && s.epoch != before) r.event("+new-epoch", "", plan.reason);
  if (resumed) r.event("+resume", "", std::string(cluster::plan_kind_name(plan.kind)) + ": " + plan.reason);
  if (!r.persist()) {
    out.state = s;
    return out;
  }
  std::string target = plan.candidates.empty() ? s.master : plan.candidates.front();
  if (!plan.promoted) {
    for (const auto& d : plan.demote) {
      auto res = r.tell("demote", d, target);
      if (!res.ok && plan.kind == Plan::Kind::Switchover) {
        r.event("-demote-failed", d, res.detail + ": switchover abandoned");
        cluster::plan_failed(s, now(), policy);
        s.retry_after_ms = 0;
        r.persist();
        out.error = d + " refused to step down: " + res.detail;
        out.state = s;
        return out;
      }
      r.event(res.ok ? "+demoted" : "-demote-failed", d, res.detail);
      if (res.ok) cluster::demote_done(s, d);
    }
    if (plan.kind == Plan::Kind::Demote) {
      cluster::plan_published(s);
      r.persist();
      out.ok = true;
      out.state = s;
      return out;
    }
    if (!r.fence_old_master(plan, target)) {
      r.event("-failover-abort", plan.old_master, "fence_required: its fence hook failed");
      cluster::plan_failed(s, now(), policy);
      r.persist();
      out.error = "the fence hook of " + plan.old_master + " failed (fence_required)";
      out.state = s;
      return out;
    }
    bool promoted = false;
    for (const auto& cand : plan.candidates) {
      auto res = r.tell("promote", cand, cand);
      if (!res.ok) {
        r.event("-promote-failed", cand, res.detail);
        continue;
      }
      std::string old = s.master;
      cluster::plan_promoted(s, cand, now());
      r.event("+promoted", cand, res.detail);
      if (old != cand) r.event("+switch-master", cand, (old.empty() ? "none" : old) + " -> " + cand);
      promoted = true;
      break;
    }
    if (!promoted) {
      r.event("-failover-abort", "", "every candidate refused the promote");
      cluster::plan_failed(s, now(), policy);
      r.persist();
      out.error = "every candidate refused the promote";
      out.state = s;
      return out;
    }
    if (!r.persist()) {
      out.state = s;
      return out;
    }
  }
  if (!sink.may_act()) {
    out.error = "promoted, but the leader lease ran out before the publish: the next leader "
                "publishes";
    out.state = s;
    return out;
  }
  out.desired = records::desired_records(c, s, in_service_set(views, s));
  out.published = publish_all(c, out.desired, s.epoch);
  out.published_run = true;
  r.event("+published", s.master, out.published.summary());
  cluster::plan_published(s);
  r.persist();
  out.ok = true;
  out.state = s;
  return out;
}

}  // namespace sentinel::daemon
