// What the controller shows: status, history, explain, Prometheus metrics.
#include <cmath>
#include <sstream>

#include "sentinel/daemon/controller.h"

namespace sentinel::daemon {
using nlohmann::json;

namespace {

std::string role_of(const cluster::NodeView& v, const cluster::ClusterState& s) {
  if (s.drained.count(v.name)) return "drained";
  if (v.name == s.master) return v.health == cluster::Health::Down ? "master-down" : "master";
  if (s.owed_demotes.count(v.name)) return "stepping-down";
  if (v.damped) return "damped";
  if (v.health == cluster::Health::Up) return "replica";
  return cluster::health_name(v.health);
}

json event_json(const cluster::Event& e) {
  return {{"at_ms", e.at_ms}, {"event", e.name}, {"node", e.node}, {"epoch", e.epoch},
          {"detail", e.detail}};
}

}  // namespace

json Controller::status_json() const {
  auto v = views();
  auto serving = in_service_set(v, state_);
  json nodes = json::array();
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& h = monitor_.health(i);
    json checks = json::array();
    for (size_t j = 0; j < h.checks().size(); ++j) {
      const auto& ck = h.checks()[j];
      checks.push_back({{"type", check_kind_name(c_.nodes[i].checks[j].kind)},
                        {"state", cluster::health_name(ck.state())},
                        {"last_ok", ck.last_ok()},
                        {"detail", ck.last_detail()}});
    }
    nodes.push_back({{"name", c_.nodes[i].name},
                     {"priority", c_.nodes[i].priority},
                     {"health", cluster::health_name(v[i].health)},
                     {"role", role_of(v[i], state_)},
                     {"in_service", serving.count(c_.nodes[i].name) > 0},
                     {"drained", state_.drained.count(c_.nodes[i].name) > 0},
                     {"damped", v[i].damped},
                     {"dns", c_.nodes[i].dns.to_string()},
                     {"checks", checks}});
  }
  json last_failover = nullptr;
  for (auto it = state_.history.rbegin(); it != state_.history.rend(); ++it)
    if (it->name == "+switch-master") {
      last_failover = event_json(*it);
      break;
    }
  return {{"id", c_.id},
          {"zone", c_.zone_text()},
          {"epoch", state_.epoch},
          {"master", state_.master},
          {"failover", c_.failover_auto ? "auto" : "manual"},
          {"pending", state_.pending ? json(cluster::plan_kind_name(state_.pending->kind)) : json(nullptr)},
          {"busy", busy_},
          {"published", publish_summary_},
          {"waiting", waiting_},
          {"state_file_error", persist_error_.empty() ? json(nullptr) : json(persist_error_)},
          {"last_failover", last_failover},
          {"last_failover_seconds", last_failover_seconds_ ? json(*last_failover_seconds_) : json(nullptr)},
          {"failover_budget", budget_json(budget_)},
          {"nodes", nodes}};
}

json Controller::history_json() const {
  json events = json::array();
  for (const auto& e : state_.history) events.push_back(event_json(e));
  return {{"events", events}};
}

json Controller::explain_json(size_t i) const {
  const auto& n = c_.nodes[i];
  const auto& h = monitor_.health(i);
  auto v = views();
  std::vector<std::string> lines;
  lines.push_back(n.name + ": " + role_of(v[i], state_) + " (health " +
                  cluster::health_name(h.overall()) + ", priority " + std::to_string(n.priority) + ")");
  for (size_t j = 0; j < h.checks().size(); ++j) {
    const auto& ck = h.checks()[j];
    const auto& cc = n.checks[j];
    std::ostringstream l;
    l << "check " << check_kind_name(cc.kind) << ": " << cluster::health_name(ck.state());
    if (ck.state() == cluster::Health::Down)
      l << " after " << ck.fail_streak() << " failures in a row (fall " << ck.fall() << ")";
    else if (ck.state() == cluster::Health::Up)
      l << ", " << ck.ok_streak() << " successes in a row (rise " << ck.rise() << ")";
    else
      l << ", deciding: " << ck.ok_streak() << "/" << ck.rise() << " ok, " << ck.fail_streak()
        << "/" << ck.fall() << " failed";
    l << "; last: " << (ck.last_ok() ? "ok" : "failed") << " - " << ck.last_detail();
    lines.push_back(l.str());
  }
  cluster::DampingPolicy dp{c_.damping.penalty, c_.damping.suppress, c_.damping.reuse,
                            c_.damping.half_life.count()};
  double penalty = h.damping().penalty(static_cast<cluster::TimeMs>(uv_now(loop_)), dp);
  std::ostringstream d;
  d << "flap damping: penalty " << std::lround(penalty) << " (suppress above "
    << std::lround(dp.suppress) << ", reuse below " << std::lround(dp.reuse) << ")";
  if (h.damping().suppressed()) d << ": held out of service until the penalty decays";
  lines.push_back(d.str());
  if (state_.drained.count(n.name))
    lines.push_back("drained by the operator: out of the SRV set and " + c_.pool_name +
                    ", its dnsd refuses the self names; sentinel undrain " + n.name);
  if (state_.owed_demotes.count(n.name))
    lines.push_back("old master: must step down (demote) before it rejoins as a replica");
  bool serving = cluster::in_service(v[i], state_);
  lines.push_back(serving ? "rule: in service (up, undrained, not damped)"
                          : "rule: out of service (a node serves only when every check is up, "
                            "it is not drained, not damped and owes no step-down)");
  if (n.name == state_.master && !waiting_.empty()) lines.push_back("failover: " + waiting_);
  return {{"node", n.name}, {"lines", lines}};
}

std::string Controller::metrics_text() const {
  std::ostringstream o;
  auto v = views();
  o << "# TYPE sentinel_epoch gauge\nsentinel_epoch " << state_.epoch << "\n";
  o << "# TYPE sentinel_failovers_total counter\nsentinel_failovers_total " << failovers_ << "\n";
  o << "# TYPE sentinel_probes_total counter\nsentinel_probes_total " << monitor_.probes_run() << "\n";
  o << "# TYPE sentinel_published_nodes gauge\nsentinel_published_nodes " << published_in_sync_ << "\n";
  o << "# HELP sentinel_state_file_ok 0 while the state file cannot be saved (nothing is acted on)\n"
    << "# TYPE sentinel_state_file_ok gauge\nsentinel_state_file_ok " << persist_error_.empty() << "\n";
  o << "# TYPE sentinel_node_up gauge\n";
  for (const auto& n : v)
    o << "sentinel_node_up{node=\"" << n.name << "\"} " << (n.health == cluster::Health::Up) << "\n";
  o << "# TYPE sentinel_node_master gauge\n";
  for (const auto& n : v)
    o << "sentinel_node_master{node=\"" << n.name << "\"} " << (n.name == state_.master) << "\n";
  return o.str();
}

}  // namespace sentinel::daemon
