// SIGHUP / POST /v1/reload: re-read sentinel.toml and carry out what plan_reload() decided,
// on the loop thread between jobs, keeping the cluster state and the health of every node
// and check that continues.
#include <spdlog/spdlog.h>

#include "dnsd/common/logging.h"
#include "dnsd/common/service_manager.h"
#include "sentinel/config/config_reload.h"
#include "sentinel/daemon/controller.h"

namespace sentinel::daemon {
using nlohmann::json;

std::map<std::string, std::string> Controller::pinned_nodes() const {
  std::map<std::string, std::string> pinned;
  for (const auto& [name, epoch] : state_.owed_demotes)
    pinned[name] = "it has not confirmed stepping down as the master of epoch " +
                   std::to_string(epoch) + " yet";
  if (state_.pending) {
    std::string why = std::string("the ") + cluster::plan_kind_name(state_.pending->kind) +
                      " in progress (epoch " + std::to_string(state_.pending->epoch) +
                      ") involves it";
    for (const auto& n : state_.pending->candidates) pinned[n] = why;
    for (const auto& n : state_.pending->demote) pinned[n] = why;
    if (!state_.pending->old_master.empty()) pinned[state_.pending->old_master] = why;
  }
  if (!state_.master.empty())
    pinned[state_.master] = "it is the master (epoch " + std::to_string(state_.epoch) +
                            "); `sentinel promote` another node or `sentinel drain` it first";
  return pinned;
}

void Controller::cmd_reload(Reply reply) {
  dnsd::common::notify_reloading();
  // The service manager's status line says how the last reload went (systemctl status).
  auto ready = [this](const std::string& outcome) {
    dnsd::common::notify_ready("watching " + std::to_string(c_.nodes.size()) + " nodes of " +
                               c_.zone_text() + "; last reload " + outcome);
  };
  auto refuse = [&](int status, const std::string& error, json details) {
    spdlog::error("reload of {} refused, the running config stays: {}", c_.file, error);
    for (const auto& d : details) spdlog::error("  {}", d.get<std::string>());
    ready("refused: " + error);
    if (reply) reply(status, {{"ok", false}, {"error", error}, {"details", details}});
  };
  dnsd::common::ErrorList errors;
  auto loaded = config::load_sentinel_config(c_.file, errors);
  if (!loaded) {
    json details = json::array();
    for (const auto& e : errors.errors()) details.push_back(e.to_string());
    return refuse(400, std::to_string(errors.size()) + " error(s) in " + c_.file, details);
  }
  auto plan = config::plan_reload(c_, std::move(*loaded), pinned_nodes());
  if (!plan.refused.empty()) {
    std::string error;
    for (const auto& r : plan.refused) error += (error.empty() ? "" : "; ") + r;
    return refuse(409, error, json::array());  // the reasons are the error itself
  }
  for (const auto& w : plan.next.warnings) spdlog::warn("{}: {}", plan.next.file, w);
  for (const auto& r : plan.restart) spdlog::warn("reload: {}", r);
  for (const auto& ch : plan.changes) spdlog::info("reload: {}", ch);

  for (const auto& n : c_.nodes)
    if (!n.ns.empty()) removed_ns_.insert(n.ns);
  c_ = std::move(plan.next);
  for (const auto& n : c_.nodes) removed_ns_.erase(n.ns);
  monitor_.reconfigure(plan.nodes);
  for (const auto& name : plan.removed) {
    removed_nodes_.insert(name);
    dnsd_in_sync_.erase(name);
  }
  for (const auto& n : c_.nodes) removed_nodes_.erase(n.name);
  budget_ = failover_budget(c_);
  if (plan.log_level_changed) dnsd::common::setup_logging(c_.log_level, c_.log_format);
  if (plan.reconcile_interval_changed) {
    auto every = static_cast<uint64_t>(c_.reconcile_interval.count());
    uv_timer_start(&reconcile_timer_, on_reconcile_timer, every, every);
  }
  std::string summary = plan.changes.empty() ? "no changes" : std::to_string(plan.changes.size()) + " change(s)";
  if (!plan.restart.empty()) summary += ", " + std::to_string(plan.restart.size()) + " after a restart";
  note("+reload", "", summary);
  ready("ok");
  if (reply)
    reply(200, {{"ok", true}, {"summary", summary}, {"changes", plan.changes},
                {"restart", plan.restart}, {"node_count", c_.nodes.size()}});
  evaluate();
}

}  // namespace sentinel::daemon
