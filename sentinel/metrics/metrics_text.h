// The sentinel's /metrics page: a plain snapshot in, Prometheus text format 0.0.4 out,
// with HELP and TYPE for every series. Pure: the controller fills the snapshot on the
// loop thread; nothing here reads a clock or shared state.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sentinel/cluster/health.h"
#include "sentinel/metrics/histogram.h"
#include "sentinel/probe/probe_failure.h"

namespace sentinel::metrics {

struct CheckMetrics {
  std::string name;  // the `check` label: "dns", "http", a second http check is "http_2"
  // The series' labels as check_label_text() builds them, kept by the caller from one
  // scrape to the next (a 1,000-node page has 3,000 of them); empty: built from the names.
  std::string labels;
  cluster::Health state = cluster::Health::Unknown;
  Histogram latency{kProbeLatencyBounds};                 // seconds
  std::array<uint64_t, probe::kProbeFailureCount> results{};  // by ProbeFailure ("ok" first)
};

struct NodeMetrics {
  std::string name;
  bool up = false;
  bool master = false;
  std::string role;  // as `sentinel status` shows it: master, replica, drained, ...
  bool in_service = false;
  bool drained = false;
  double damping_penalty = 0;
  bool dnsd_in_sync = false;  // the last publish or reconcile read its records back
  std::vector<CheckMetrics> checks;
};

// The rcodes a parent refusing the delegation's update is expected to answer, shown even at 0.
inline constexpr std::array<const char*, 5> kParentRefusalRcodes = {"REFUSED", "NOTAUTH", "BADKEY",
                                                                    "BADSIG", "BADTIME"};

struct MetricsSnapshot {
  std::string version;
  double start_time_seconds = 0;  // unix time the process started
  uint64_t epoch = 0;
  bool state_file_ok = true;
  uint64_t probes_total = 0;
  uint64_t reconcile_repairs = 0;
  int dnsd_in_sync = 0;  // N of "published on N/M"
  int dnsd_total = 0;    // M
  std::vector<std::pair<std::string, uint64_t>> failovers;  // cause -> count, every cause
  Histogram failover_duration{kFailoverBounds};              // seconds
  std::vector<NodeMetrics> nodes;
  // [parent]: the delegation; the families are left out without it.
  bool parent_enabled = false;
  bool delegation_in_sync = false;  // the last read-back of the parent matched
  uint64_t parent_updates = 0;
  std::vector<std::pair<std::string, uint64_t>> parent_refusals;  // rcode -> count
};

std::string render_metrics(const MetricsSnapshot& s);

// `node="lb1",check="dns"`, escaped: the labels every series of one check starts with.
std::string check_label_text(std::string_view node, std::string_view check);

// The `check` labels of one node's checks, from their types in config order: the first
// check of a type is named by it, later ones get "_2", "_3" so every series stays unique.
std::vector<std::string> unique_check_names(const std::vector<std::string>& types);

}  // namespace sentinel::metrics
