// render_metrics() byte for byte: the page of a snapshot that touches every family (two
// nodes, a node with two checks of one type, escaped label values, latencies in several
// buckets and above the last bound, a parent with refusals) is exactly the text in
// metrics_golden.h, which the renderer of 2026-12-01 (one std::string per label set)
// produced. The faster renderer must not change one byte of the exposition.
#include <gtest/gtest.h>

#include <string>

#include "sentinel/metrics/metrics_text.h"
#include "tests/unit/sentinel/metrics/metrics_golden.h"

namespace sentinel::metrics {
namespace {

CheckMetrics check(const char* name, cluster::Health state, std::initializer_list<double> latencies,
                   std::initializer_list<std::pair<probe::ProbeFailure, uint64_t>> results) {
  CheckMetrics c;
  c.name = name;
  c.state = state;
  for (double l : latencies) c.latency.observe(l);
  for (const auto& [why, n] : results) c.results[static_cast<size_t>(why)] = n;
  return c;
}

MetricsSnapshot golden_snapshot() {
  MetricsSnapshot s;
  s.version = "0.1.0 \"rc\\1\"";
  s.start_time_seconds = 1764626400.25;
  s.epoch = 12;
  s.state_file_ok = true;
  s.probes_total = 123456789;
  s.reconcile_repairs = 4;
  s.dnsd_in_sync = 1;
  s.dnsd_total = 2;
  s.failovers = {{"master_down", 2}, {"master_damped", 0}, {"manual_promote", 1}, {"drain", 0}};
  s.failover_duration.observe(0.3);
  s.failover_duration.observe(1.7);
  s.failover_duration.observe(300);
  NodeMetrics a;
  a.name = "lb1";
  a.up = true;
  a.master = true;
  a.role = "master";
  a.in_service = true;
  a.dnsd_in_sync = true;
  a.damping_penalty = 0;
  a.checks.push_back(check("dns", cluster::Health::Up, {0.0004, 0.0009, 0.003, 0.02},
                           {{probe::ProbeFailure::None, 40}, {probe::ProbeFailure::Timeout, 1}}));
  a.checks.push_back(check("http", cluster::Health::Up, {0.001, 0.7, 7.5}, {{probe::ProbeFailure::None, 3}}));
  a.checks.push_back(check("http_2", cluster::Health::Unknown, {}, {}));
  NodeMetrics b;
  b.name = "lb\"2\\x\ny";  // never a valid node name; the renderer escapes it anyway
  b.role = "master-down";
  b.drained = true;
  b.damping_penalty = 1234.5678;
  b.checks.push_back(check("tcp", cluster::Health::Down, {0.75, 0.75, 0.0001},
                           {{probe::ProbeFailure::Refused, 7}, {probe::ProbeFailure::Error, 2}}));
  s.nodes = {a, b};
  s.parent_enabled = true;
  s.delegation_in_sync = false;
  s.parent_updates = 9;
  s.parent_refusals = {{"REFUSED", 0}, {"NOTAUTH", 3}, {"BADKEY", 0}, {"BADSIG", 0}, {"BADTIME", 1}};
  return s;
}

TEST(RenderMetricsGolden, TheExpositionIsByteForByteTheSame) {
  EXPECT_EQ(render_metrics(golden_snapshot()), std::string(kGoldenMetrics));
}

TEST(RenderMetricsGolden, CachedLabelTextRendersTheSameAsNames) {
  MetricsSnapshot s = golden_snapshot();
  for (auto& n : s.nodes)
    for (auto& c : n.checks) c.labels = check_label_text(n.name, c.name);
  EXPECT_EQ(render_metrics(s), std::string(kGoldenMetrics));
}

}  // namespace
}  // namespace sentinel::metrics
