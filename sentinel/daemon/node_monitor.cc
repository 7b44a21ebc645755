// Probe scheduling and health bookkeeping on the loop.
#include "sentinel/daemon/node_monitor.h"

#include <spdlog/spdlog.h>

#include <map>

#include "sentinel/daemon/probe_schedule.h"
#include "sentinel/metrics/metrics_text.h"

namespace sentinel::daemon {

const char* check_kind_name(config::CheckKind k) {
  switch (k) {
    case config::CheckKind::Dns: return "dns";
    case config::CheckKind::Tcp: return "tcp";
    case config::CheckKind::Http: return "http";
    case config::CheckKind::Tls: return "tls";
  }
  return "?";
}

probe::CheckSpec check_spec(const config::SentinelConfig& c, const config::NodeConfig& n,
                            const config::CheckConfig& check) {
  probe::CheckSpec s;
  s.timeout = check.timing.timeout;
  s.tls_verify = check.tls_verify;
  s.server_name = check.server_name;
  s.min_days_valid = check.min_days_valid;
  s.expect_status = check.expect;
  s.url = check.url;
  s.zone = c.zone;
  uint16_t port = check.port ? check.port : n.port;
  std::string host = !n.ipv4.empty() ? n.ipv4.front() : "[" + n.ipv6.front() + "]";
  switch (check.kind) {
    case config::CheckKind::Dns:
      s.type = probe::CheckType::Dns;
      s.target = n.dns;
      break;
    case config::CheckKind::Tcp:
    case config::CheckKind::Tls:
      s.type = check.kind == config::CheckKind::Tcp ? probe::CheckType::Tcp : probe::CheckType::Tls;
      if (auto a = dnsd::common::parse_socket_address(host + ":" + std::to_string(port)))
        s.target = *a;
      break;
    case config::CheckKind::Http:
      s.type = probe::CheckType::Http;
      break;
  }
  return s;
}

namespace {

void name_stats(CheckStats& st, const std::string& node, const std::string& check) {
  st.name = check;
  st.label_text = metrics::check_label_text(node, check);
}

}  // namespace

struct NodeMonitor::Slot {
  NodeMonitor* owner;
  size_t node;
  size_t check;
  probe::CheckSpec spec;
  uint64_t interval_ms;
  uint64_t planned_ms = 0;  // when the probe now due or in flight was planned to start
  uv_timer_t timer{};
  bool in_flight = false;
  bool retired = false;
  bool closed = false;
};

NodeMonitor::NodeMonitor(uv_loop_t* loop, const config::SentinelConfig& c,
                         std::function<void(size_t)> changed)
    : loop_(loop), c_(c), changed_(std::move(changed)), prober_(loop) {
  damping_ = {c.damping.penalty, c.damping.suppress, c.damping.reuse,
              c.damping.half_life.count()};
  stats_.resize(c.nodes.size());
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    std::vector<std::string> kinds;
    for (const auto& ck : c.nodes[i].checks) kinds.push_back(check_kind_name(ck.kind));
    auto names = metrics::unique_check_names(kinds);
    stats_[i].resize(names.size());
    for (size_t j = 0; j < names.size(); ++j) name_stats(stats_[i][j], c.nodes[i].name, names[j]);
    std::vector<cluster::CheckHealth> checks;
    for (size_t j = 0; j < c.nodes[i].checks.size(); ++j) {
      const auto& ck = c.nodes[i].checks[j];
      checks.emplace_back(ck.timing.rise, ck.timing.fall);
      auto slot = make_slot();
      configure_slot(*slot, i, j);
      slots_.push_back(std::move(slot));
    }
    health_.emplace_back(std::move(checks));
  }
}

std::unique_ptr<NodeMonitor::Slot> NodeMonitor::make_slot() {
  auto slot = std::make_unique<Slot>();
  slot->owner = this;
  uv_timer_init(loop_, &slot->timer);
  slot->timer.data = slot.get();
  return slot;
}

void NodeMonitor::configure_slot(Slot& slot, size_t node, size_t check) {
  const auto& ck = c_.nodes[node].checks[check];
  slot.node = node;
  slot.check = check;
  slot.spec = check_spec(c_, c_.nodes[node], ck);
  slot.interval_ms = static_cast<uint64_t>(ck.timing.interval.count());
}

void NodeMonitor::reconfigure(const std::vector<config::NodeCarry>& carry) {
  damping_ = {c_.damping.penalty, c_.damping.suppress, c_.damping.reuse,
              c_.damping.half_life.count()};
  std::map<std::pair<size_t, size_t>, std::unique_ptr<Slot>> running;
  for (auto& s : slots_) running[{s->node, s->check}] = std::move(s);
  slots_.clear();
  std::vector<cluster::NodeHealth> health;
  std::vector<std::vector<CheckStats>> stats(c_.nodes.size());
  for (size_t i = 0; i < c_.nodes.size(); ++i) {
    const auto& node = c_.nodes[i];
    const auto& nc = carry[i];
    std::vector<std::string> kinds;
    for (const auto& ck : node.checks) kinds.push_back(check_kind_name(ck.kind));
    auto names = metrics::unique_check_names(kinds);
    stats[i].resize(node.checks.size());
    std::vector<cluster::CheckHealth> checks;
    for (size_t j = 0; j < node.checks.size(); ++j) {
      const auto& ck = node.checks[j];
      std::unique_ptr<Slot> slot;
      auto it = nc.from && nc.checks[j].from ? running.find({*nc.from, *nc.checks[j].from})
                                             : running.end();
      if (it != running.end() && it->second) {
        slot = std::move(it->second);
        running.erase(it);
        cluster::CheckHealth h = health_[*nc.from].checks()[*nc.checks[j].from];
        h.set_thresholds(ck.timing.rise, ck.timing.fall);
        checks.push_back(std::move(h));
        stats[i][j] = std::move(stats_[*nc.from][*nc.checks[j].from]);
        configure_slot(*slot, i, j);
      } else {
        checks.emplace_back(ck.timing.rise, ck.timing.fall);
        slot = make_slot();
        configure_slot(*slot, i, j);
        schedule_first(slot.get());
      }
      name_stats(stats[i][j], node.name, names[j]);
      slots_.push_back(std::move(slot));
    }
    cluster::NodeHealth h = nc.from ? health_[*nc.from] : cluster::NodeHealth{};
    h.replace_checks(std::move(checks));
    health.push_back(std::move(h));
  }
  for (auto& [key, slot] : running) retire(std::move(slot));
  health_ = std::move(health);
  stats_ = std::move(stats);
}

void NodeMonitor::retire(std::unique_ptr<Slot> slot) {
  slot->retired = true;
  uv_timer_stop(&slot->timer);
  uv_close(reinterpret_cast<uv_handle_t*>(&slot->timer), [](uv_handle_t* h) {
    auto* s = static_cast<Slot*>(h->data);
    s->closed = true;
    s->owner->reap();
  });
  retired_.push_back(std::move(slot));
}

void NodeMonitor::reap() {
  std::erase_if(retired_, [](const auto& s) { return s->closed && !s->in_flight; });
}

NodeMonitor::~NodeMonitor() = default;

void NodeMonitor::start() {
  for (auto& s : slots_) schedule_first(s.get());
}

void NodeMonitor::schedule_first(Slot* slot) {
  std::uniform_int_distribution<uint64_t> spread(0, first_round_spread(slot->interval_ms));
  uint64_t offset = spread(rng_);  // first round spread out, not all at once
  slot->planned_ms = uv_now(loop_) + offset;
  schedule(slot, offset);
}

void NodeMonitor::stop() {
  stopped_ = true;
  prober_.close();
  for (auto& s : slots_) {
    uv_timer_stop(&s->timer);
    uv_close(reinterpret_cast<uv_handle_t*>(&s->timer), nullptr);
  }
}

void NodeMonitor::schedule(Slot* slot, uint64_t delay_ms) {
  if (stopped_) return;
  uv_timer_start(&slot->timer, on_timer, delay_ms, 0);
}

void NodeMonitor::on_timer(uv_timer_t* t) {
  auto* slot = static_cast<Slot*>(t->data);
  NodeMonitor* self = slot->owner;
  slot->in_flight = true;
  self->prober_.start(slot->spec, [self, slot](const probe::ProbeResult& r) {
    if (self->stopped_) return;
    slot->in_flight = false;
    if (slot->retired) return self->reap();  // a reload removed this check meanwhile
    self->probes_run_++;
    CheckStats& st = self->stats_[slot->node][slot->check];
    probe::ProbeFailure why = r.ok ? probe::ProbeFailure::None
                              : r.failure == probe::ProbeFailure::None ? probe::ProbeFailure::Error
                                                                       : r.failure;
    st.results[static_cast<size_t>(why)]++;
    st.last_failure = why;
    st.last_latency_s = static_cast<double>(r.elapsed.count()) / 1e6;
    st.latency.observe(st.last_latency_s);
    auto& h = self->health_[slot->node];
    cluster::Health before = h.checks()[slot->check].state();
    bool changed = h.record(slot->check, r.ok, r.detail, static_cast<cluster::TimeMs>(uv_now(self->loop_)),
                            self->damping_);
    cluster::Health after = h.checks()[slot->check].state();
    if (before != after)
      spdlog::info("node {} check {} is {}: {}", self->c_.nodes[slot->node].name,
                   check_kind_name(self->c_.nodes[slot->node].checks[slot->check].kind),
                   cluster::health_name(after), r.detail);
    // The next probe one interval (+-10 % jitter) after this one was planned to start.
    int64_t span = jitter_span(slot->interval_ms);
    std::uniform_int_distribution<int64_t> jitter(-span, span);
    uint64_t now = uv_now(self->loop_);
    slot->planned_ms = next_start(slot->planned_ms, slot->interval_ms, jitter(self->rng_), now);
    self->schedule(slot, slot->planned_ms > now ? slot->planned_ms - now : 0);
    if (changed) self->changed_(slot->node);
  });
}

void NodeMonitor::tick(cluster::TimeMs now) {
  for (size_t i = 0; i < health_.size(); ++i)
    if (health_[i].tick(now, damping_)) changed_(i);
}

}  // namespace sentinel::daemon
