// What the controller shows: status, history, explain, Prometheus metrics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "sentinel/cluster/check_wording.h"
#include "sentinel/daemon/controller.h"
#include "sentinel/metrics/metrics_text.h"

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

// "2026-11-30T09:12:03.250Z"
std::string iso8601_utc(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(((unix_ms % 1000) + 1000) % 1000));
  return buf;
}

json event_json(const cluster::Event& e) {
  return {{"at_ms", e.at_ms}, {"event", e.name}, {"node", e.node}, {"epoch", e.epoch},
          {"detail", e.detail}};
}

}  // namespace

json Controller::status_json() const {
  int64_t wall = wall_ms();
  auto v = views();
  auto serving = in_service_set(v, state_);
  json nodes = json::array();
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& h = monitor_.health(i);
    json checks = json::array();
    for (size_t j = 0; j < h.checks().size(); ++j) {
      const auto& ck = h.checks()[j];
      const auto& st = monitor_.stats(i, j);
      json check = {{"type", check_kind_name(c_.nodes[i].checks[j].kind)},
                    {"name", st.name},
                    {"state", cluster::health_name(ck.state())},
                    {"summary", cluster::check_wording(ck)},
                    {"last_ok", ck.last_ok()},
                    {"detail", ck.last_detail()},
                    {"last_detail", ck.last_detail()},
                    {"ok_streak", ck.ok_streak()},
                    {"fail_streak", ck.fail_streak()},
                    {"rise", ck.rise()},
                    {"fall", ck.fall()},
                    {"last_result", nullptr},
                    {"last_latency_ms", nullptr},
                    {"since", nullptr},
                    {"since_ms", nullptr},
                    {"for_ms", nullptr}};
      if (ck.has_result()) {
        // CheckHealth runs on the loop's monotonic clock; the JSON carries wall clock.
        auto age = static_cast<int64_t>(uv_now(loop_)) - ck.since_ms();
        int64_t since = wall - age;
        check["last_result"] = probe::probe_failure_name(st.last_failure);
        check["last_latency_ms"] = std::round(st.last_latency_s * 1e6) / 1e3;
        check["since"] = iso8601_utc(since);
        check["since_ms"] = since;
        check["for_ms"] = age;
      }
      checks.push_back(std::move(check));
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
          {"coordination", coordination_json()},
          {"delegation", delegation_json()},
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
  for (auto& l : coordination_explain(n.name)) lines.push_back(std::move(l));
  if (n.name == state_.master && !waiting_.empty()) lines.push_back("failover: " + waiting_);
  return {{"node", n.name}, {"lines", lines}};
}

std::string Controller::metrics_text() const {
  auto v = views();
  auto serving = in_service_set(v, state_);
  cluster::DampingPolicy dp{c_.damping.penalty, c_.damping.suppress, c_.damping.reuse,
                            c_.damping.half_life.count()};
  auto now = static_cast<cluster::TimeMs>(uv_now(loop_));
  metrics::MetricsSnapshot m;
  m.version = SENTINEL_VERSION;
  m.start_time_seconds = static_cast<double>(start_wall_ms_) / 1000.0;
  m.epoch = state_.epoch;
  m.state_file_ok = persist_error_.empty();
  m.probes_total = monitor_.probes_run();
  m.reconcile_repairs = reconcile_repairs_;
  m.dnsd_in_sync = published_in_sync_;
  m.dnsd_total = published_total_ > 0 ? published_total_ : static_cast<int>(c_.nodes.size());
  for (const char* cause : cluster::kFailoverCauses) {
    auto it = failovers_.find(cause);
    m.failovers.emplace_back(cause, it == failovers_.end() ? 0 : it->second);
  }
  m.failover_duration = failover_duration_;
  m.parent_enabled = c_.parent.enabled;
  m.delegation_in_sync = delegation_ && delegation_->in_sync;
  m.parent_updates = parent_updates_;
  for (const char* rcode : metrics::kParentRefusalRcodes) m.parent_refusals.emplace_back(rcode, 0);
  for (const auto& refusal : parent_refusals_) {
    // (not a structured binding: clang 14 does not let a lambda capture one)
    const auto& rcode = refusal.first;
    auto it = std::find_if(m.parent_refusals.begin(), m.parent_refusals.end(),
                           [&](const auto& p) { return p.first == rcode; });
    if (it == m.parent_refusals.end()) m.parent_refusals.emplace_back(rcode, refusal.second);
    else it->second = refusal.second;
  }
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& name = c_.nodes[i].name;
    const auto& h = monitor_.health(i);
    metrics::NodeMetrics n;
    n.name = name;
    n.up = v[i].health == cluster::Health::Up;
    n.master = name == state_.master;
    n.role = role_of(v[i], state_);
    n.in_service = serving.count(name) > 0;
    n.drained = state_.drained.count(name) > 0;
    n.damping_penalty = h.damping().penalty(now, dp);
    auto sync = dnsd_in_sync_.find(name);
    n.dnsd_in_sync = sync != dnsd_in_sync_.end() && sync->second;
    for (size_t j = 0; j < h.checks().size(); ++j) {
      const auto& st = monitor_.stats(i, j);
      metrics::CheckMetrics ck;
      ck.name = st.name;
      ck.labels = st.label_text;
      ck.state = h.checks()[j].state();
      ck.latency = st.latency;
      ck.results = st.results;
      n.checks.push_back(std::move(ck));
    }
    m.nodes.push_back(std::move(n));
  }
  return metrics::render_metrics(m);
}

}  // namespace sentinel::daemon
