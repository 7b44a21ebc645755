// service::stop_leave: when a stopping dnsd may leave before the end of stop_grace (issue
// 19), on a fake clock; and which apex NS sets name the node.
#include "dnsd/service/stop_leave.h"

#include <gtest/gtest.h>

#include "testutil/dns_test_util.h"

namespace dnsd::service {
namespace {

NsView named(const char* zone, uint32_t ttl) { return {zone, true, ttl}; }
NsView unnamed(const char* zone, uint32_t ttl) { return {zone, false, ttl}; }

struct Step {
  int64_t at;
  std::vector<NsView> views;
};

struct Case {
  const char* what;
  std::vector<NsView> start;  // at t = 1000
  std::vector<Step> steps;
  int64_t min_wait;
  int64_t exit_at;            // stop_grace 20 s: 21000 is the window's end
  const char* why;            // a part of the log line
  bool own_names_known = false;  // [node] ns set
};

TEST(StopLeaveTest, ExitsOnceTheNodeLeftEveryNsSetAndTheTtlRanOut) {
  const Case cases[] = {
      {"left at +500 ms, TTL 1 s: max(1 s, 5 s) + 1 s later",
       {named("a.", 1)}, {{1500, {unnamed("a.", 1)}}}, 5000, 7500,
       "no longer in a.'s NS set since 500 ms into the window (NS TTL 1 s: waited max(1 s, 5 s) + 1 s)"},
      {"the TTL as it was while naming the node, not the new set's",
       {named("a.", 10)}, {{2000, {unnamed("a.", 1)}}}, 5000, 13000, "max(10 s, 5 s)"},
      {"the largest TTL seen while naming it",
       {named("a.", 1)}, {{1200, {named("a.", 8)}}, {1400, {unnamed("a.", 1)}}}, 5000, 10400, "max(8 s, 5 s)"},
      {"a shorter stop_leave_wait (no Knot Resolver)",
       {named("a.", 1)}, {{1500, {unnamed("a.", 1)}}}, 0, 3500, "max(1 s, 0 s)"},
      {"never named at the stop: the full window, as before",
       {unnamed("a.", 1)}, {{1500, {unnamed("a.", 1)}}}, 5000, 21000,
       "stop_grace ended after 20000 ms (not in a.'s NS set at the stop)"},
      {"still named: the full window",
       {named("a.", 1)}, {{1500, {named("a.", 1)}}}, 5000, 21000, "(still in a.'s NS set)"},
      {"named again after leaving: the full window",
       {named("a.", 1)}, {{1500, {unnamed("a.", 1)}}, {1700, {named("a.", 1)}}}, 5000, 21000,
       "still in a.'s NS set"},
      {"left, came back, left again: counted from the last leave",
       {named("a.", 1)},
       {{1500, {unnamed("a.", 1)}}, {1700, {named("a.", 1)}}, {3000, {unnamed("a.", 1)}}}, 5000, 9000,
       "since 2000 ms"},
      {"two zones: the later leave decides",
       {named("a.", 1), named("b.", 1)},
       {{1500, {unnamed("a.", 1), named("b.", 1)}}, {4000, {unnamed("a.", 1), unnamed("b.", 1)}}}, 5000,
       10000, "no longer in b.'s NS set since 3000 ms"},
      {"two zones, one still names it: the full window",
       {named("a.", 1), named("b.", 1)}, {{1500, {unnamed("a.", 1), named("b.", 1)}}}, 5000, 21000,
       "still in b.'s NS set"},
      {"two zones, one never named it: the full window",
       {named("a.", 1), unnamed("b.", 1)}, {{1500, {unnamed("a.", 1), unnamed("b.", 1)}}}, 5000, 21000,
       "not in b.'s NS set at the stop"},
      {"a zone gone from the catalog keeps its last state",
       {named("a.", 1), named("b.", 1)}, {{1500, {unnamed("a.", 1)}}}, 5000, 21000, "still in b.'s"},
      {"left too late: the window's end is the maximum",
       {named("a.", 300)}, {{1500, {unnamed("a.", 1)}}}, 5000, 21000, "left the NS set too late"},
      {"no zone with self names", {}, {}, 5000, 21000, "no zone with self names"},
      {"[node] ns set and out of the set at the stop (drained): left at the signal",
       {unnamed("a.", 1)}, {}, 5000, 7000, "since 0 ms into the window (NS TTL 1 s", true},
      {"[node] ns set, out at the stop, the set's TTL now counts",
       {unnamed("a.", 10)}, {}, 5000, 12000, "max(10 s, 5 s)", true},
      {"[node] ns set, out at the stop, put back in: the full window",
       {unnamed("a.", 1)}, {{1500, {named("a.", 1)}}}, 5000, 21000, "still in a.'s NS set", true},
      {"[node] ns set, one zone out at the stop, the other left later",
       {unnamed("a.", 1), named("b.", 1)}, {{3000, {unnamed("a.", 1), unnamed("b.", 1)}}}, 5000, 9000,
       "no longer in b.'s NS set since 2000 ms", true},
  };
  for (const auto& c : cases) {
    StopLeave s = begin_stop_leave(1000, 20000, c.min_wait, c.start, c.own_names_known);
    for (const auto& st : c.steps) {
      observe(s, st.views, st.at);
      EXPECT_FALSE(decide(s, st.at).exit) << c.what;
    }
    StopVerdict before = decide(s, c.exit_at - 1);
    EXPECT_FALSE(before.exit) << c.what;
    EXPECT_EQ(before.exit_at, c.exit_at) << c.what;
    StopVerdict v = decide(s, c.exit_at);
    EXPECT_TRUE(v.exit) << c.what;
    EXPECT_NE(v.why.find(c.why), std::string::npos) << c.what << ": " << v.why;
    EXPECT_NE(v.why.find(std::string(c.exit_at < 21000 ? "left after " : "stop_grace ended after ") +
                         std::to_string(c.exit_at - 1000) + " ms"),
              std::string::npos)
        << c.what << ": " << v.why;
  }
}

constexpr const char* kHead = R"(
$ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60
)";

struct NsCase {
  const char* what;
  std::string records;
  std::vector<std::string> self;
  bool names;
  uint32_t ttl;
};

TEST(StopLeaveTest, ReadsWhetherTheApexNsSetNamesTheNode) {
  const NsCase cases[] = {
      {"in-zone glue with the node's IPv4", "@ 1 NS ns-lb1\n@ 1 NS ns-lb2\nns-lb1 A 198.51.100.10\nns-lb2 A 198.51.100.20\n",
       {"www"}, true, 1},
      {"in-zone glue with the node's IPv6", "@ 7 NS NS-LB1\nns-lb1 AAAA 2001:db8::10\n", {"www"}, true, 7},
      {"glue of other nodes only", "@ 1 NS ns-lb2\nns-lb2 A 198.51.100.20\nns-lb2 AAAA 2001:db8::20\n",
       {"www"}, false, 1},
      {"the node's name gone, its glue left", "@ 1 NS ns-lb2\nns-lb1 A 198.51.100.10\nns-lb2 A 198.51.100.20\n",
       {"www"}, false, 1},
      {"an NS target that is a self name", "@ 60 NS ns\n", {"ns"}, true, 60},
      {"an NS target under a self wildcard", "@ 60 NS ns9\n", {"*"}, true, 60},
      {"an NS target with its own data under a self wildcard", "@ 60 NS ns9\nns9 A 192.0.2.1\n", {"*"}, false, 60},
      {"out-of-zone targets do not count", "@ 60 NS ns1.example.test.\n", {"@", "*"}, false, 60},
  };
  for (const auto& c : cases) {
    auto cat = testutil::make_catalog({{"api.example.test.", std::string(kHead) + c.records, c.self,
                                        {"198.51.100.10"}, {"2001:db8::10"}, "lb1"}});
    ASSERT_TRUE(cat) << c.what;
    auto views = ns_views(*cat);
    ASSERT_EQ(views.size(), 1u) << c.what;
    EXPECT_EQ(views[0].zone, "api.example.test.") << c.what;
    EXPECT_EQ(views[0].names_node, c.names) << c.what;
    EXPECT_EQ(views[0].ttl, c.ttl) << c.what;
  }
  // A zone without self names is not watched.
  auto none = testutil::make_catalog({{"api.example.test.", std::string(kHead) +
                                           "@ 1 NS ns-lb1\nns-lb1 A 198.51.100.10\n", {},
                                       {"198.51.100.10"}, {}, "lb1"}});
  ASSERT_TRUE(none);
  EXPECT_TRUE(ns_views(*none).empty());
}

// [node] ns: the NS names that are this node, wherever they are (sentinel's [[node]] ns,
// e.g. ns1.example.test for a zone api.example.test); addresses then do not count.
TEST(StopLeaveTest, NodeNsNamesDecideWhenSet) {
  struct NamesCase {
    const char* what;
    std::string records;
    std::vector<std::string> ns;
    bool names;
  };
  const NamesCase cases[] = {
      {"an out-of-zone name of this node", "@ 10 NS ns1.example.test.\n@ 10 NS ns2.example.test.\n",
       {"ns1.example.test."}, true},
      {"matched without regard to case", "@ 10 NS NS1.Example.Test.\n", {"ns1.example.test."}, true},
      {"its name gone", "@ 10 NS ns2.example.test.\n@ 10 NS ns3.example.test.\n", {"ns1.example.test."},
       false},
      {"one of several names", "@ 10 NS ns2.example.test.\n", {"ns1.example.test.", "ns2.example.test."},
       true},
      {"the node's address alone no longer counts", "@ 10 NS ns-lb1\nns-lb1 A 198.51.100.10\n",
       {"ns1.example.test."}, false},
      {"nor a self wildcard", "@ 10 NS ns9\n", {"ns1.example.test."}, false},
  };
  for (const auto& c : cases) {
    auto cat = testutil::make_catalog({{"api.example.test.", std::string(kHead) + c.records, {"*"},
                                        {"198.51.100.10"}, {}, "lb1"}});
    ASSERT_TRUE(cat) << c.what;
    auto views = ns_views(*cat, c.ns);
    ASSERT_EQ(views.size(), 1u) << c.what;
    EXPECT_EQ(views[0].names_node, c.names) << c.what;
    EXPECT_EQ(views[0].ttl, 10u) << c.what;
  }
}

}  // namespace
}  // namespace dnsd::service
