// Reading the live counters: relaxed loads of the workers' and a locked copy of the zone
// service's; nothing here blocks a worker.
#include "dnsd/metrics/metrics_collect.h"

namespace dnsd::metrics {

MetricsSnapshot collect(const net::Server& server, const service::ZoneService& zones,
                        const std::string& version) {
  MetricsSnapshot s;
  s.version = version;
  s.server = server.stats();
  s.tcp_connections = server.tcp_clients();
  s.zone_names = zones.stats_slots().names();
  s.service = zones.status();
  s.start_time = s.service.counters.started;
  return s;
}

}  // namespace dnsd::metrics
