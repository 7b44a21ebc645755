// Prometheus text format 0.0.4 of a MetricsSnapshot.
#include "sentinel/metrics/metrics_text.h"

#include "dnsd/common/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace sentinel::metrics {
namespace {

constexpr std::array<cluster::Health, 3> kStates = {cluster::Health::Up, cluster::Health::Down,
                                                    cluster::Health::Unknown};

using dnsd::common::sample_value;

class Writer {
 public:
  void family(const char* name, const char* type, const char* help) {
    dnsd::common::append_family_header(out_, name, type, help);
  }

  // labels: "node=\"lb1\",check=\"dns\"" (already escaped), or empty.
  void sample(const std::string& name, const std::string& labels, const std::string& value) {
    out_ += name;
    if (!labels.empty()) out_ += "{" + labels + "}";
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(const std::string& name, const std::string& labels, uint64_t v) {
    sample(name, labels, std::to_string(v));
  }
  void sample(const std::string& name, const std::string& labels, bool v) {
    sample(name, labels, std::string(v ? "1" : "0"));
  }
  void sample(const std::string& name, const std::string& labels, double v) {
    sample(name, labels, sample_value(v));
  }

  void histogram(const std::string& name, const std::string& labels, const Histogram& h) {
    std::string sep = labels.empty() ? "" : ",";
    for (size_t i = 0; i < h.bounds().size(); ++i)
      sample(name + "_bucket", labels + sep + "le=\"" + sample_value(h.bounds()[i]) + "\"",
             h.cumulative(i));
    sample(name + "_bucket", labels + sep + "le=\"+Inf\"", h.count());
    sample(name + "_sum", labels, h.sum());
    sample(name + "_count", labels, h.count());
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string label(const char* key, const std::string& value) {
  return std::string(key) + "=\"" + dnsd::common::escape_label_value(value) + "\"";
}

std::string node_label(const NodeMetrics& n) { return label("node", n.name); }

std::string check_labels(const NodeMetrics& n, const CheckMetrics& c) {
  return node_label(n) + "," + label("check", c.name);
}

void render_nodes(Writer& w, const MetricsSnapshot& s) {
  w.family("sentinel_node_up", "gauge", "1 when every check of the node is up");
  for (const auto& n : s.nodes) w.sample("sentinel_node_up", node_label(n), n.up);
  w.family("sentinel_node_master", "gauge", "1 for the node that holds the master role");
  for (const auto& n : s.nodes) w.sample("sentinel_node_master", node_label(n), n.master);
  w.family("sentinel_node_role", "gauge",
           "The node's role as sentinel status shows it (master, replica, master-down, "
           "drained, damped, stepping-down, down, unknown); always 1");
  for (const auto& n : s.nodes)
    w.sample("sentinel_node_role", node_label(n) + "," + label("role", n.role), uint64_t{1});
  w.family("sentinel_node_in_service", "gauge",
           "1 when the node carries traffic (up, undrained, not damped, owes no step-down)");
  for (const auto& n : s.nodes) w.sample("sentinel_node_in_service", node_label(n), n.in_service);
  w.family("sentinel_node_drained", "gauge", "1 when the operator drained the node");
  for (const auto& n : s.nodes) w.sample("sentinel_node_drained", node_label(n), n.drained);
  w.family("sentinel_node_damping_penalty", "gauge",
           "The node's flap damping penalty now (held out of service above the suppress "
           "threshold until it decays below reuse)");
  for (const auto& n : s.nodes)
    w.sample("sentinel_node_damping_penalty", node_label(n), n.damping_penalty);
}

void render_checks(Writer& w, const MetricsSnapshot& s) {
  w.family("sentinel_check_state", "gauge",
           "1 for the check's current state (up, down, or unknown while deciding), 0 for the others");
  for (const auto& n : s.nodes)
    for (const auto& c : n.checks)
      for (auto st : kStates)
        w.sample("sentinel_check_state",
                 check_labels(n, c) + "," + label("state", cluster::health_name(st)),
                 c.state == st);
  w.family("sentinel_probe_results_total", "counter",
           "Probe results by outcome: ok, or why the probe failed");
  for (const auto& n : s.nodes)
    for (const auto& c : n.checks)
      for (size_t r = 0; r < c.results.size(); ++r)
        w.sample("sentinel_probe_results_total",
                 check_labels(n, c) + "," + label("result", probe::kProbeFailureNames[r]),
                 c.results[r]);
  w.family("sentinel_probe_duration_seconds", "histogram",
           "Time from starting a probe to its result, failures included");
  for (const auto& n : s.nodes)
    for (const auto& c : n.checks)
      w.histogram("sentinel_probe_duration_seconds", check_labels(n, c), c.latency);
}

}  // namespace

std::vector<std::string> unique_check_names(const std::vector<std::string>& types) {
  std::map<std::string, int> seen;
  std::vector<std::string> out;
  for (const auto& t : types) {
    int n = ++seen[t];
    out.push_back(n == 1 ? t : t + "_" + std::to_string(n));
  }
  return out;
}

std::string render_metrics(const MetricsSnapshot& s) {
  Writer w;
  w.family("sentinel_build_info", "gauge", "The running sentinel's version; always 1");
  w.sample("sentinel_build_info", label("version", s.version), uint64_t{1});
  w.family("sentinel_process_start_time_seconds", "gauge",
           "Start time of the sentinel process since the unix epoch, in seconds");
  w.sample("sentinel_process_start_time_seconds", "", s.start_time_seconds);
  w.family("sentinel_epoch", "gauge", "The cluster epoch (raised on every change of master)");
  w.sample("sentinel_epoch", "", s.epoch);
  w.family("sentinel_state_file_ok", "gauge",
           "0 while the state file cannot be saved (nothing is published or acted on)");
  w.sample("sentinel_state_file_ok", "", s.state_file_ok);
  w.family("sentinel_probes_total", "counter", "Probes run, every check of every node");
  w.sample("sentinel_probes_total", "", s.probes_total);
  render_nodes(w, s);
  render_checks(w, s);
  w.family("sentinel_failovers_total", "counter",
           "Completed changes of master by cause (master_down, master_damped, "
           "manual_promote, drain)");
  for (const auto& [cause, count] : s.failovers)
    w.sample("sentinel_failovers_total", label("cause", cause), count);
  w.family("sentinel_failover_duration_seconds", "histogram",
           "Automatic failovers: from the master's health turning down to the new records "
           "read back from every dnsd that is not down itself");
  w.histogram("sentinel_failover_duration_seconds", "", s.failover_duration);
  w.family("sentinel_dnsd_in_sync", "gauge",
           "1 when the last publish or reconcile read this node's dnsd records back as desired");
  for (const auto& n : s.nodes) w.sample("sentinel_dnsd_in_sync", node_label(n), n.dnsd_in_sync);
  w.family("sentinel_published_nodes", "gauge",
           "dnsd nodes serving the desired records (N of \"published on N/M\")");
  w.sample("sentinel_published_nodes", "", static_cast<uint64_t>(std::max(0, s.dnsd_in_sync)));
  w.family("sentinel_dnsd_nodes", "gauge", "dnsd nodes sentinel publishes to (M of \"published on N/M\")");
  w.sample("sentinel_dnsd_nodes", "", static_cast<uint64_t>(std::max(0, s.dnsd_total)));
  w.family("sentinel_reconcile_repairs_total", "counter",
           "dnsd nodes a reconcile found not serving the desired records and rewrote");
  w.sample("sentinel_reconcile_repairs_total", "", s.reconcile_repairs);
  if (s.parent_enabled) {
    w.family("sentinel_delegation_in_sync", "gauge",
             "1 when the parent zone's delegation, as last read back, is the apex NS set");
    w.sample("sentinel_delegation_in_sync", "", s.delegation_in_sync);
    w.family("sentinel_parent_updates_total", "counter",
             "Updates of the parent zone's delegation it accepted");
    w.sample("sentinel_parent_updates_total", "", s.parent_updates);
    w.family("sentinel_parent_update_refusals_total", "counter",
             "Updates of the parent zone's delegation it refused, by rcode (a TSIG error "
             "such as BADKEY in place of the NOTAUTH it comes with)");
    for (const auto& [rcode, count] : s.parent_refusals)
      w.sample("sentinel_parent_update_refusals_total", label("rcode", rcode), count);
  }
  return w.take();
}

}  // namespace sentinel::metrics
