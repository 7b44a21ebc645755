// dnsdctl's text output: columns, times, and each command's layout from a JSON result.
#include "dnsd/ctl/ctl_format.h"

#include <gtest/gtest.h>

namespace dnsd::ctl {
namespace {

using nlohmann::json;

TEST(CtlFormat, ColumnsAlignAndHaveNoTrailingBlanks) {
  EXPECT_EQ(columns({{"ZONE", "SERIAL"}, {"example.com.", "7"}, {"a.", ""}}),
            "ZONE          SERIAL\nexample.com.  7\na.\n");
  EXPECT_EQ(columns({}), "");
}

TEST(CtlFormat, TimesAndAges) {
  EXPECT_EQ(format_time(0), "never");
  EXPECT_EQ(format_time(1700000000), "2023-11-14 22:13:20 UTC");
  struct Case {
    int64_t s;
    const char* text;
  } cases[] = {{0, "0s"}, {59, "59s"}, {60, "1m 0s"}, {3599, "59m 59s"}, {3600, "1h 0m"},
               {86399, "23h 59m"}, {86400, "1d 0h"}, {90061, "1d 1h"}};
  for (const auto& k : cases) EXPECT_EQ(format_age(k.s), k.text) << k.s;
}

TEST(CtlFormat, Status) {
  json r = json::parse(R"({"version": "0.1.0", "pid": 42, "now": 1700000100,
    "started": 1700000000, "uptime_seconds": 100, "identity": "", "node": "lb1",
    "listen": ["127.0.0.1:53", "[::1]:53"], "workers": 2, "zones": 1, "state": "ready",
    "last_reload": {"time": 1700000090, "ok": false}, "reloads_ok": 3, "reloads_failed": 1})");
  EXPECT_EQ(format_result("status", r),
            "version      0.1.0\n"
            "pid          42\n"
            "uptime       1m 40s (since 2023-11-14 22:13:20 UTC)\n"
            "identity     -\n"
            "node         lb1\n"
            "listen       127.0.0.1:53, [::1]:53\n"
            "workers      2\n"
            "zones        1\n"
            "state        ready\n"
            "last reload  2023-11-14 22:14:50 UTC (10s ago) FAILED (3 ok, 1 failed)\n");
  r["last_reload"] = nullptr;
  EXPECT_NE(format_result("status", r).find("last reload  never (3 ok, 1 failed)\n"),
            std::string::npos);
}

TEST(CtlFormat, ZonesTable) {
  json r = json::parse(R"({"now": 1700000060, "zones": [
    {"name": "example.com.", "serial": 2024010101, "names": 30, "last_change": 1700000000,
     "journal_entries": 3, "journal_trusted": true},
    {"name": "b.test.", "serial": 7, "names": 2, "last_change": 1700000060,
     "journal_entries": 0, "journal_trusted": false}]})");
  EXPECT_EQ(format_result("zones", r),
            "ZONE          SERIAL      NAMES  LAST CHANGE                          JOURNAL  HEALTH\n"
            "example.com.  2024010101  30     2023-11-14 22:13:20 UTC (1m 0s ago)  3        ok\n"
            "b.test.       7           2      2023-11-14 22:14:20 UTC (0s ago)     0        UNTRUSTED\n");
}

TEST(CtlFormat, ZoneDetail) {
  json z = json::parse(R"({"name": "example.com.", "now": 1700000000, "file": "/z",
    "serial": 7, "names": 3, "last_change": 1700000000, "journal_path": "/j",
    "journal_entries": 1, "journal_bytes": 80, "journal_trusted": false,
    "journal_untrusted_reason": "fdatasync failed", "compactions": 2, "compaction_failures": 1,
    "notify": [], "update_keys": ["sentinel."], "transfer_keys": ["a.", "b."],
    "self": ["@", "*"]})");
  std::string text = format_result("zone", z);
  for (const char* line :
       {"zone             example.com.\n", "journal health   UNTRUSTED: fdatasync failed\n",
        "compactions      2 (1 failed)\n", "notify           -\n",
        "update keys      sentinel.\n", "transfer keys    a., b.\n", "self names       @, *\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

TEST(CtlFormat, ZoneDetailShowsReplication) {
  json z = json::parse(R"({"name": "example.com.", "now": 1700000000, "file": "/z",
    "serial": 7, "names": 3, "last_change": 1700000000, "journal_path": "/j",
    "journal_entries": 1, "journal_bytes": 80, "journal_trusted": true,
    "journal_untrusted_reason": "", "compactions": 0, "compaction_failures": 0,
    "notify": [], "update_keys": ["acme."], "transfer_keys": [], "self": [],
    "replication": {"role": "primary", "primary": "lb1", "seq": 12, "divergences": 1, "replicas": [
      {"name": "lb2", "address": "127.0.0.12:53", "seq": 12, "known": true, "in_step": true,
       "reachable": true, "diverged": false, "problem": "", "serial": 2024010105},
      {"name": "lb3", "address": "127.0.0.13:53", "seq": 9, "known": false, "in_step": false,
       "reachable": false, "diverged": false, "problem": "cannot connect", "serial": null},
      {"name": "lb4", "address": "127.0.0.14:53", "seq": 4, "known": true, "in_step": false,
       "reachable": true, "diverged": true, "problem": "other hash"}]}})");
  std::string text = format_result("zone", z);
  for (const char* line : {"replication      primary (primary lb1), seq 12\n", "  lb2            seq 12 serial 2024010105 in step\n",
                           "  lb3            seq 9 UNREACHABLE: cannot connect\n",
                           "  lb4            seq 4 DIVERGED: other hash\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  z.erase("replication");  // an older dnsd, or replication off: no rows
  EXPECT_EQ(format_result("zone", z).find("replication"), std::string::npos);
}

TEST(CtlFormat, StatsShowsOnlyNonZeroRcodes) {
  json s = json::parse(R"({"udp_queries": 5, "tcp_queries": 1,
    "responses_by_rcode": {"NOERROR": 4, "NXDOMAIN": 2, "SERVFAIL": 0}, "truncated": 0,
    "dropped": 0, "errors": 0, "tcp_accepted": 1, "tcp_rejected": 0, "tcp_timeouts": 0,
    "rrl_dropped": 0, "rrl_slipped": 0, "service": {"updates_by_rcode": {"NOERROR": 0},
    "axfr": 1, "ixfr": 2, "ixfr_full": 1, "transfers_refused": 0, "notify_acked": 3,
    "notify_failed": 0, "reloads_ok": 1, "reloads_failed": 0}})");
  std::string text = format_result("stats", s);
  for (const char* line : {"udp queries        5\n", "responses          NOERROR 4, NXDOMAIN 2\n",
                           "updates            -\n", "ixfr               2 (1 answered in full)\n",
                           "notify             3 acked, 0 failed\n"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

TEST(CtlFormat, ReloadAndJournal) {
  EXPECT_EQ(format_result("reload", json::parse(R"({"scope": "all", "zones": 2,
              "restart_only": ["server.listen"]})")),
            "reload ok: dnsd.toml and every zone file (2 zone(s) served)\n"
            "note: server.listen changed but only takes effect after a restart\n");
  EXPECT_EQ(format_result("reload", json::parse(R"({"scope": "a.test.", "zones": 2,
              "restart_only": []})")),
            "reload ok: zone a.test. (its file and journal)\n");
  json j = json::parse(R"({"zone": "a.test.", "path": "/j", "entries": 1, "bytes": 90,
    "trusted": true, "untrusted_reason": "", "last": [{"from": 7, "to": 8, "added": 2,
    "deleted": 1}]})");
  EXPECT_EQ(format_result("journal", j),
            "zone     a.test.\npath     /j\nentries  1\nbytes    90\nhealth   trusted\n"
            "\nlast 1 entry, oldest first:\n"
            "SERIAL FROM  TO  ADDED  DELETED\n7            8   2      1\n");
  j["last"] = json::array();
  EXPECT_NE(format_result("journal", j).find("no entries"), std::string::npos);
}

TEST(CtlFormat, UnexpectedShapeThrowsAJsonError) {
  EXPECT_THROW(format_result("status", json::parse(R"({"version": 1})")), json::exception);
}

TEST(CtlFormat, Errors) {
  EXPECT_EQ(format_error(json::parse(R"({"ok": false, "error": "no such zone: x."})")),
            "dnsdctl: no such zone: x.\n");
  EXPECT_EQ(format_error(json::parse(R"({"ok": false, "error": "reload failed",
              "errors": ["a.toml:1: x", "b.zone:2: y"]})")),
            "dnsdctl: reload failed\n  a.toml:1: x\n  b.zone:2: y\n");
  EXPECT_EQ(format_error(json::parse(R"({"ok": false})")), "dnsdctl: dnsd answered an error\n");
}

}  // namespace
}  // namespace dnsd::ctl
