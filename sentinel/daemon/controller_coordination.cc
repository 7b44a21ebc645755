// The controller's side of a quorum of sentinels: opinions out, rounds of etcd in, the
// cluster state adopted from etcd, actions only by the leader while its lease lasts.
#include <spdlog/spdlog.h>

#include "sentinel/daemon/controller.h"
#include "sentinel/state/state_store.h"

namespace sentinel::daemon {
using nlohmann::json;

StateSink Controller::sink() {
  if (!coord_) return file_sink(c_.state_file);
  Coordinator* coord = coord_.get();
  std::string file = c_.state_file;
  return {[coord, file](const cluster::ClusterState& s, std::string& error) {
            if (!coord->write_state(state::to_json(s), error)) return false;
            std::string cache_error;  // the file is only a cache now: etcd has the state
            if (!state::save_state(file, s, cache_error))
              spdlog::warn("state cache {}: {}", file, cache_error);
            return true;
          },
          [coord] { return coord->may_act(); }, true};
}

void Controller::push_opinions() {
  if (!coord_) return;
  std::vector<cluster::Opinion> ops;
  int64_t wall = wall_ms();
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& h = monitor_.health(i);
    std::string evidence;
    for (const auto& ck : h.checks())
      if (ck.has_result() && (evidence.empty() || !ck.last_ok())) evidence = ck.last_detail();
    ops.push_back({c_.id, c_.nodes[i].name, h.overall(), evidence, wall});
  }
  coord_->set_opinions(std::move(ops));
}

bool Controller::coordination_allows() {
  std::string blocker = cluster::act_blocker(coordination_, steady_ms());
  if (blocker.empty() && !leadership_adopted_) blocker = "taking the lead: reading the cluster state";
  if (blocker != waiting_ && !blocker.empty()) spdlog::info("coordination: {}", blocker);
  if (!blocker.empty()) waiting_ = blocker;
  return blocker.empty();
}

void Controller::on_coordination(CoordSnapshot snap) {
  if (stopped_) return;
  bool was_leader = coordination_.lease.held;
  coordination_.etcd_ok = snap.etcd_ok;
  coordination_.etcd_error = snap.etcd_error;
  if (snap.etcd_ok) coordination_.leader = snap.leader;
  coordination_.lease = snap.lease;
  if (!snap.lease.held) leadership_adopted_ = false;
  if (snap.lease.held && !was_leader) note("+leader", "", c_.id + " leads");
  if (!snap.lease.held && was_leader) {
    note("-leader", "", c_.id + " no longer leads");
    // What it decided but could not write to etcd any more is not the cluster's: back to
    // etcd's state, whatever its epoch.
    adopted_state_rev_ = 0;
    resync_ = true;
  }
  // The cluster state: a follower follows etcd's; a new leader starts from it once. A state
  // this sentinel cannot read, or with a lower epoch than it knows, is a fault: logged,
  // never adopted, never acted on.
  bool following = !snap.lease.held || !leadership_adopted_;
  if (snap.etcd_ok && following && !busy_) {
    if (snap.state_text && snap.state_revision != adopted_state_rev_) {
      cluster::ClusterState remote;
      std::string error;
      bool parsed = state::from_json(*snap.state_text, remote, error);
      auto j = cluster::judge_remote(state_, parsed ? std::optional(remote) : std::nullopt, error,
                                     parsed && state::to_json(remote) == state::to_json(state_));
      if (resync_ && parsed && j.verdict == cluster::RemoteVerdict::Fault) {
        spdlog::info("coordination: no longer leading: back to etcd's state (epoch {}, this "
                     "sentinel had {})", remote.epoch, state_.epoch);
        j.verdict = cluster::RemoteVerdict::Adopt;
      }
      resync_ = false;
      if (j.verdict == cluster::RemoteVerdict::Fault) {
        std::string what = c_.coordination.prefix + "state revision " +
                           std::to_string(snap.state_revision) + ": " + j.why;
        if (faults_logged_.insert(what).second) spdlog::error("coordination: bad data in etcd: {}", what);
      } else if (j.verdict == cluster::RemoteVerdict::Adopt) {
        state_ = remote;
        published_.reset();  // a new leader publishes what it took over (idempotent)
        cache_owed_ = true;
      }
      adopted_state_rev_ = snap.state_revision;
    }
    if (snap.lease.held && !leadership_adopted_) {
      leadership_adopted_ = true;
      published_.reset();
    }
  }
  // Requests queued by any sentinel: the leader carries them out, once each.
  if (snap.lease.held && leadership_adopted_ && coord_->may_act()) {
    for (const auto& r : snap.requests) {
      if (!requests_seen_.insert(r.key).second) continue;
      coord_->request_done(r.key);
      note("+request", r.node, r.verb + " from " + r.from);
      json args = {{"node", r.node}};
      std::string verb = r.verb, node = r.node, from = r.from;
      command(verb, args, [this, verb, node, from](int status, const json& body) {
        std::string detail = body.value("error", body.value("published", std::string()));
        note(status < 300 ? "+request-done" : "-request-failed", node,
             verb + " from " + from + ": " + detail);
      });
    }
    if (requests_seen_.size() > 1000) requests_seen_.clear();
  }
  for (const auto& f : snap.faults)
    if (faults_logged_.insert(f).second && faults_logged_.size() > 1000) faults_logged_.clear();
  snap_ = std::move(snap);
  evaluate();
}

bool Controller::forward_to_leader(const std::string& verb, const json& args, Reply& reply) {
  if (coord_->may_act() && leadership_adopted_) return false;  // the leader does it itself
  if (!coordination_.etcd_ok) {
    reply(503, {{"ok", false},
                {"error", "coordination unavailable: " + coordination_.etcd_error +
                              "; nothing can be decided until etcd answers"}});
    return true;
  }
  if (verb == "reconcile") {
    reply(409, {{"ok", false}, {"error", "only the leader reconciles: " +
                                             (coordination_.leader.empty() ? std::string("nobody")
                                                                            : coordination_.leader) +
                                             " leads"}});
    return true;
  }
  std::string node = args.value("node", "");
  coord_->queue_request(verb, node);
  reply(202, {{"ok", true},
              {"accepted", true},
              {"leader", coordination_.leader},
              {"detail", verb + " " + node + " queued in etcd for the leader (" +
                             (coordination_.leader.empty() ? std::string("not elected yet")
                                                            : coordination_.leader) +
                             "); its result is in `sentinel history`"}});
  return true;
}

void Controller::cache_job() {
  busy_ = true;
  cache_owed_ = false;
  auto snapshot = state_;
  executor_.submit([this, snapshot]() -> std::function<void()> {
    std::string error;
    if (!state::save_state(c_.state_file, snapshot, error))
      spdlog::warn("state cache {}: {}", c_.state_file, error);
    return [this] { after_job(); };
  });
}

json Controller::coordination_json() const {
  if (!coord_) return {{"mode", "single"}};
  int quorum = c_.coordination.effective_quorum();
  std::string blocker = cluster::act_blocker(coordination_, steady_ms());
  std::string status = !coordination_.etcd_ok ? "coordination unavailable"
                       : coordination_.lease.held ? "leader"
                                                  : "follower";
  json sentinels = json::array();
  int live = 0;
  for (const auto& id : c_.coordination.sentinels) {
    json nodes = json::object();
    if (snap_)
      for (const auto& o : snap_->opinions)
        if (o.sentinel == id)
          nodes[o.node] = {{"health", cluster::health_name(o.health)}, {"evidence", o.evidence},
                           {"at_ms", o.at_ms}};
    bool is_live = !nodes.empty();
    live += is_live;
    sentinels.push_back({{"id", id}, {"live", is_live}, {"leader", id == coordination_.leader},
                         {"nodes", nodes}});
  }
  return {{"mode", "quorum"},
          {"status", status},
          {"leader", coordination_.leader.empty() ? json(nullptr) : json(coordination_.leader)},
          {"leader_since_ms", snap_ && snap_->leader_since_ms ? json(snap_->leader_since_ms) : json(nullptr)},
          {"leader_api", snap_ && !snap_->leader_api.empty() ? json(snap_->leader_api) : json(nullptr)},
          {"is_leader", coordination_.lease.held},
          {"may_act", blocker.empty() && leadership_adopted_},
          {"blocker", blocker},
          {"etcd_error", coordination_.etcd_ok ? json(nullptr) : json(coordination_.etcd_error)},
          {"quorum", quorum},
          {"live_sentinels", live},
          {"quorum_holds", coordination_.etcd_ok && live >= quorum},
          {"lease_ms", c_.coordination.lease.count()},
          {"etcd_ttl_ms", cluster::etcd_ttl_ms(c_.coordination.lease.count(), c_.probe.interval.count())},
          {"sentinels", sentinels}};
}

std::vector<std::string> Controller::coordination_explain(const std::string& node) const {
  if (!coord_) return {};
  int quorum = c_.coordination.effective_quorum();
  static const std::vector<cluster::Opinion> none;
  auto o = cluster::objective(snap_ ? snap_->opinions : none, node, quorum);
  auto names = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? std::string("none") : s;
  };
  std::vector<std::string> out;
  out.push_back("sentinels: down by " + names(o.down_by) + "; up by " + names(o.up_by) +
                (o.unknown_by.empty() ? "" : "; deciding: " + names(o.unknown_by)));
  out.push_back(std::string("quorum ") + std::to_string(quorum) + ": " +
                (o.health == cluster::Health::Down ? "objectively down (ODOWN)"
                 : o.health == cluster::Health::Up ? "up for a quorum"
                                                   : "no quorum either way: no decision"));
  if (!coordination_.etcd_ok) out.push_back("coordination unavailable: " + coordination_.etcd_error);
  return out;
}

}  // namespace sentinel::daemon
