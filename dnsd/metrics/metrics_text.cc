// Rendering /metrics: one Family per metric name, samples after its HELP and TYPE lines.
#include "dnsd/metrics/metrics_text.h"

#include <initializer_list>
#include <utility>

namespace dnsd::metrics {
namespace {

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Family {
 public:
  Family(std::string& out, std::string_view name, std::string_view type, std::string_view help)
      : out_(out), name_(name) {
    common::append_family_header(out_, name, type, help);
  }
  void sample(Labels labels, double value) {
    out_ += name_;
    if (labels.size() != 0) {
      out_ += '{';
      bool first = true;
      for (const auto& [k, v] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        out_ += escape_label_value(v);
        out_ += '"';
      }
      out_ += '}';
    }
    out_ += ' ';
    out_ += common::sample_value(value);
    out_ += '\n';
  }
  void sample(double value) { sample({}, value); }

 private:
  std::string& out_;
  std::string_view name_;
};

// RFC 1035 / 2136 / 6895 / 8945 / 7873 names of the update response codes 0..23.
std::string update_result(int rcode) {
  static constexpr std::string_view kNames[] = {
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
      "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI", "RCODE12", "RCODE13", "RCODE14",  "RCODE15",
      "BADSIG",  "BADKEY",  "BADTIME",  "BADMODE",  "BADNAME", "BADALG",  "BADTRUNC", "BADCOOKIE"};
  if (rcode >= 0 && rcode < static_cast<int>(std::size(kNames))) return std::string(kNames[rcode]);
  return "other";
}

void server_counters(std::string& out, const net::StatsTotals& t, unsigned tcp_connections) {
  Family rx(out, "dnsd_received_messages_total", "counter",
            "DNS messages read by the workers (queries, updates, NOTIFY, transfers), by transport");
  rx.sample({{"transport", "udp"}}, static_cast<double>(t.udp_queries));
  rx.sample({{"transport", "tcp"}}, static_cast<double>(t.tcp_queries));
  struct One { std::string_view name, help; uint64_t value; };
  for (const One& c : {
           One{"dnsd_truncated_responses_total", "UDP answers sent with TC set (too large)", t.truncated},
           One{"dnsd_dropped_messages_total",
               "messages not answered: unparseable, responses, or the socket buffer was full",
               t.dropped},
           One{"dnsd_tcp_accepted_total", "TCP connections accepted", t.tcp_accepted},
           One{"dnsd_tcp_rejected_total", "TCP connections closed at once: tcp_max_clients reached",
               t.tcp_rejected},
           One{"dnsd_tcp_idle_timeouts_total", "TCP connections closed after tcp_idle_timeout",
               t.tcp_timeouts},
           One{"dnsd_rrl_dropped_total", "UDP answers not sent by response rate limiting", t.rrl_dropped},
           One{"dnsd_rrl_slipped_total", "UDP answers sent truncated (TC) by response rate limiting",
               t.rrl_slipped},
           One{"dnsd_worker_errors_total", "unexpected errors caught on the query path", t.errors}}) {
    Family f(out, c.name, "counter", c.help);
    f.sample(static_cast<double>(c.value));
  }
  Family open(out, "dnsd_tcp_connections", "gauge", "open TCP connections");
  open.sample(tcp_connections);
}

void query_counters(std::string& out, const MetricsSnapshot& s) {
  namespace L = net::query_labels;
  Family f(out, "dnsd_queries_total", "counter",
           "queries answered by the workers, by zone (\"other\": outside every zone), qtype, "
           "rcode and transport; updates, NOTIFY, transfers and TSIG-signed queries are not "
           "counted here");
  bool any = false;
  for (size_t slot = 0; slot < s.server.answered.size(); ++slot) {
    std::string zone = slot == 0 || slot > s.zone_names.size() ? "other" : s.zone_names[slot - 1];
    const net::ZoneCells& cells = s.server.answered[slot];
    for (size_t q = 0; q < L::kQtypeCount; ++q)
      for (size_t r = 0; r < L::kRcodeCount; ++r)
        for (size_t t = 0; t < L::kTransportCount; ++t) {
          uint64_t n = cells[net::cell_index(q, r, t)];
          if (n == 0) continue;
          any = true;
          f.sample({{"zone", zone}, {"qtype", L::qtype_label(q)}, {"rcode", L::rcode_label(r)},
                    {"transport", L::transport_label(t)}},
                   static_cast<double>(n));
        }
  }
  if (!any)  // the family exists from the start
    f.sample({{"zone", "other"}, {"qtype", "A"}, {"rcode", "NOERROR"}, {"transport", "udp"}}, 0);
}

void zone_gauges(std::string& out, const std::vector<service::ZoneStatus>& zones) {
  struct Gauge { std::string_view name, type, help; double (*value)(const service::ZoneStatus&); };
  static const Gauge kGauges[] = {
      {"dnsd_zone_serial", "gauge", "SOA serial being served",
       [](const service::ZoneStatus& z) { return static_cast<double>(z.serial); }},
      {"dnsd_zone_last_change_timestamp_seconds", "gauge",
       "when the served content last changed (load or update), unix seconds",
       [](const service::ZoneStatus& z) { return static_cast<double>(z.last_change); }},
      {"dnsd_zone_names", "gauge", "owner names in the zone",
       [](const service::ZoneStatus& z) { return static_cast<double>(z.names); }},
      {"dnsd_journal_entries", "gauge", "updates in the zone's journal since its last compaction",
       [](const service::ZoneStatus& z) { return static_cast<double>(z.journal_entries); }},
      {"dnsd_journal_bytes", "gauge", "size of the zone's journal file",
       [](const service::ZoneStatus& z) { return static_cast<double>(z.journal_bytes); }},
      {"dnsd_journal_unhealthy", "gauge",
       "1 when the zone's journal is not trusted to be durable: updates get SERVFAIL",
       [](const service::ZoneStatus& z) { return z.journal_trusted ? 0.0 : 1.0; }},
  };
  for (const Gauge& g : kGauges) {
    Family f(out, g.name, g.type, g.help);
    for (const auto& z : zones) f.sample({{"zone", z.name}}, g.value(z));
  }
  Family c(out, "dnsd_journal_compactions_total", "counter",
           "journal compactions into the zone's snapshot since start, by result");
  for (const auto& z : zones) {
    c.sample({{"zone", z.name}, {"result", "ok"}}, static_cast<double>(z.compactions));
    c.sample({{"zone", z.name}, {"result", "failed"}}, static_cast<double>(z.compaction_failures));
  }
  // Replicated zones only (docs/dnsd.md "One zone on every node"); each family's samples
  // right after its header.
  auto replicated = [&](bool primary_only, auto&& fn) {
    for (const auto& z : zones)
      if (!z.replication_role.empty() && (!primary_only || z.replication_role == "primary")) fn(z);
  };
  Family seq(out, "dnsd_replication_seq", "gauge",
             "last entry in this node's replication log, by role (primary or replica)");
  replicated(false, [&](const service::ZoneStatus& z) {
    seq.sample({{"zone", z.name}, {"role", z.replication_role}}, static_cast<double>(z.replication_seq));
  });
  Family step(out, "dnsd_replication_in_step", "gauge",
              "on the primary, per other node: 1 when it holds every entry, 0 when behind, "
              "unreachable or diverged");
  replicated(false, [&](const service::ZoneStatus& z) {
    for (const auto& r : z.replicas) step.sample({{"zone", z.name}, {"node", r.name}}, r.in_step ? 1 : 0);
  });
  Family div(out, "dnsd_replication_divergences_total", "counter",
             "on the primary: nodes found with a _replication marker outside its history");
  replicated(true, [&](const service::ZoneStatus& z) {
    div.sample({{"zone", z.name}}, static_cast<double>(z.replication_divergences));
  });
  Family rep(out, "dnsd_replication_repairs_total", "counter",
             "on the primary: diverged nodes repaired (their zone made this node's by one update)");
  replicated(true, [&](const service::ZoneStatus& z) {
    rep.sample({{"zone", z.name}}, static_cast<double>(z.replication_repairs));
  });
}

void service_counters(std::string& out, const service::ServiceCounters& c) {
  Family up(out, "dnsd_updates_total", "counter",
            "RFC 2136 updates answered, by response code (NOERROR = applied)");
  for (int i = 0; i < service::ServiceCounters::kRcodes; ++i)
    if (i == 0 || c.updates_by_rcode[i] != 0)
      up.sample({{"result", update_result(i)}}, static_cast<double>(c.updates_by_rcode[i]));
  Family xfr(out, "dnsd_transfers_total", "counter",
             "zone transfers served, by kind (ixfr_full: an IXFR answered with the whole zone)");
  xfr.sample({{"kind", "axfr"}}, static_cast<double>(c.axfr));
  xfr.sample({{"kind", "ixfr"}}, static_cast<double>(c.ixfr));
  xfr.sample({{"kind", "ixfr_full"}}, static_cast<double>(c.ixfr_full));
  Family ref(out, "dnsd_transfers_refused_total", "counter", "zone transfer requests refused");
  ref.sample(static_cast<double>(c.transfers_refused));
  Family nt(out, "dnsd_notifies_total", "counter",
            "NOTIFY messages to secondaries (one per target and serial), by outcome");
  nt.sample({{"result", "acked"}}, static_cast<double>(c.notify_acked));
  nt.sample({{"result", "failed"}}, static_cast<double>(c.notify_failed));
  Family fw(out, "dnsd_updates_forwarded_total", "counter",
            "replicated updates this node forwarded to the update primary, by result (servfail: "
            "the primary did not answer, or answered SERVFAIL)");
  fw.sample({{"result", "answered"}}, static_cast<double>(c.updates_forwarded - c.forward_failures));
  fw.sample({{"result", "servfail"}}, static_cast<double>(c.forward_failures));
  Family loops(out, "dnsd_forwarding_loops_total", "counter",
               "forwarded updates refused because this node is not the primary in its config");
  loops.sample(static_cast<double>(c.forwarding_loops));
  Family rl(out, "dnsd_reloads_total", "counter", "SIGHUP reloads, by result");
  rl.sample({{"result", "ok"}}, static_cast<double>(c.reloads_ok));
  rl.sample({{"result", "failed"}}, static_cast<double>(c.reloads_failed));
  Family last(out, "dnsd_last_reload_timestamp_seconds", "gauge",
              "when the last reload was attempted, unix seconds (0: none since start)");
  last.sample(static_cast<double>(c.last_reload));
  Family ok(out, "dnsd_last_reload_success", "gauge", "1 when the last reload (if any) succeeded");
  ok.sample(c.last_reload_ok ? 1 : 0);
}

}  // namespace

std::string render_metrics(const MetricsSnapshot& s) {
  std::string out;
  Family build(out, "dnsd_build_info", "gauge", "always 1; the version of the running dnsd");
  build.sample({{"version", s.version}}, 1);
  Family start(out, "dnsd_start_time_seconds", "gauge", "when this dnsd started, unix seconds");
  start.sample(static_cast<double>(s.start_time));
  query_counters(out, s);
  server_counters(out, s.server, s.tcp_connections);
  zone_gauges(out, s.service.zones);
  service_counters(out, s.service.counters);
  return out;
}

}  // namespace dnsd::metrics
