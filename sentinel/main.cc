// sentinel: the daemon (run), config check, and the client subcommands. Thin wiring only.
#include <signal.h>
#include <spdlog/spdlog.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "dnsd/common/held_signals.h"
#include "dnsd/common/logging.h"
#include "dnsd/common/service_manager.h"
#include "sentinel/api/api_server.h"
#include "sentinel/api/api_token.h"
#include "sentinel/cli/client.h"
#include "sentinel/config/sentinel_config.h"
#include "sentinel/config/sentinel_keys.h"
#include "sentinel/daemon/controller.h"
#include "sentinel/state/state_store.h"

namespace {

std::optional<sentinel::config::SentinelConfig> load(const std::string& path) {
  dnsd::common::ErrorList errors;
  auto c = sentinel::config::load_sentinel_config(path, errors);
  if (!c) std::cerr << errors.to_string();
  return c;
}

int run_daemon(const sentinel::config::SentinelConfig& c) {
  // Held until the loop's handlers exist: a SIGTERM or SIGINT during start-up stops the
  // daemon cleanly once the loop runs instead of killing it by default.
  sigset_t startup_mask = dnsd::common::hold_signals();
  dnsd::common::setup_logging(c.log_level, c.log_format);
  for (const auto& w : c.warnings) spdlog::warn("{}: {}", c.file, w);
  spdlog::info("sentinel starting: state file {}", c.state_file);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(c.state_file).parent_path(), ec);
  sentinel::cluster::ClusterState state;
  std::string error;
  if (!sentinel::state::load_state(c.state_file, state, error)) {
    spdlog::critical("{} (move it away to start from the epoch the dnsd nodes serve)", error);
    return 1;
  }
  auto token = sentinel::api::load_or_create_token(c.api_token_file, error);
  if (!token) {
    spdlog::critical("api_token_file: {}", error);
    return 1;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    sentinel::daemon::Controller ctl(&loop, c, state);
    sentinel::api::ApiServer api(
        [&ctl](const std::string& verb, const nlohmann::json& args, sentinel::api::Reply reply) {
          ctl.queue().post([&ctl, verb, args, reply] { ctl.command(verb, args, reply); });
        },
        *token);
    if (!api.start(c.api_listen, error)) {
      spdlog::critical("{}", error);
      rc = 1;
    }
    uv_signal_t sigterm, sigint, sighup;
    uv_timer_t watchdog;  // systemd WatchdogSec: a keep-alive while this loop turns
    struct Stop {
      sentinel::daemon::Controller* ctl;
      sentinel::api::ApiServer* api;
      uv_signal_t* handles[3];
      uv_timer_t* watchdog;
      bool done = false;
    } stop{&ctl, &api, {&sigterm, &sigint, &sighup}, &watchdog};
    auto on_signal = [](uv_signal_t* h, int signum) {
      auto* s = static_cast<Stop*>(h->data);
      if (s->done) return;
      s->done = true;
      spdlog::info("signal {}: stopping", signum);
      dnsd::common::notify_stopping("stopping");
      uv_close(reinterpret_cast<uv_handle_t*>(s->watchdog), nullptr);
      s->api->stop();
      s->ctl->stop();
      for (auto* sh : s->handles) uv_close(reinterpret_cast<uv_handle_t*>(sh), nullptr);
      // Closing the handles gave the signals back their default action (libuv restores
      // SIG_DFL): a second SIGTERM during the shutdown, as a service manager or a test
      // harness sends, would kill the daemon half-way. It is already stopping.
      ::signal(SIGTERM, SIG_IGN);
      ::signal(SIGINT, SIG_IGN);
      ::signal(SIGHUP, SIG_IGN);
    };
    for (auto* h : stop.handles) {
      uv_signal_init(&loop, h);
      h->data = &stop;
    }
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    uv_signal_start(&sigint, on_signal, SIGINT);
    // SIGHUP reloads sentinel.toml, as `sentinel reload` does.
    uv_signal_start(&sighup, [](uv_signal_t* h, int) {
      auto* s = static_cast<Stop*>(h->data);
      if (s->done) return;
      spdlog::info("signal SIGHUP: reloading the config");
      s->ctl->command("reload", nlohmann::json::object(), nullptr);
    }, SIGHUP);
    uv_timer_init(&loop, &watchdog);
    if (auto every = dnsd::common::watchdog_ping_interval_ms(); every && rc == 0) {
      spdlog::info("systemd watchdog: a keep-alive every {} ms", *every);
      uv_timer_start(&watchdog, [](uv_timer_t*) { dnsd::common::notify_watchdog(); }, *every, *every);
    }
    dnsd::common::release_signals(startup_mask);
    if (rc == 0) {
      spdlog::info("sentinel {} watching {} nodes of {}, API on {}, epoch {} master {}", c.id,
                   c.nodes.size(), c.zone_text(), c.api_listen.to_string(), state.epoch,
                   state.master.empty() ? "-" : state.master);
      ctl.start();
      dnsd::common::notify_ready("watching " + std::to_string(c.nodes.size()) + " nodes of " +
                                 c.zone_text());
    } else {
      on_signal(&sigterm, 0);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_run(&loop, UV_RUN_NOWAIT);
  uv_loop_close(&loop);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"sentinel: probes dnsd nodes, fails over the master, rewrites the records"};
  app.set_version_flag("--version", std::string("sentinel 0.1.0"));
  app.require_subcommand(1);
  const char* env = std::getenv("SENTINEL_CONFIG");
  std::string config = env ? env : "/etc/sentinel/sentinel.toml";
  sentinel::cli::ClientRequest req;
  auto add = [&](const std::string& name, const std::string& help) {
    auto* sub = app.add_subcommand(name, help);
    sub->add_option("-c,--config", config, "sentinel.toml (default $SENTINEL_CONFIG or " + config + ")");
    return sub;
  };
  auto* run = add("run", "run the daemon in the foreground");
  auto* check = add("check", "validate the config, exit 0 or 1");
  auto* keys = app.add_subcommand(
      "keys", "print every sentinel.toml key: section.name, reload or restart, default; exit 0");
  auto* status = add("status", "nodes, health, role, master, epoch, last failover");
  status->add_flag("--json", req.json, "print JSON");
  auto* promote = add("promote", "manual switchover to NODE (graceful if the master is up)");
  promote->add_option("NODE", req.node, "node name")->required();
  promote->add_flag("--dry-run", req.dry_run, "print the record diff and the new epoch only");
  promote->add_flag("--json", req.json, "print JSON");
  auto* drain = add("drain", "take NODE out of service");
  drain->add_option("NODE", req.node, "node name")->required();
  drain->add_flag("--wait", req.wait,
                  "with [parent]: return once the parent no longer names NODE and resolvers have "
                  "dropped the NS set that did (then stop its dnsd)");
  auto* undrain = add("undrain", "put NODE back into service");
  undrain->add_option("NODE", req.node, "node name")->required();
  auto* history = add("history", "recent events, newest last");
  history->add_flag("--json", req.json, "print JSON");
  auto* explain = add("explain", "the probe evidence and the rule behind a node's state");
  explain->add_option("NODE", req.node, "node name")->required();
  explain->add_flag("--json", req.json, "print JSON");
  auto* reconcile = add("reconcile", "push the desired records to every dnsd now");
  reconcile->add_flag("--json", req.json, "print JSON");
  auto* reload = add("reload", "make the daemon re-read its config (what SIGHUP does)");
  reload->add_flag("--json", req.json, "print JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return e.get_exit_code() == 0 ? 0 : (code == 0 ? 0 : 2);
  }
  if (keys->parsed()) {
    std::cout << sentinel::config::key_table_text();
    return 0;
  }
  auto c = load(config);
  if (!c) {
    if (reload->parsed()) std::cerr << "sentinel: reload not sent: fix " << config << " first\n";
    return 1;
  }
  if (check->parsed()) {
    for (const auto& w : c->warnings) std::cerr << config << ": warning: " << w << "\n";
    std::cout << config << ": ok (" << c->nodes.size() << " nodes, zone " << c->zone_text() << ")\n";
    return 0;
  }
  if (run->parsed()) return run_daemon(*c);
  for (auto* sub : {status, promote, drain, undrain, history, explain, reconcile, reload})
    if (sub->parsed()) req.verb = sub->get_name();
  return sentinel::cli::run_client(*c, req);
}
