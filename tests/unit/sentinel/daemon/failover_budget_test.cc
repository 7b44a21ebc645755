// failover_budget: detection by the slowest check, one driver call, push + read-back.
#include "sentinel/daemon/failover_budget.h"

#include <gtest/gtest.h>

#include <vector>

namespace sentinel::daemon {
namespace {

using config::CheckConfig;
using config::CheckKind;
using config::DriverKind;
using std::chrono::milliseconds;

CheckConfig check(CheckKind kind, int interval_ms, int fall, int timeout_ms) {
  CheckConfig c;
  c.kind = kind;
  c.timing.interval = milliseconds(interval_ms);
  c.timing.fall = fall;
  c.timing.timeout = milliseconds(timeout_ms);
  return c;
}

config::NodeConfig node(const std::string& name, DriverKind driver, std::vector<CheckConfig> checks) {
  config::NodeConfig n;
  n.name = name;
  n.tunnel.driver = driver;
  n.checks = std::move(checks);
  return n;
}

struct Case {
  const char* what;
  std::vector<config::NodeConfig> nodes;
  int probe_timeout_ms;  // [probe] timeout: the exec driver's limit (x10) and the dns timeout
  int driver_timeout_ms;
  int64_t detect_ms, promote_ms, publish_ms;
  const char* detect_check;
};

TEST(FailoverBudget, Table) {
  const std::vector<Case> cases = {
      {"defaults: 1s x fall 3 + 800ms, http driver 5s, publish 2 x 1s",
       {node("lb1", DriverKind::Http, {check(CheckKind::Dns, 1000, 3, 800)}),
        node("lb2", DriverKind::Http, {check(CheckKind::Dns, 1000, 3, 800)})},
       800, 5000, 3800, 5000, 2000, "lb1 dns: 1s x fall 3 + 800ms timeout"},
      {"the slowest check of any node sets the detection",
       {node("lb1", DriverKind::Http, {check(CheckKind::Dns, 200, 2, 200)}),
        node("lb2", DriverKind::Http,
             {check(CheckKind::Dns, 200, 2, 200), check(CheckKind::Http, 500, 4, 300)})},
       200, 2000, 2300, 2000, 2000, "lb2 http: 500ms x fall 4 + 300ms timeout"},
      {"exec driver: probe timeout x 10; a probe timeout above 1s lengthens the publish",
       {node("lb1", DriverKind::Exec, {check(CheckKind::Tcp, 2000, 2, 1500)})},
       1500, 5000, 5500, 15000, 3000, "lb1 tcp: 2s x fall 2 + 1500ms timeout"},
      {"driver none: no promote call",
       {node("lb1", DriverKind::None, {check(CheckKind::Dns, 1000, 3, 800)})},
       800, 5000, 3800, 0, 2000, "lb1 dns: 1s x fall 3 + 800ms timeout"},
      {"no nodes: nothing to detect or publish", {}, 800, 5000, 0, 0, 0, ""},
  };
  for (const auto& tc : cases) {
    config::SentinelConfig c;
    c.nodes = tc.nodes;
    c.probe.timeout = milliseconds(tc.probe_timeout_ms);
    c.driver_timeout = milliseconds(tc.driver_timeout_ms);
    auto b = failover_budget(c);
    EXPECT_EQ(b.detect_ms, tc.detect_ms) << tc.what;
    EXPECT_EQ(b.promote_ms, tc.promote_ms) << tc.what;
    EXPECT_EQ(b.publish_ms, tc.publish_ms) << tc.what;
    EXPECT_EQ(b.total_ms(), tc.detect_ms + tc.promote_ms + tc.publish_ms) << tc.what;
    EXPECT_EQ(b.detect_check, tc.detect_check) << tc.what;
    auto j = budget_json(b);
    EXPECT_EQ(j.value("total_ms", int64_t{-1}), b.total_ms()) << tc.what;
    EXPECT_EQ(j.value("detect_check", ""), tc.detect_check) << tc.what;
  }
}

}  // namespace
}  // namespace sentinel::daemon
