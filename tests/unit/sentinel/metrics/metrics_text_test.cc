// render_metrics(): every family has HELP and TYPE once, before its samples; counters end
// in _total; histograms have cumulative _bucket{le}, +Inf, _sum and _count; labels are
// escaped; the values are the snapshot's.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "dnsd/common/prometheus_text.h"
#include "sentinel/metrics/metrics_text.h"

namespace sentinel::metrics {
namespace {

MetricsSnapshot sample_snapshot() {
  MetricsSnapshot s;
  s.version = "0.1.0";
  s.start_time_seconds = 1732312345.5;
  s.epoch = 7;
  s.state_file_ok = false;
  s.probes_total = 42;
  s.reconcile_repairs = 2;
  s.dnsd_in_sync = 1;
  s.dnsd_total = 2;
  s.failovers = {{"master_down", 3}, {"manual_promote", 0}};
  s.failover_duration.observe(0.4);
  s.failover_duration.observe(3);
  NodeMetrics lb1;
  lb1.name = "lb1";
  lb1.up = false;
  lb1.master = false;
  lb1.role = "master-down";
  lb1.damping_penalty = 812.5;
  CheckMetrics dns;
  dns.name = "dns";
  dns.state = cluster::Health::Down;
  dns.results[static_cast<size_t>(probe::ProbeFailure::None)] = 5;
  dns.results[static_cast<size_t>(probe::ProbeFailure::Refused)] = 2;
  dns.latency.observe(0.0003);
  dns.latency.observe(0.002);
  lb1.checks.push_back(dns);
  NodeMetrics lb2;
  lb2.name = "lb2";
  lb2.up = true;
  lb2.master = true;
  lb2.role = "master";
  lb2.in_service = true;
  lb2.dnsd_in_sync = true;
  s.nodes = {lb1, lb2};
  return s;
}

// name{labels} -> value, and the HELP/TYPE lines by family.
struct Parsed {
  std::map<std::string, std::string> samples;
  std::map<std::string, std::string> types;
  std::set<std::string> helped;
  std::vector<std::string> problems;
};

Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  std::string family;  // the last TYPE
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      if (!p.helped.insert(name).second) p.problems.push_back("second HELP " + name);
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      if (!p.helped.count(name)) p.problems.push_back("TYPE before HELP " + name);
      if (!p.types.emplace(name, type).second) p.problems.push_back("second TYPE " + name);
      family = name;
      continue;
    }
    auto space = line.rfind(' ');
    std::string key = line.substr(0, space);
    std::string name = key.substr(0, key.find('{'));
    bool belongs = name == family || (p.types[family] == "histogram" &&
                                      (name == family + "_bucket" || name == family + "_sum" ||
                                       name == family + "_count"));
    if (!belongs) p.problems.push_back("sample outside its family: " + line);
    if (name.rfind("sentinel_", 0) != 0) p.problems.push_back("unprefixed: " + line);
    if (!p.samples.emplace(key, line.substr(space + 1)).second)
      p.problems.push_back("duplicate series " + key);
  }
  return p;
}

TEST(RenderMetrics, EveryFamilyHasHelpAndTypeAndEverySampleItsFamily) {
  Parsed p = parse(render_metrics(sample_snapshot()));
  EXPECT_TRUE(p.problems.empty()) << ::testing::PrintToString(p.problems);
  for (const auto& [name, type] : p.types) {
    EXPECT_TRUE(p.helped.count(name)) << name;
    if (type == "counter") EXPECT_TRUE(name.ends_with("_total")) << name;
    else EXPECT_FALSE(name.ends_with("_total")) << name;
  }
  EXPECT_EQ(p.types["sentinel_probe_duration_seconds"], "histogram");
  EXPECT_EQ(p.types["sentinel_failover_duration_seconds"], "histogram");
  EXPECT_EQ(p.types["sentinel_probe_results_total"], "counter");
  EXPECT_EQ(p.types["sentinel_node_role"], "gauge");
}

TEST(RenderMetrics, ValuesComeFromTheSnapshot) {
  auto s = parse(render_metrics(sample_snapshot())).samples;
  struct Want {
    const char* series;
    const char* value;
  };
  for (const auto& w : std::vector<Want>{
           {"sentinel_build_info{version=\"0.1.0\"}", "1"},
           {"sentinel_process_start_time_seconds", "1732312345.5"},
           {"sentinel_epoch", "7"},
           {"sentinel_state_file_ok", "0"},
           {"sentinel_probes_total", "42"},
           {"sentinel_reconcile_repairs_total", "2"},
           {"sentinel_published_nodes", "1"},
           {"sentinel_dnsd_nodes", "2"},
           {"sentinel_dnsd_in_sync{node=\"lb1\"}", "0"},
           {"sentinel_dnsd_in_sync{node=\"lb2\"}", "1"},
           {"sentinel_node_up{node=\"lb1\"}", "0"},
           {"sentinel_node_up{node=\"lb2\"}", "1"},
           {"sentinel_node_master{node=\"lb2\"}", "1"},
           {"sentinel_node_role{node=\"lb1\",role=\"master-down\"}", "1"},
           {"sentinel_node_role{node=\"lb2\",role=\"master\"}", "1"},
           {"sentinel_node_in_service{node=\"lb2\"}", "1"},
           {"sentinel_node_drained{node=\"lb1\"}", "0"},
           {"sentinel_node_damping_penalty{node=\"lb1\"}", "812.5"},
           {"sentinel_check_state{node=\"lb1\",check=\"dns\",state=\"down\"}", "1"},
           {"sentinel_check_state{node=\"lb1\",check=\"dns\",state=\"up\"}", "0"},
           {"sentinel_check_state{node=\"lb1\",check=\"dns\",state=\"unknown\"}", "0"},
           {"sentinel_probe_results_total{node=\"lb1\",check=\"dns\",result=\"ok\"}", "5"},
           {"sentinel_probe_results_total{node=\"lb1\",check=\"dns\",result=\"refused\"}", "2"},
           {"sentinel_probe_results_total{node=\"lb1\",check=\"dns\",result=\"timeout\"}", "0"},
           {"sentinel_probe_duration_seconds_bucket{node=\"lb1\",check=\"dns\",le=\"0.0005\"}", "1"},
           {"sentinel_probe_duration_seconds_bucket{node=\"lb1\",check=\"dns\",le=\"0.001\"}", "1"},
           {"sentinel_probe_duration_seconds_bucket{node=\"lb1\",check=\"dns\",le=\"0.0025\"}", "2"},
           {"sentinel_probe_duration_seconds_bucket{node=\"lb1\",check=\"dns\",le=\"5\"}", "2"},
           {"sentinel_probe_duration_seconds_bucket{node=\"lb1\",check=\"dns\",le=\"+Inf\"}", "2"},
           {"sentinel_probe_duration_seconds_sum{node=\"lb1\",check=\"dns\"}", "0.0023"},
           {"sentinel_probe_duration_seconds_count{node=\"lb1\",check=\"dns\"}", "2"},
           {"sentinel_failovers_total{cause=\"master_down\"}", "3"},
           {"sentinel_failovers_total{cause=\"manual_promote\"}", "0"},
           {"sentinel_failover_duration_seconds_bucket{le=\"0.5\"}", "1"},
           {"sentinel_failover_duration_seconds_bucket{le=\"2\"}", "1"},
           {"sentinel_failover_duration_seconds_bucket{le=\"5\"}", "2"},
           {"sentinel_failover_duration_seconds_bucket{le=\"+Inf\"}", "2"},
           {"sentinel_failover_duration_seconds_sum", "3.4"},
           {"sentinel_failover_duration_seconds_count", "2"}}) {
    auto it = s.find(w.series);
    if (it == s.end()) {
      ADD_FAILURE() << "missing " << w.series;
      continue;
    }
    EXPECT_EQ(it->second, w.value) << w.series;
  }
  // Every result reason of the fixed set is exported, none other.
  size_t results = 0;
  for (const auto& [k, v] : s) results += k.rfind("sentinel_probe_results_total{", 0) == 0;
  EXPECT_EQ(results, probe::kProbeFailureCount);
}

TEST(RenderMetrics, NoNodesStillRendersTheClusterFamilies) {
  MetricsSnapshot s;
  Parsed p = parse(render_metrics(s));
  EXPECT_TRUE(p.problems.empty()) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.samples["sentinel_failover_duration_seconds_count"], "0");
  EXPECT_EQ(p.samples["sentinel_build_info{version=\"\"}"], "1");
}

TEST(RenderMetrics, TheDelegationFamiliesOnlyWithAParent) {
  MetricsSnapshot off;
  auto none = parse(render_metrics(off));
  EXPECT_EQ(none.types.count("sentinel_parent_update_refusals_total"), 0u);
  EXPECT_EQ(none.types.count("sentinel_delegation_in_sync"), 0u);
  MetricsSnapshot s;
  s.parent_enabled = true;
  s.delegation_in_sync = true;
  s.parent_updates = 3;
  s.parent_refusals = {{"REFUSED", 0}, {"BADKEY", 2}, {"SERVFAIL", 1}};
  Parsed p = parse(render_metrics(s));
  EXPECT_TRUE(p.problems.empty()) << ::testing::PrintToString(p.problems);
  EXPECT_EQ(p.types["sentinel_parent_update_refusals_total"], "counter");
  EXPECT_EQ(p.samples["sentinel_delegation_in_sync"], "1");
  EXPECT_EQ(p.samples["sentinel_parent_updates_total"], "3");
  EXPECT_EQ(p.samples["sentinel_parent_update_refusals_total{rcode=\"REFUSED\"}"], "0");
  EXPECT_EQ(p.samples["sentinel_parent_update_refusals_total{rcode=\"BADKEY\"}"], "2");
  EXPECT_EQ(p.samples["sentinel_parent_update_refusals_total{rcode=\"SERVFAIL\"}"], "1");
}

TEST(EscapeLabel, BackslashQuoteNewline) {
  EXPECT_EQ(dnsd::common::escape_label_value("lb1"), "lb1");
  EXPECT_EQ(dnsd::common::escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
}

TEST(UniqueCheckNames, LaterChecksOfATypeAreNumbered) {
  EXPECT_EQ(unique_check_names({"dns", "http", "http", "tcp", "http"}),
            (std::vector<std::string>{"dns", "http", "http_2", "tcp", "http_3"}));
  EXPECT_TRUE(unique_check_names({}).empty());
}

TEST(ProbeFailureNames, AreDistinctLabelValuesInEnumOrder) {
  std::set<std::string> names(probe::kProbeFailureNames.begin(), probe::kProbeFailureNames.end());
  EXPECT_EQ(names.size(), probe::kProbeFailureCount);
  EXPECT_STREQ(probe::probe_failure_name(probe::ProbeFailure::None), "ok");
  EXPECT_STREQ(probe::probe_failure_name(probe::ProbeFailure::Refused), "refused");
  EXPECT_STREQ(probe::probe_failure_name(probe::ProbeFailure::Error), "error");
}

}  // namespace
}  // namespace sentinel::metrics
