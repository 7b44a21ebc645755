// The failover budget from the config: how long an automatic failover may take from the
// master's outage to the new records on every dnsd, when nothing fails along the way.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::daemon {

struct FailoverBudget {
  // The slowest check of any node: `fall` failed probes `interval` apart, the last one
  // waiting out its `timeout` (a dead dnsd does not answer; probe jitter +-10% aside).
  int64_t detect_ms = 0;
  std::string detect_check;  // "lb1 dns: 200ms x fall 2 + 200ms timeout"
  int64_t promote_ms = 0;    // one promote call of the slowest tunnel driver (0: none)
  int64_t publish_ms = 0;    // push, then read back, every dnsd in parallel
  int64_t total_ms() const { return detect_ms + promote_ms + publish_ms; }
};

FailoverBudget failover_budget(const config::SentinelConfig& c);

// {"detect_ms", "detect_check", "promote_ms", "publish_ms", "total_ms"}
nlohmann::json budget_json(const FailoverBudget& b);

}  // namespace sentinel::daemon
