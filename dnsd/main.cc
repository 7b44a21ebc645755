// dnsd: command line, start-up checks, signals (SIGHUP reload, SIGTERM grace then stop).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <uv.h>

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <atomic>
#include <future>
#include <iostream>

#include "dnsd/common/held_signals.h"
#include "dnsd/common/logging.h"
#include "dnsd/common/service_manager.h"
#include "dnsd/config/config.h"
#include "dnsd/config/config_reload.h"
#include "dnsd/config/config_schema.h"
#include "dnsd/control/control_commands.h"
#include "dnsd/control/control_server.h"
#include "dnsd/daemon/privileges.h"
#include "dnsd/metrics/metrics_collect.h"
#include "dnsd/metrics/metrics_server.h"
#include "dnsd/metrics/metrics_text.h"
#include "dnsd/net/server.h"
#include "dnsd/service/stop_leave.h"
#include "dnsd/service/zone_service.h"
#include "dnsd/update/journal_state.h"
#include "dnsd/update/serial_rule.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/catalog_builder.h"
#include "dnsd/zone/catalog_holder.h"

namespace {

using namespace dnsd;

struct Daemon {
  std::string config_path;
  config::Config config;
  zone::CatalogHolder holder;
  std::unique_ptr<service::ZoneService> zones;
  std::unique_ptr<net::Server> server;
  std::unique_ptr<metrics::MetricsServer> metrics;  // after server: it reads the server
  uv_loop_t* loop = nullptr;
  uv_signal_t sighup{}, sigterm{}, sigint{};
  uv_timer_t grace_timer{};  // the stop window: ticks until service::decide says exit
  uv_timer_t watchdog_timer{};
  // The zone service's last sign of life (loop time, ms), for the watchdog.
  std::atomic<uint64_t> zone_service_beat{0};
  bool stopping = false;
  service::StopLeave leave;     // the stop window's early end (service/stop_leave.h)
  uint64_t leave_generation = 0;  // the catalog generation `leave` last saw
  sigset_t startup_mask{};  // before SIGTERM/SIGINT/SIGHUP were held for the start-up
  common::CookieSecrets random_cookie_secret;  // made once at start, kept across reloads
  std::unique_ptr<control::ControlServer> control;  // dnsdctl; null with socket = "off"
};

// [metrics] listen: bound with the DNS sockets, before anything runs; ready comes later.
bool start_metrics(Daemon& d) {
  if (!d.config.metrics.listen) return true;
  d.metrics = std::make_unique<metrics::MetricsServer>([&d] {
    return metrics::render_metrics(metrics::collect(*d.server, *d.zones, DNSD_VERSION));
  });
  std::string error;
  if (!d.metrics->start(*d.config.metrics.listen, error)) {
    std::fprintf(stderr, "%s: %s\n", d.config_path.c_str(), error.c_str());
    return false;
  }
  spdlog::info("metrics on http://{}/metrics", d.config.metrics.listen->to_string());
  return true;
}

// Without server.cookie_secret_file, cookies use this process's own random secret.
void fill_cookie_secret(const Daemon& d, config::Config& c) {
  if (c.server.cookie_secrets.count == 0) c.server.cookie_secrets = d.random_cookie_secret;
}

void log_cookie_secret(const config::Config& c) {
  if (c.server.cookie_secret_file.empty())
    spdlog::info("DNS cookies: random secret (no server.cookie_secret_file): other nodes do "
                 "not accept this node's cookies");
  else
    spdlog::info("DNS cookies: {} secret(s) from {}", c.server.cookie_secrets.count,
                 c.server.cookie_secret_file);
}

control::ReloadOutcome reload_config(Daemon& d, const char* why);

// --check: the zone file serial rule (update/serial_rule.h) against what state_dir serves,
// read-only, so a refused file fails here rather than at the start or reload.
void check_served_serials(const config::Config& c, const zone::Catalog& catalog,
                          common::ErrorList& errors) {
  for (const auto& z : catalog.zones) {
    auto st = update::read_served_state(c.server.state_dir, z.snapshot->origin(), z.snapshot->self());
    if (st.unreadable) {
      std::fprintf(stderr, "%s: note: %s; the served serial is unknown, so the zone file serial "
                   "was not checked against it (run --check as dnsd's user)\n",
                   z.file.c_str(), st.error.c_str());
    } else if (!st.error.empty()) {
      errors.add(z.file, 0, "", "", "journal: " + st.error);
    } else if (st.present) {
      auto v = update::judge_zone_file(z.snapshot->serial(), st.base, st.served, st.journal_path);
      if (v.kind == update::ZoneFileVerdict::Refused) errors.add(z.file, 0, "", "", "journal: " + v.message);
    }
  }
}

// A reload as the service manager sees it: RELOADING, the reload, READY again.
// `why`: "SIGHUP" or "dnsdctl"; the outcome goes to the log and to dnsdctl.
control::ReloadOutcome reload(Daemon& d, const char* why) {
  common::notify_reloading();
  control::ReloadOutcome out = reload_config(d, why);
  common::notify_ready(out.ok ? "serving; last reload ok"
                              : "serving the previous config; last reload failed");
  return out;
}

control::ReloadOutcome reload_config(Daemon& d, const char* why) {
  control::ReloadOutcome out;
  out.scope = "all";
  spdlog::info("{}: reloading {}", why, d.config_path);
  common::ErrorList errors;
  auto loaded = config::load_config(d.config_path, errors);
  bool ok = false;
  if (loaded) {
    fill_cookie_secret(d, *loaded);
    config::Config next = *loaded;
    next.server.state_dir = d.config.server.state_dir;  // restart-only
    next.server.listen = d.config.server.listen;        // restart-only (the NOTIFY source)
    // Zones change only on the zone service thread, in order with updates.
    std::promise<bool> done;
    d.zones->post([&] { done.set_value(d.zones->load(next, errors)); });
    ok = done.get_future().get();
  }
  d.zones->note_reload(ok);
  if (!ok) {
    for (const auto& e : errors.errors()) {
      spdlog::error("{}", e.to_string());
      out.errors.push_back(e.to_string());
    }
    spdlog::error("reload failed: still serving the previous config and zones");
    return out;
  }
  config::Config next = std::move(*loaded);
  for (const auto& key : config::restart_only_changes(d.config, next)) {
    spdlog::warn("reload: {} changed but only takes effect after a restart", key);
    out.restart_only.push_back(key);
  }
  auto catalog = d.holder.get();
  common::setup_logging(next.log.level, next.log.format);
  if (d.config.server.cookie_secrets != next.server.cookie_secrets) log_cookie_secret(next);
  // Every reloadable key (the table's R column), e.g. stop_grace and stop_answer for the
  // next SIGTERM; the catalog already carries identity, udp_payload, node, zones, keys and
  // the cookie secrets.
  d.config = config::apply_reload(d.config, std::move(next));
  d.server->set_query_log(d.config.log.queries, d.config.log.queries_per_second);
  spdlog::info("reload ok: {} zone(s)", catalog->zones.size());
  out.ok = true;
  out.zones = catalog->zones.size();
  return out;
}

void finish(Daemon& d) {
  if (d.control) d.control->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&d.watchdog_timer), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&d.sighup), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&d.sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&d.sigint), nullptr);
  // libuv gave the signals back their default action; a second SIGTERM while the last
  // handles close must not kill a daemon that is already stopping.
  std::signal(SIGTERM, SIG_IGN);
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGHUP, SIG_IGN);
  uv_close(reinterpret_cast<uv_handle_t*>(&d.grace_timer), nullptr);
}

// The stop window's tick: takes in the zones' NS sets when the catalog changed (an update
// or reload published a new one), then exits if service::decide says so. Every 100 ms at
// most, so a push that takes this node out of the NS set is seen within 100 ms (counting
// the wait from then errs on the late side).
void stop_tick(uv_timer_t* t) {
  auto& d = *static_cast<Daemon*>(t->data);
  auto now = static_cast<int64_t>(uv_now(d.loop));
  if (uint64_t g = d.holder.generation(); g != d.leave_generation) {
    d.leave_generation = g;
    if (auto catalog = d.holder.get())
      service::observe(d.leave, service::ns_views(*catalog, d.config.node.ns), now);
  }
  service::StopVerdict v = service::decide(d.leave, now);
  if (!v.exit) {
    uv_timer_start(t, stop_tick, static_cast<uint64_t>(std::clamp<int64_t>(v.exit_at - now, 1, 100)), 0);
    return;
  }
  spdlog::info("{}", v.why);
  finish(d);
}

void on_signal(uv_signal_t* s, int signum) {
  auto* d = static_cast<Daemon*>(s->data);
  if (signum == SIGHUP) {
    reload(*d, "SIGHUP");
    return;
  }
  if (d->stopping) {  // a second TERM/INT skips the rest of the grace window
    spdlog::info("second stop signal: exiting now");
    uv_timer_stop(&d->grace_timer);
    return finish(*d);
  }
  d->stopping = true;
  auto grace = d->config.server.stop_grace.count();
  auto how = d->config.server.stop_answer;
  std::string what = how == answer::StopAnswer::Refused   ? "REFUSED"
                     : how == answer::StopAnswer::NotAuth ? "NOTAUTH"
                     : how == answer::StopAnswer::Upward  ? "an upward referral"
                     : how == answer::StopAnswer::Referral ? "a referral to the zone's own NS set"
                                                           : "lame (not authoritative)";
  common::notify_stopping("stopping: answering " + what + " for the grace window");
  d->server->begin_grace(how);
  if (d->metrics) d->metrics->set_ready(false);
  if (grace <= 0) {
    spdlog::info("{}: answering {} for 0 ms, then stopping", strsignal(signum), what);
    uv_timer_start(&d->grace_timer, [](uv_timer_t* t) { finish(*static_cast<Daemon*>(t->data)); }, 0, 0);
    return;
  }
  auto now = static_cast<int64_t>(uv_now(d->loop));
  d->leave_generation = d->holder.generation();
  auto catalog = d->holder.get();
  d->leave = service::begin_stop_leave(now, grace, d->config.server.stop_leave_wait.count(),
                                       catalog ? service::ns_views(*catalog, d->config.node.ns)
                                               : std::vector<service::NsView>{},
                                       !d->config.node.ns.empty());
  size_t named = 0;
  for (const auto& z : d->leave.zones) named += z.followed;
  if (named > 0 && named == d->leave.zones.size())
    spdlog::info("{}: answering {} for {} ms at most, then stopping; less once this node has "
                 "left the NS set of its {} zone(s) with self names (stop_leave_wait {} ms)",
                 strsignal(signum), what, grace, named, d->config.server.stop_leave_wait.count());
  else
    spdlog::info("{}: answering {} for {} ms, then stopping", strsignal(signum), what, grace);
  uv_timer_start(&d->grace_timer, stop_tick, 0, 0);
}

// Under systemd's WatchdogSec: a keep-alive every half period while the main loop turns
// and the zone service (updates, transfers, reloads) has taken a job within two periods.
void start_watchdog(Daemon& d) {
  auto interval = common::watchdog_ping_interval_ms();
  uv_timer_init(d.loop, &d.watchdog_timer);
  d.watchdog_timer.data = &d;
  if (!interval) return;
  spdlog::info("systemd watchdog: a keep-alive every {} ms", *interval);
  d.zone_service_beat = uv_now(d.loop);
  uv_timer_start(&d.watchdog_timer, [](uv_timer_t* t) {
    auto& d = *static_cast<Daemon*>(t->data);
    uint64_t now = uv_now(d.loop), period = uv_timer_get_repeat(t);
    if (now - d.zone_service_beat.load() <= 3 * period) common::notify_watchdog();
    else spdlog::error("zone service silent for {} ms: no watchdog keep-alive", now - d.zone_service_beat.load());
    d.zones->post([&d, now] { d.zone_service_beat = now; });
  }, *interval, *interval);
}

// dnsdctl's view of this daemon (control_commands.h); runs on the loop's thread.
class DaemonControl : public control::ControlBackend {
 public:
  explicit DaemonControl(Daemon& d) : d_(d) {}

  control::DaemonSnapshot snapshot() override {
    control::DaemonSnapshot s;
    s.version = DNSD_VERSION;
    s.pid = getpid();
    s.now = static_cast<int64_t>(std::time(nullptr));
    s.identity = d_.config.server.identity;
    s.node_name = d_.config.node.name;
    for (const auto& a : d_.config.server.listen) s.listen.push_back(a.to_string());
    s.workers = d_.server->worker_count();
    s.stopping = d_.stopping;
    s.service = d_.zones->status();
    for (const auto& z : d_.config.zones) {
      control::ZoneSettings z2{z.name, {}, z.update_keys, z.transfer_keys, z.self};
      for (const auto& n : z.notify) z2.notify.push_back(n.to_string());
      s.settings.push_back(std::move(z2));
    }
    s.stats = d_.server->stats();
    return s;
  }

  control::ReloadOutcome reload(const std::string& zone) override {
    if (zone.empty()) return ::reload(d_, "dnsdctl");
    spdlog::info("dnsdctl: reloading zone {}: its file and journal (dnsd.toml is not re-read)",
                 zone);
    common::ErrorList errors;
    bool ok = on_service_thread<bool>([&] { return d_.zones->load_zone(d_.config, zone, errors); });
    d_.zones->note_reload(ok);
    control::ReloadOutcome out;
    out.ok = ok;
    out.scope = zone;
    out.zones = d_.holder.get()->zones.size();
    for (const auto& e : errors.errors()) out.errors.push_back(e.to_string());
    for (const auto& e : out.errors) spdlog::error("{}", e);
    if (ok) spdlog::info("reload ok: zone {}", zone);
    else spdlog::error("reload of zone {} failed: still serving its previous content", zone);
    return out;
  }

  std::optional<control::JournalView> journal(const std::string& zone, size_t last) override {
    return on_service_thread<std::optional<control::JournalView>>(
        [&]() -> std::optional<control::JournalView> {
          const update::Journal* j = d_.zones->journal_of(zone);
          if (!j) return std::nullopt;
          return control::JournalView{j->path(), j->entry_count(), j->bytes(), j->trusted(),
                                      j->untrusted_reason(), j->last_entries(last)};
        });
  }

 private:
  // Runs `f` on the zone service thread and waits; a job the service drops (stopping)
  // ends in std::future_error, which the control server answers as an error.
  template <class T, class F>
  T on_service_thread(F f) {
    auto done = std::make_shared<std::promise<T>>();
    auto result = done->get_future();
    d_.zones->post([done, &f] { done->set_value(f()); });
    return result.get();
  }

  Daemon& d_;
};

// The control socket, once privileges are dropped, so its file belongs to server.user.
bool start_control(Daemon& d) {
  std::string path = config::control_socket_path(d.config);
  if (path.empty()) {
    spdlog::info("control socket off ([control] socket = \"off\"): dnsdctl cannot reach dnsd");
    return true;
  }
  // A dnsdctl that hangs up before its answer must not kill dnsd: a write to it then
  // fails with EPIPE (libuv does not mask SIGPIPE).
  std::signal(SIGPIPE, SIG_IGN);
  auto backend = std::make_shared<DaemonControl>(d);
  d.control = std::make_unique<control::ControlServer>(
      d.loop, [backend](std::string_view line) { return control::respond(line, *backend); });
  std::string error;
  if (!d.control->listen(path, error)) {
    std::fprintf(stderr, "%s: control.socket = \"%s\": %s\n", d.config_path.c_str(), path.c_str(),
                 error.c_str());
    return false;
  }
  spdlog::info("control socket {} (dnsdctl)", path);
  return true;
}

int run(Daemon& d) {
  std::vector<std::string> bind_errors;
  d.server = std::make_unique<net::Server>(d.config.server, d.holder, d.config.rrl);
  service::ZoneService* zones = d.zones.get();
  d.server->set_slow_path([zones](net::SlowRequest req, net::Responder respond) {
    zones->submit(std::move(req), std::move(respond));
  });
  if (!d.server->bind(bind_errors)) {
    for (const auto& e : bind_errors) std::fprintf(stderr, "%s\n", e.c_str());
    return 1;
  }
  if (!start_metrics(d)) return 1;
  d.server->set_query_log(d.config.log.queries, d.config.log.queries_per_second);
  std::string priv_error;
  if (!daemon::drop_privileges(d.config.server.user, d.config.server.state_dir, priv_error)) {
    std::fprintf(stderr, "%s\n", priv_error.c_str());
    return 1;
  }
  d.loop = uv_default_loop();
  for (uv_signal_t* s : {&d.sighup, &d.sigterm, &d.sigint}) {
    uv_signal_init(d.loop, s);
    s->data = &d;
  }
  if (!start_control(d)) return 1;
  uv_timer_init(d.loop, &d.grace_timer);
  d.grace_timer.data = &d;
  uv_signal_start(&d.sighup, on_signal, SIGHUP);
  uv_signal_start(&d.sigterm, on_signal, SIGTERM);
  uv_signal_start(&d.sigint, on_signal, SIGINT);
  // A stop or reload signal held since start-up is handled by the loop from here.
  common::release_signals(d.startup_mask);
  d.zones->start();
  d.server->start();
  start_watchdog(d);
  if (d.metrics) d.metrics->set_ready(true);
  std::string addrs;
  for (const auto& a : d.config.server.listen) addrs += (addrs.empty() ? "" : " ") + a.to_string();
  spdlog::info("dnsd ready: {} worker(s) on {}", d.server->worker_count(), addrs);
  common::notify_ready("serving " + std::to_string(d.config.zones.size()) + " zone(s) on " + addrs);
  uv_run(d.loop, UV_RUN_DEFAULT);
  if (d.metrics) d.metrics->stop();
  d.zones->stop();  // first: it may still post answers to the workers
  d.server->stop();
  auto st = d.server->stats();
  spdlog::info("dnsd stopped: {} udp + {} tcp queries answered or dropped ({} dropped)",
               st.udp_queries, st.tcp_queries, st.dropped);
  uv_loop_close(d.loop);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"dnsd: authoritative DNS that answers with the node's own addresses"};
  std::string config_path;
  bool check = false;
  app.add_option("-c,--config", config_path, "path of dnsd.toml (required but with --keys)");
  bool keys = false;
  app.add_flag("--check", check, "validate config and zones, print problems, exit 0/1");
  app.add_flag("--keys", keys,
               "print every dnsd.toml key: section.name, reload or restart, default; exit 0");
  app.set_version_flag("--version", "dnsd " DNSD_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (keys) {
    std::fputs(config::key_table_text().c_str(), stdout);
    return 0;
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "dnsd: -c/--config is required\n%s", app.help().c_str());
    return 2;
  }
  Daemon d;
  // Held until the loop's handlers exist: a SIGTERM during the zone load would otherwise
  // kill the process by default (no clean stop), and a SIGHUP would too.
  if (!check) d.startup_mask = common::hold_signals();
  d.config_path = config_path;
  common::ErrorList errors;
  auto loaded = config::load_config(config_path, errors);
  if (check && loaded) {
    // --check reads the zone files and (read-only) the journals' serials; it writes nothing.
    auto catalog = zone::build_catalog(*loaded, errors);
    if (catalog) check_served_serials(*loaded, *catalog, errors);
    if (catalog && errors.size() == 0) {
      std::printf("%s: ok (%zu zone(s))\n", config_path.c_str(), catalog->zones.size());
      return 0;
    }
  }
  if (!loaded || check) {
    std::fputs(errors.to_string().c_str(), stderr);
    std::fprintf(stderr, "dnsd: %zu error(s); nothing started\n", errors.size());
    return 1;
  }
  d.config = std::move(*loaded);
  common::setup_logging(d.config.log.level, d.config.log.format);
  spdlog::info("dnsd starting: loading {} zone(s)", d.config.zones.size());
  d.random_cookie_secret = common::random_cookie_secrets();
  fill_cookie_secret(d, d.config);
  log_cookie_secret(d.config);
  std::error_code ec;
  std::filesystem::create_directories(d.config.server.state_dir, ec);
  if (ec) {
    std::fprintf(stderr, "%s: server.state_dir = \"%s\": cannot create: %s\n", config_path.c_str(),
                 d.config.server.state_dir.c_str(), ec.message().c_str());
    return 1;
  }
  // Serve the zone files plus every acknowledged update from the journals.
  d.zones = std::make_unique<service::ZoneService>(d.holder, d.config.server.state_dir);
  errors = {};
  if (!d.zones->load(d.config, errors)) {
    std::fputs(errors.to_string().c_str(), stderr);
    std::fprintf(stderr, "dnsd: %zu error(s); nothing started\n", errors.size());
    return 1;
  }
  return run(d);
}
