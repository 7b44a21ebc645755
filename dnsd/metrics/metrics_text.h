// The Prometheus text exposition format 0.0.4 of a MetricsSnapshot: every family with
// HELP and TYPE, counters named *_total, label values escaped. Pure.
#pragma once
#include <string>
#include <string_view>

#include "dnsd/common/prometheus_text.h"
#include "dnsd/metrics/metrics_snapshot.h"

namespace dnsd::metrics {

std::string render_metrics(const MetricsSnapshot& s);

using common::escape_label_value;

}  // namespace dnsd::metrics
