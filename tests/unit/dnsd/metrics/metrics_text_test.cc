// render_metrics(): the Prometheus text format of a snapshot. Every family has HELP and
// TYPE before its samples, counters end in _total, label values are escaped, and the
// query counters of several workers are summed.
#include "dnsd/metrics/metrics_text.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "dnsd/net/query_counters.h"

namespace dnsd::metrics {
namespace {

MetricsSnapshot sample_snapshot() {
  MetricsSnapshot s;
  s.version = "1.2.3";
  s.start_time = 1700000000;
  s.server.udp_queries = 7;
  s.server.tcp_queries = 2;
  s.server.rrl_dropped = 3;
  s.zone_names = {"example.com.", "we\"ird\\zone.\n"};
  service::ZoneStatus z;
  z.name = "example.com.";
  z.serial = 2024010101;
  z.last_change = 1700000100;
  z.journal_entries = 4;
  z.journal_bytes = 999;
  z.journal_trusted = false;
  z.compactions = 1;
  s.service.zones.push_back(z);
  service::ZoneStatus r = z;  // a replicated zone, this node its primary
  r.name = "repl.example.";
  r.replication_role = "primary";
  r.replication_seq = 12;
  r.replication_divergences = 1;
  r.replication_repairs = 3;
  r.replicas.push_back({"lb2", "127.0.0.12:53", "", 12, true, true, true, false});
  r.replicas.push_back({"lb3", "127.0.0.13:53", "down", 9, true, false, false, false});
  s.service.zones.push_back(r);
  s.service.counters.updates_forwarded = 4;
  s.service.counters.forward_failures = 1;
  s.service.counters.forwarding_loops = 2;
  s.service.counters.updates_by_rcode[0] = 5;
  s.service.counters.updates_by_rcode[9] = 1;  // NOTAUTH
  s.service.counters.axfr = 2;
  s.service.counters.notify_acked = 3;
  s.service.counters.reloads_failed = 1;
  s.service.counters.last_reload = 1700000200;
  s.service.counters.last_reload_ok = false;
  return s;
}

// name{labels} -> value text, for every sample line.
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.rfind(' ');
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

TEST(MetricsText, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  std::string text = render_metrics(sample_snapshot());
  std::istringstream in(text);
  std::string line;
  std::set<std::string> helped, typed;
  std::map<std::string, std::string> types;
  while (std::getline(in, line)) {
    ASSERT_FALSE(line.empty()) << "blank line in:\n" << text;
    if (line.rfind("# HELP ", 0) == 0) {
      std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(helped.insert(name).second) << "HELP twice for " << name;
      continue;
    }
    if (line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      std::string name = rest.substr(0, rest.find(' '));
      types[name] = rest.substr(rest.find(' ') + 1);
      EXPECT_TRUE(helped.count(name)) << "TYPE before HELP for " << name;
      EXPECT_TRUE(typed.insert(name).second) << "TYPE twice for " << name;
      continue;
    }
    std::string name = line.substr(0, line.find_first_of("{ "));
    EXPECT_EQ(name.rfind("dnsd_", 0), 0u) << line;
    EXPECT_TRUE(typed.count(name)) << "sample before its TYPE: " << line;
    bool counter = types[name] == "counter";
    bool total = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
    EXPECT_EQ(counter, total) << name << " is a " << types[name];
  }
  EXPECT_GE(typed.size(), 20u);
}

TEST(MetricsText, ValuesOfTheSnapshot) {
  auto s = samples(render_metrics(sample_snapshot()));
  const std::map<std::string, std::string> want = {
      {"dnsd_build_info{version=\"1.2.3\"}", "1"},
      {"dnsd_start_time_seconds", "1700000000"},
      {"dnsd_received_messages_total{transport=\"udp\"}", "7"},
      {"dnsd_received_messages_total{transport=\"tcp\"}", "2"},
      {"dnsd_rrl_dropped_total", "3"},
      {"dnsd_zone_serial{zone=\"example.com.\"}", "2024010101"},
      {"dnsd_zone_last_change_timestamp_seconds{zone=\"example.com.\"}", "1700000100"},
      {"dnsd_journal_entries{zone=\"example.com.\"}", "4"},
      {"dnsd_journal_bytes{zone=\"example.com.\"}", "999"},
      {"dnsd_journal_unhealthy{zone=\"example.com.\"}", "1"},
      {"dnsd_journal_compactions_total{zone=\"example.com.\",result=\"ok\"}", "1"},
      {"dnsd_updates_total{result=\"NOERROR\"}", "5"},
      {"dnsd_updates_total{result=\"NOTAUTH\"}", "1"},
      {"dnsd_transfers_total{kind=\"axfr\"}", "2"},
      {"dnsd_notifies_total{result=\"acked\"}", "3"},
      {"dnsd_reloads_total{result=\"failed\"}", "1"},
      {"dnsd_last_reload_timestamp_seconds", "1700000200"},
      {"dnsd_last_reload_success", "0"},
      {"dnsd_replication_seq{zone=\"repl.example.\",role=\"primary\"}", "12"},
      {"dnsd_replication_in_step{zone=\"repl.example.\",node=\"lb2\"}", "1"},
      {"dnsd_replication_in_step{zone=\"repl.example.\",node=\"lb3\"}", "0"},
      {"dnsd_replication_divergences_total{zone=\"repl.example.\"}", "1"},
      {"dnsd_replication_repairs_total{zone=\"repl.example.\"}", "3"},
      {"dnsd_updates_forwarded_total{result=\"answered\"}", "3"},
      {"dnsd_updates_forwarded_total{result=\"servfail\"}", "1"},
      {"dnsd_forwarding_loops_total", "2"},
  };
  for (const auto& [k, v] : want) {
    ASSERT_TRUE(s.count(k)) << k;
    EXPECT_EQ(s[k], v) << k;
  }
  EXPECT_FALSE(s.count("dnsd_updates_total{result=\"REFUSED\"}"));  // zero: not shown
}

TEST(MetricsText, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value("plain.example."), "plain.example.");
  EXPECT_EQ(escape_label_value("a\"b"), "a\\\"b");
  EXPECT_EQ(escape_label_value("a\\b"), "a\\\\b");
  EXPECT_EQ(escape_label_value("a\nb"), "a\\nb");

  MetricsSnapshot snap = sample_snapshot();
  net::QueryCounters worker;
  worker.count(2, 16, 0, false);  // slot 2: the zone with the odd name
  worker.add_to(snap.server.answered);
  std::string text = render_metrics(snap);
  EXPECT_NE(text.find("dnsd_queries_total{zone=\"we\\\"ird\\\\zone.\\n\",qtype=\"TXT\",rcode=\"NOERROR\","
                      "transport=\"udp\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(MetricsText, QueryCountersOfEveryWorkerAreSummed) {
  MetricsSnapshot snap = sample_snapshot();
  net::QueryCounters w1, w2;
  for (int i = 0; i < 3; ++i) w1.count(1, 1, 0, false);  // example.com. A NOERROR udp
  for (int i = 0; i < 4; ++i) w2.count(1, 1, 0, false);
  w2.count(1, 28, 3, true);       // AAAA NXDOMAIN tcp
  w1.count(0, 99, 5, false);      // outside every zone, an uncounted qtype: other
  w2.count(7, 1, 0, false);       // a slot with no name (past the names): other
  w1.count(1, 1, 9, false);       // an rcode not in the set: other
  w1.add_to(snap.server.answered);
  w2.add_to(snap.server.answered);
  auto s = samples(render_metrics(snap));
  auto q = [](std::string zone, std::string qtype, std::string rcode, std::string tr) {
    return "dnsd_queries_total{zone=\"" + zone + "\",qtype=\"" + qtype + "\",rcode=\"" + rcode +
           "\",transport=\"" + tr + "\"}";
  };
  EXPECT_EQ(s[q("example.com.", "A", "NOERROR", "udp")], "7");
  EXPECT_EQ(s[q("example.com.", "AAAA", "NXDOMAIN", "tcp")], "1");
  EXPECT_EQ(s[q("other", "other", "REFUSED", "udp")], "1");
  EXPECT_EQ(s[q("other", "A", "NOERROR", "udp")], "1");
  EXPECT_EQ(s[q("example.com.", "A", "other", "udp")], "1");
  EXPECT_FALSE(s.count(q("example.com.", "A", "NOERROR", "tcp")));  // zero cells: not shown
}

TEST(MetricsText, QueriesFamilyExistsBeforeTheFirstQuery) {
  auto s = samples(render_metrics(sample_snapshot()));
  EXPECT_EQ(s["dnsd_queries_total{zone=\"other\",qtype=\"A\",rcode=\"NOERROR\",transport=\"udp\"}"], "0");
}

}  // namespace
}  // namespace dnsd::metrics
