// Everything /metrics shows, copied at scrape time: plain data, so rendering it is a pure
// function (metrics_text.h) and the copy is the only thing that touches live state.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dnsd/net/server_stats.h"
#include "dnsd/service/service_status.h"

namespace dnsd::metrics {

struct MetricsSnapshot {
  std::string version;      // dnsd_build_info
  int64_t start_time = 0;   // unix seconds
  net::StatsTotals server;  // the workers' counters, summed
  unsigned tcp_connections = 0;
  // zone_names[slot - 1] names the zone of query counter slot `slot` (slot 0 = no zone).
  std::vector<std::string> zone_names;
  service::ServiceStatus service;
};

}  // namespace dnsd::metrics
