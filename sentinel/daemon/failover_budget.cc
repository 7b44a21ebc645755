// The failover budget: detection + promote + publish, each bounded by the config.
#include "sentinel/daemon/failover_budget.h"

#include <algorithm>

#include "sentinel/daemon/node_monitor.h"
#include "sentinel/daemon/plan_runner.h"

namespace sentinel::daemon {

namespace {
std::string ms_text(int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}
}  // namespace

FailoverBudget failover_budget(const config::SentinelConfig& c) {
  FailoverBudget b;
  for (const auto& n : c.nodes) {
    for (const auto& ck : n.checks) {
      const auto& t = ck.timing;
      int64_t ms = t.interval.count() * t.fall + t.timeout.count();
      if (ms > b.detect_ms) {
        b.detect_ms = ms;
        b.detect_check = n.name + " " + check_kind_name(ck.kind) + ": " +
                         ms_text(t.interval.count()) + " x fall " + std::to_string(t.fall) +
                         " + " + ms_text(t.timeout.count()) + " timeout";
      }
    }
    if (n.tunnel.driver != config::DriverKind::None)
      b.promote_ms = std::max<int64_t>(b.promote_ms, driver_call_timeout(c, n).count());
  }
  if (!c.nodes.empty()) b.publish_ms = 2 * dns_timeout(c).count();
  return b;
}

nlohmann::json budget_json(const FailoverBudget& b) {
  return {{"detect_ms", b.detect_ms},
          {"detect_check", b.detect_check},
          {"promote_ms", b.promote_ms},
          {"publish_ms", b.publish_ms},
          {"total_ms", b.total_ms()}};
}

}  // namespace sentinel::daemon
