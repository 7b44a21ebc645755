// The copy /metrics renders, taken from the running server and zone service.
#pragma once
#include <string>

#include "dnsd/metrics/metrics_snapshot.h"
#include "dnsd/net/server.h"
#include "dnsd/service/zone_service.h"

namespace dnsd::metrics {

MetricsSnapshot collect(const net::Server& server, const service::ZoneService& zones,
                        const std::string& version);

}  // namespace dnsd::metrics
