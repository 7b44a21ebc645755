// Prometheus text format 0.0.4 of a MetricsSnapshot.
#include "sentinel/metrics/metrics_text.h"

#include "dnsd/common/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <map>
#include <span>
#include <string_view>

namespace sentinel::metrics {
namespace {

constexpr std::array<cluster::Health, 3> kStates = {cluster::Health::Up, cluster::Health::Down,
                                                    cluster::Health::Unknown};

using dnsd::common::sample_value;

// `key="value"`, the value escaped.
std::string label(std::string_view key, std::string_view value) {
  std::string out;
  out.reserve(key.size() + value.size() + 3);
  out += key;
  out += "=\"";
  out += dnsd::common::escape_label_value(value);
  out += '"';
  return out;
}

// Appends every line to one buffer reserved up front. A sample's labels come in two
// pieces of ready label text (the series' own, kept per check or node, and one more such
// as `le="0.5"`), so no line builds a std::string of its own: at 1,000 nodes a page has
// about 100,000 lines, rendered on the loop that runs the probes.
class Writer {
 public:
  explicit Writer(size_t expected_bytes) { out_.reserve(expected_bytes); }

  void family(const char* name, const char* type, const char* help) {
    dnsd::common::append_family_header(out_, name, type, help);
  }

  // name{labels,extra} value; labels and extra are escaped label text, either may be empty.
  void sample(std::string_view name, std::string_view labels, std::string_view extra,
              std::string_view value) {
    out_ += name;
    if (!labels.empty() || !extra.empty()) {
      out_ += '{';
      out_ += labels;
      if (!labels.empty() && !extra.empty()) out_ += ',';
      out_ += extra;
      out_ += '}';
    }
    out_ += ' ';
    out_ += value;
    out_ += '\n';
  }
  void sample(std::string_view name, std::string_view labels, std::string_view extra, uint64_t v) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    sample(name, labels, extra, std::string_view(buf, static_cast<size_t>(res.ptr - buf)));
  }
  void sample(std::string_view name, std::string_view labels, std::string_view extra, bool v) {
    sample(name, labels, extra, std::string_view(v ? "1" : "0"));
  }
  void sample(std::string_view name, std::string_view labels, std::string_view extra, double v) {
    sample(name, labels, extra, std::string_view(sample_value(v)));
  }
  template <typename V>
  void sample(std::string_view name, std::string_view labels, V v) {
    sample(name, labels, std::string_view(), v);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// One histogram family's series: the `le` label texts are made once per bounds array,
// not once per series, and the buckets are summed as they are written.
class HistogramWriter {
 public:
  HistogramWriter(Writer& w, std::string_view name)
      : w_(w), bucket_(std::string(name) + "_bucket"), sum_(std::string(name) + "_sum"),
        count_(std::string(name) + "_count") {}

  void series(std::string_view labels, const Histogram& h) {
    if (h.bounds().data() != bounds_.data() || h.bounds().size() != bounds_.size()) {
      bounds_ = h.bounds();
      le_.clear();
      for (double b : bounds_) le_.push_back(label("le", sample_value(b)));
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i < le_.size(); ++i) {
      cumulative += h.in_bucket(i);
      w_.sample(bucket_, labels, le_[i], cumulative);
    }
    w_.sample(bucket_, labels, std::string_view("le=\"+Inf\""), h.count());
    w_.sample(sum_, labels, h.sum());
    w_.sample(count_, labels, h.count());
  }

 private:
  Writer& w_;
  std::string bucket_, sum_, count_;
  std::span<const double> bounds_;
  std::vector<std::string> le_;
};

// The label texts of one render: every node's and every check's (the caller's kept text
// where it has one), and the fixed `state` and `result` values.
struct Labels {
  std::vector<std::string> node;                // by node
  std::vector<std::vector<std::string>> built;  // by node, by check: only where not kept
  std::array<std::string, kStates.size()> state;
  std::array<std::string, probe::kProbeFailureCount> result;

  explicit Labels(const MetricsSnapshot& s) {
    node.reserve(s.nodes.size());
    built.resize(s.nodes.size());
    for (size_t i = 0; i < s.nodes.size(); ++i) {
      const auto& n = s.nodes[i];
      node.push_back(label("node", n.name));
      for (const auto& c : n.checks)
        built[i].push_back(c.labels.empty() ? check_label_text(n.name, c.name) : std::string());
    }
    for (size_t i = 0; i < kStates.size(); ++i) state[i] = label("state", cluster::health_name(kStates[i]));
    for (size_t r = 0; r < result.size(); ++r) result[r] = label("result", probe::kProbeFailureNames[r]);
  }

  std::string_view check(const MetricsSnapshot& s, size_t n, size_t c) const {
    const auto& kept = s.nodes[n].checks[c].labels;
    return kept.empty() ? std::string_view(built[n][c]) : std::string_view(kept);
  }
};

// A generous guess of the page's size, so the buffer is allocated once.
size_t expected_bytes(const MetricsSnapshot& s, const Labels& l) {
  constexpr size_t kLinesPerCheck = kStates.size() + probe::kProbeFailureCount +
                                    std::size(kProbeLatencyBounds) + 3;
  size_t bytes = 16384;
  for (size_t i = 0; i < s.nodes.size(); ++i) {
    bytes += 8 * (l.node[i].size() + 72) + s.nodes[i].role.size();
    for (size_t j = 0; j < s.nodes[i].checks.size(); ++j)
      bytes += kLinesPerCheck * (l.check(s, i, j).size() + 72);
  }
  return bytes;
}

void render_nodes(Writer& w, const MetricsSnapshot& s, const Labels& l) {
  const size_t count = s.nodes.size();
  w.family("sentinel_node_up", "gauge", "1 when every check of the node is up");
  for (size_t i = 0; i < count; ++i) w.sample("sentinel_node_up", l.node[i], s.nodes[i].up);
  w.family("sentinel_node_master", "gauge", "1 for the node that holds the master role");
  for (size_t i = 0; i < count; ++i) w.sample("sentinel_node_master", l.node[i], s.nodes[i].master);
  w.family("sentinel_node_role", "gauge",
           "The node's role as sentinel status shows it (master, replica, master-down, "
           "drained, damped, stepping-down, down, unknown); always 1");
  for (size_t i = 0; i < count; ++i)
    w.sample("sentinel_node_role", l.node[i], label("role", s.nodes[i].role), uint64_t{1});
  w.family("sentinel_node_in_service", "gauge",
           "1 when the node carries traffic (up, undrained, not damped, owes no step-down)");
  for (size_t i = 0; i < count; ++i)
    w.sample("sentinel_node_in_service", l.node[i], s.nodes[i].in_service);
  w.family("sentinel_node_drained", "gauge", "1 when the operator drained the node");
  for (size_t i = 0; i < count; ++i) w.sample("sentinel_node_drained", l.node[i], s.nodes[i].drained);
  w.family("sentinel_node_damping_penalty", "gauge",
           "The node's flap damping penalty now (held out of service above the suppress "
           "threshold until it decays below reuse)");
  for (size_t i = 0; i < count; ++i)
    w.sample("sentinel_node_damping_penalty", l.node[i], s.nodes[i].damping_penalty);
}

void render_checks(Writer& w, const MetricsSnapshot& s, const Labels& l) {
  w.family("sentinel_check_state", "gauge",
           "1 for the check's current state (up, down, or unknown while deciding), 0 for the others");
  for (size_t i = 0; i < s.nodes.size(); ++i)
    for (size_t j = 0; j < s.nodes[i].checks.size(); ++j)
      for (size_t k = 0; k < kStates.size(); ++k)
        w.sample("sentinel_check_state", l.check(s, i, j), l.state[k],
                 s.nodes[i].checks[j].state == kStates[k]);
  w.family("sentinel_probe_results_total", "counter",
           "Probe results by outcome: ok, or why the probe failed");
  for (size_t i = 0; i < s.nodes.size(); ++i)
    for (size_t j = 0; j < s.nodes[i].checks.size(); ++j) {
      const auto& results = s.nodes[i].checks[j].results;
      for (size_t r = 0; r < results.size(); ++r)
        w.sample("sentinel_probe_results_total", l.check(s, i, j), l.result[r], results[r]);
    }
  w.family("sentinel_probe_duration_seconds", "histogram",
           "Time from starting a probe to its result, failures included");
  HistogramWriter latency(w, "sentinel_probe_duration_seconds");
  for (size_t i = 0; i < s.nodes.size(); ++i)
    for (size_t j = 0; j < s.nodes[i].checks.size(); ++j)
      latency.series(l.check(s, i, j), s.nodes[i].checks[j].latency);
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
  Labels l(s);
  Writer w(expected_bytes(s, l));
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
  render_nodes(w, s, l);
  render_checks(w, s, l);
  w.family("sentinel_failovers_total", "counter",
           "Completed changes of master by cause (master_down, master_damped, "
           "manual_promote, drain)");
  for (const auto& [cause, count] : s.failovers)
    w.sample("sentinel_failovers_total", label("cause", cause), count);
  w.family("sentinel_failover_duration_seconds", "histogram",
           "Automatic failovers: from the master's health turning down to the new records "
           "read back from every dnsd that is not down itself");
  HistogramWriter(w, "sentinel_failover_duration_seconds").series("", s.failover_duration);
  w.family("sentinel_dnsd_in_sync", "gauge",
           "1 when the last publish or reconcile read this node's dnsd records back as desired");
  for (size_t i = 0; i < s.nodes.size(); ++i)
    w.sample("sentinel_dnsd_in_sync", l.node[i], s.nodes[i].dnsd_in_sync);
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

std::string check_label_text(std::string_view node, std::string_view check) {
  return label("node", node) + "," + label("check", check);
}

}  // namespace sentinel::metrics
