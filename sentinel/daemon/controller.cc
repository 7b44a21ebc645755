// The sentinel's brain on the loop thread: rules in, one background job at a time out.
#include "sentinel/daemon/controller.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "sentinel/cluster/guards.h"
#include "sentinel/state/state_store.h"

namespace sentinel::daemon {
using cluster::Plan;
using nlohmann::json;

namespace {
constexpr uint64_t kTickMs = 500;
}  // namespace

Controller::Controller(uv_loop_t* loop, config::SentinelConfig c, cluster::ClusterState initial)
    : loop_(loop),
      c_(std::move(c)),
      state_(std::move(initial)),
      queue_(loop),
      executor_(queue_),
      monitor_(loop, c_, [this](size_t i) {
        const auto& n = c_.nodes[i];
        const auto& h = monitor_.health(i);
        std::string name = h.damping().suppressed() ? "+damped" : h.overall() == cluster::Health::Down ? "+down" : h.overall() == cluster::Health::Up ? "+up" : "";
        if (!name.empty()) note(name, n.name, "");
        watch_master(i);
        push_opinions();
        evaluate();
      }),
      budget_(failover_budget(c_)) {
  uv_timer_init(loop_, &tick_timer_);
  tick_timer_.data = this;
  uv_timer_init(loop_, &reconcile_timer_);
  reconcile_timer_.data = this;
}

Controller::~Controller() = default;

void Controller::start() {
  started_mono_ = uv_now(loop_);
  start_wall_ms_ = wall_ms();
  if (c_.coordination.enabled) {
    coord_ = std::make_unique<Coordinator>(c_, [this](CoordSnapshot snap) {
      queue_.post([this, snap] { on_coordination(snap); });
    });
    push_opinions();
    coord_->start();
  }
  monitor_.start();
  uv_timer_start(&tick_timer_, on_tick_timer, kTickMs, kTickMs);
  auto every = static_cast<uint64_t>(c_.reconcile_interval.count());
  uv_timer_start(&reconcile_timer_, on_reconcile_timer, every, every);
  if (state_.epoch == 0) adopt_job();
}

void Controller::stop() {
  stopped_ = true;
  if (coord_) coord_->stop();  // revokes the lease: another sentinel takes over at once
  monitor_.stop();
  uv_timer_stop(&tick_timer_);
  uv_timer_stop(&reconcile_timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&reconcile_timer_), nullptr);
  executor_.stop();
  queue_.close();
}

int64_t Controller::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

cluster::Policy Controller::policy() const {
  return {c_.failover_auto, c_.cooldown.count(), 5000};
}

std::vector<cluster::NodeView> Controller::views() const {
  std::vector<cluster::NodeView> out;
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& h = monitor_.health(i);
    out.push_back({c_.nodes[i].name, c_.nodes[i].priority, h.overall(), h.damping().suppressed()});
  }
  // A quorum of sentinels: what the live sentinels together see (ODOWN), not this one alone.
  if (coord_) {
    static const std::vector<cluster::Opinion> none;
    return cluster::objective_views(out, snap_ ? snap_->opinions : none,
                                    c_.coordination.effective_quorum());
  }
  return out;
}

records::RecordSet Controller::desired() const {
  auto rs = records::desired_records(c_, state_, in_service_set(views(), state_));
  for (const auto& name : removed_nodes_)
    for (const char* type : {"A", "AAAA"}) rs.rrsets[{name + "." + c_.zone, type}] = {};
  if (!removed_ns_.empty()) {
    records::RecordSet::Key apex{c_.zone, "NS"};
    rs.rrsets[apex];  // read back and written even when no node has an ns name any more
    rs.ttls.emplace(apex, c_.ns_ttl);
    auto& owned = rs.shared[apex];
    for (const auto& ns : removed_ns_)
      if (auto text = records::canonical_rdata(c_.zone, "NS", ns)) owned.push_back(*text);
    std::sort(owned.begin(), owned.end());
    owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
  }
  return rs;
}

void Controller::note(std::string name, std::string node, std::string detail) {
  cluster::Event e{wall_ms(), std::move(name), std::move(node), state_.epoch, std::move(detail)};
  spdlog::info("{} {} epoch={} {}", e.name, e.node, e.epoch, e.detail);
  if (busy_) during_job_.push_back(e);
  state_.record(std::move(e));
  history_dirty_ = true;
}

void Controller::merge_events(const std::vector<cluster::Event>& events) {
  for (const auto& e : events) state_.record(e);
  std::stable_sort(state_.history.begin(), state_.history.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
}

void Controller::persist_failed(const std::string& error) {
  if (persist_error_.empty())
    spdlog::error("state file {}: {}; nothing is published or acted on until it can be saved "
                  "(retried every {} ms)", c_.state_file, error, kPersistRetryMs);
  persist_error_ = error;
  persist_retry_at_ = uv_now(loop_) + kPersistRetryMs;
  history_dirty_ = true;
}

void Controller::persist_ok() {
  if (!persist_error_.empty()) spdlog::warn("state file {}: saved again", c_.state_file);
  persist_error_.clear();
  persist_retry_at_ = 0;
}

void Controller::watch_master(size_t i) {
  if (c_.nodes[i].name != state_.master) return;
  const auto& h = monitor_.health(i);
  bool down = h.overall() == cluster::Health::Down || h.damping().suppressed();
  if (down && !master_down_at_) master_down_at_ = uv_now(loop_);
  if (h.overall() == cluster::Health::Up && !h.damping().suppressed() && !failover_publish_owed_)
    master_down_at_.reset();  // back before any failover: nothing to time
}

void Controller::note_published(const Published& pub) {
  published_in_sync_ = pub.in_sync;
  published_total_ = pub.total;
  bool complete = true;
  for (size_t i = 0; i < pub.nodes.size(); ++i) {
    dnsd_in_sync_[pub.nodes[i].node] = pub.nodes[i].in_sync;
    // A dead node's dnsd cannot take the records; the failover is done without it.
    bool down = i < c_.nodes.size() && monitor_.health(i).overall() == cluster::Health::Down;
    if (!pub.nodes[i].in_sync && !down) complete = false;
  }
  if (failover_publish_owed_ && master_down_at_ && complete) {
    double took = static_cast<double>(uv_now(loop_) - *master_down_at_) / 1000.0;
    failover_duration_.observe(took);
    last_failover_seconds_ = took;
    spdlog::info("failover: {:.2f} s from the master's detected +down to every live dnsd "
                 "serving the new records", took);
    failover_publish_owed_ = false;
    master_down_at_.reset();
  }
}

void Controller::evaluate() {
  if (stopped_ || busy_ || !warm_) return;
  if (uv_now(loop_) < persist_retry_at_) return;
  if (coord_ && cache_owed_) return cache_job();
  if (coord_ && !coordination_allows()) return;
  auto v = views();
  auto d = cluster::decide(state_, v, policy(), wall_ms());
  if (d.waiting != waiting_ && !d.waiting.empty()) spdlog::warn("{}", d.waiting);
  waiting_ = d.waiting;
  if (d.plan) {
    bool automatic = d.plan->kind == Plan::Kind::Failover || d.plan->kind == Plan::Kind::Bootstrap;
    if (automatic && !state_.pending &&
        !cluster::automatic_allowed(static_cast<cluster::TimeMs>(uv_now(loop_)),
                                    static_cast<cluster::TimeMs>(tilt_until_))) {
      waiting_ = "TILT: the clock jumped; no automatic failover for a while";
    } else {
      run_plan_job(*d.plan, state_, nullptr);
      return;
    }
  }
  if (state_.master.empty()) return;  // nothing to publish before the first master
  auto want = desired();
  if (!published_ || !(*published_ == want)) return publish_job(nullptr);
  if (history_dirty_) persist_job();
}

void Controller::after_job() {
  busy_ = false;
  during_job_.clear();
  while (!busy_ && !deferred_.empty()) {
    auto fn = std::move(deferred_.front());
    deferred_.erase(deferred_.begin());
    fn();
  }
  evaluate();
}

void Controller::run_plan_job(const Plan& plan, cluster::ClusterState from, Reply reply) {
  busy_ = true;
  history_dirty_ = false;
  auto v = views();
  auto p = policy();
  executor_.submit([this, plan, from, v, p, reply]() -> std::function<void()> {
    PlanOutcome o;
    try {
      o = run_plan(c_, from, v, plan, p, [this] { return wall_ms(); }, sink());
    } catch (const std::exception& e) {
      o.state = from;
      o.error = std::string("internal error: ") + e.what();
    }
    std::optional<records::DelegationOutcome> parent;
    auto serving = in_service_set(v, o.state);  // what the published apex NS set was made of
    if (o.published_run) parent = sync_delegation(serving);
    return [this, o = std::move(o), reply, plan, parent, serving] {
      state_ = o.state;  // carries the plan's own events
      merge_events(during_job_);
      note_delegation(parent);
      if (o.persist_failed) persist_failed(o.error);
      else persist_ok();
      const char* cause = cluster::failover_cause(plan);
      if (o.ok && cause != nullptr && !plan.candidates.empty()) {
        failovers_[cause]++;
        // Only automatic failovers are timed; any other change of master ends the clock.
        failover_publish_owed_ = plan.kind == Plan::Kind::Failover && master_down_at_;
        if (!failover_publish_owed_) master_down_at_.reset();
      }
      if (o.published_run) {
        published_ = o.desired;
        published_in_service_ = serving;
        publish_summary_ = o.published.summary();
        note_published(o.published);
      }
      if (reply) {
        if (o.ok)
          reply(200, {{"ok", true}, {"epoch", state_.epoch}, {"master", state_.master},
                      {"published", publish_summary_}});
        else
          reply(409, {{"ok", false}, {"error", o.error}});
      }
      after_job();
    };
  });
}

void Controller::publish_job(Reply reply) {
  busy_ = true;
  history_dirty_ = false;
  auto want = desired();
  auto snapshot = state_;
  auto serving = in_service_set(views(), state_);
  executor_.submit([this, want, snapshot, serving, reply]() -> std::function<void()> {
    std::string error;
    auto out = sink();
    if (!out.save(snapshot, error) || !out.may_act()) {
      if (error.empty()) error = "the leader lease ran out";
      // Publishing a state that is not on disk could put an epoch on every dnsd that a
      // restarted sentinel would not know: it would be fenced off for good.
      return [this, error, reply] {
        persist_failed(error);
        if (reply)
          reply(503, {{"ok", false},
                      {"error", "cannot persist the state (" + error + "): nothing was "
                                "published; sentinel retries every second"}});
        after_job();
      };
    }
    Published pub = publish_all(c_, want, snapshot.epoch);
    auto parent = sync_delegation(serving);  // after the apex NS set: the parent follows it
    return [this, want, pub, parent, serving, reply] {
      persist_ok();
      note_delegation(parent);
      published_ = want;
      published_in_service_ = serving;
      publish_summary_ = pub.summary();
      note_published(pub);
      updates_sent_ += pub.nodes.size();
      for (const auto& n : pub.nodes)
        if (n.outcome.status == records::PushOutcome::Status::Fenced)
          note("-fenced", n.node, n.outcome.detail);
      note("+published", state_.master, publish_summary_);
      if (reply) reply(200, {{"ok", true}, {"epoch", state_.epoch}, {"published", publish_summary_}});
      after_job();
    };
  });
}

void Controller::reconcile_job(Reply reply) {
  busy_ = true;
  auto want = published_ ? *published_ : desired();
  uint64_t epoch = state_.epoch;
  // The delegation follows the apex NS set as published, not a change not yet pushed.
  auto serving = published_ ? published_in_service_ : in_service_set(views(), state_);
  executor_.submit([this, want, epoch, serving, reply]() -> std::function<void()> {
    if (!sink().may_act())
      return [this, reply] {
        if (reply) reply(409, {{"ok", false}, {"error", "not the leader: nothing reconciled"}});
        after_job();
      };
    Published pub = reconcile_all(c_, want, epoch);
    auto parent = sync_delegation(serving);  // a refused or lost update is retried here
    return [this, pub, parent, reply] {
      note_delegation(parent);
      json nodes = json::array();
      for (const auto& n : pub.nodes) {
        if (n.outcome.status == records::PushOutcome::Status::Updated) {
          note("+reconciled", n.node, "repaired: " + n.outcome.detail);
          reconcile_repairs_++;
        }
        nodes.push_back({{"node", n.node}, {"status", records::push_status_name(n.outcome.status)},
                         {"detail", n.outcome.detail}, {"in_sync", n.in_sync}});
      }
      note_published(pub);
      publish_summary_ = pub.summary();
      if (reply) reply(200, {{"ok", true}, {"published", publish_summary_}, {"nodes", nodes}});
      after_job();
    };
  });
}

void Controller::adopt_job() {
  busy_ = true;
  records::RecordSet probe;
  probe.rrsets[{"_sentinel." + c_.zone, "TXT"}] = {};
  executor_.submit([this, probe]() -> std::function<void()> {
    uint64_t best = 0;
    std::string master;
    for (const auto& n : c_.nodes) {
      auto r = records::read_by_queries(n.dns, probe, std::chrono::milliseconds(1000));
      if (r.ok && r.epoch > best && c_.node(r.master)) {
        best = r.epoch;
        master = r.master;
      }
    }
    return [this, best, master] {
      if (best > state_.epoch) {
        state_.epoch = best;
        state_.master = master;
        note("+adopt", master, "the dnsd nodes serve epoch " + std::to_string(best));
      }
      after_job();
    };
  });
}

void Controller::persist_job() {
  busy_ = true;
  history_dirty_ = false;
  auto snapshot = state_;
  executor_.submit([this, snapshot]() -> std::function<void()> {
    std::string error;
    bool saved = sink().save(snapshot, error);
    return [this, saved, error] {
      if (saved) persist_ok();
      else persist_failed(error);
      after_job();
    };
  });
}

void Controller::on_tick_timer(uv_timer_t* t) { static_cast<Controller*>(t->data)->on_tick(); }

void Controller::on_reconcile_timer(uv_timer_t* t) {
  auto* self = static_cast<Controller*>(t->data);
  if (!self->busy_ && self->warm_ && self->published_ && (!self->coord_ || self->coord_->may_act()))
    self->reconcile_job(nullptr);
}

void Controller::on_tick() {
  uint64_t mono = uv_now(loop_);
  int64_t wall = wall_ms();
  if (last_mono_) {
    if (auto drift = cluster::tilt_jump(wall - last_wall_, static_cast<int64_t>(mono - last_mono_))) {
      tilt_until_ = mono + static_cast<uint64_t>(cluster::kTiltHoldMs);
      note("+tilt", "", "wall clock jumped by " + std::to_string(*drift) + "ms");
    }
  }
  last_mono_ = mono;
  last_wall_ = wall;
  monitor_.tick(static_cast<cluster::TimeMs>(mono));
  push_opinions();
  if (!warm_) {
    bool all_known = true;
    // A quorum of sentinels decides on the objective verdicts: wait for those (else a
    // bootstrap could pick the one node whose opinions arrived first), and give the other
    // sentinels' opinions a lease's time to arrive.
    auto v = views();
    uint64_t longest = coord_ ? static_cast<uint64_t>(c_.coordination.lease.count()) : 0;
    for (size_t i = 0; i < c_.nodes.size(); ++i) {
      if (v[i].health == cluster::Health::Unknown) all_known = false;
      for (const auto& ck : c_.nodes[i].checks)
        longest = std::max<uint64_t>(
            longest, (coord_ ? static_cast<uint64_t>(c_.coordination.lease.count()) : 0) +
                         static_cast<uint64_t>(ck.timing.interval.count()) *
                         static_cast<uint64_t>(std::max(ck.timing.rise, ck.timing.fall) + 1));
    }
    if (cluster::warmed_up(all_known, static_cast<cluster::TimeMs>(mono - started_mono_),
                           static_cast<cluster::TimeMs>(longest)))
      warm_ = true;
  }
  evaluate();
}

void Controller::command(const std::string& verb, const json& args, Reply reply) {
  std::string node = args.value("node", "");
  if (verb == "status") return reply(200, status_json());
  if (verb == "history") return reply(200, history_json());
  if (verb == "metrics") return reply(200, {{"text", metrics_text()}});
  if (verb == "explain") {
    for (size_t i = 0; i < c_.nodes.size(); ++i)
      if (c_.nodes[i].name == node) return reply(200, explain_json(i));
    return reply(404, {{"error", "unknown node " + node}});
  }
  if (verb == "reload") {
    if (busy_) {
      deferred_.push_back([this, reply] { cmd_reload(reply); });
      return;
    }
    return cmd_reload(reply);
  }
  bool dry_run = args.value("dry_run", false);
  bool mutating = verb == "promote" || verb == "drain" || verb == "undrain" || verb == "reconcile";
  if (!mutating) return reply(404, {{"error", "unknown command " + verb}});
  if (coord_ && !dry_run && forward_to_leader(verb, args, reply)) return;
  if (busy_ && !dry_run) {
    deferred_.push_back([this, verb, args, reply] { command(verb, args, reply); });
    return;
  }
  if (verb == "promote") return cmd_promote(node, dry_run, reply);
  if (verb == "drain") return cmd_drain(node, true, reply);
  if (verb == "undrain") return cmd_drain(node, false, reply);
  reconcile_job(reply);
}

void Controller::cmd_promote(const std::string& node, bool dry_run, Reply reply) {
  auto v = views();
  auto p = cluster::plan_promote(state_, v, node);
  if (auto* err = std::get_if<std::string>(&p)) return reply(409, {{"error", *err}});
  const Plan& plan = std::get<Plan>(p);
  if (dry_run) {
    auto after = state_;
    cluster::begin_plan(after, plan);
    cluster::plan_promoted(after, node, wall_ms());
    for (const auto& d : plan.demote) cluster::demote_done(after, d);
    auto from = published_ ? *published_ : desired();
    auto to = records::desired_records(c_, after, in_service_set(v, after));
    return reply(200, {{"dry_run", true}, {"epoch", plan.epoch}, {"master", node},
                       {"demote", plan.demote}, {"diff", records::diff_records(from, to)}});
  }
  auto from = state_;
  from.record({wall_ms(), "+manual-promote", node, plan.epoch, plan.reason});
  run_plan_job(plan, from, reply);
}

void Controller::cmd_drain(const std::string& node, bool drain, Reply reply) {
  auto v = views();
  auto next = state_;
  if (!drain) {
    if (auto err = cluster::apply_undrain(next, v, node)) return reply(409, {{"error", *err}});
    state_ = next;
    note("+undrain", node, "");
    return publish_job(reply);
  }
  auto r = cluster::apply_drain(next, v, node);
  if (auto* err = std::get_if<std::string>(&r)) return reply(409, {{"error", *err}});
  auto& plan = std::get<std::optional<Plan>>(r);
  next.record({wall_ms(), "+drain", node, next.epoch, plan ? "it was the master: switchover" : ""});
  if (plan) return run_plan_job(*plan, next, reply);
  state_ = next;
  history_dirty_ = true;
  publish_job(reply);
}

}  // namespace sentinel::daemon
