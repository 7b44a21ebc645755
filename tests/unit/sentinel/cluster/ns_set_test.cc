// The NS set rule (cluster/ns_set.h), table-driven: who stays in the set for which nodes in
// service (never below two, never empty), and the delegation's glue (in-domain names only).
#include "sentinel/cluster/ns_set.h"

#include <gtest/gtest.h>

namespace sentinel::cluster {
namespace {

using Names = std::set<std::string>;
using List = std::vector<std::string>;

// lb1..lb<n>, priorities 10, 20, ...; lb<i> is known as `ns(i)`.
std::vector<NsNode> nodes(int n, const std::string& suffix = "api.example.com.") {
  std::vector<NsNode> out;
  for (int i = 1; i <= n; ++i)
    out.push_back({"lb" + std::to_string(i), "ns" + std::to_string(i) + "." + suffix, i * 10,
                   {"192.0.2." + std::to_string(i)}, {"2001:db8::" + std::to_string(i)}});
  return out;
}
std::string ns(int i) { return "ns" + std::to_string(i) + ".api.example.com."; }

struct SetCase {
  const char* what;  // the rule the case shows
  int nodes;
  Names in_service;
  List want;  // in pick order
};

class PickNsSet : public ::testing::TestWithParam<SetCase> {};

TEST_P(PickNsSet, Table) {
  const auto& t = GetParam();
  EXPECT_EQ(pick_ns_set(nodes(t.nodes), t.in_service), t.want) << t.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PickNsSet,
    ::testing::Values(
        SetCase{"every node in service: all, by priority", 3, {"lb1", "lb2", "lb3"},
                {ns(1), ns(2), ns(3)}},
        SetCase{"one out of service leaves", 3, {"lb1", "lb3"}, {ns(1), ns(3)}},
        SetCase{"two out of three: the best other fills up to two", 3, {"lb3"}, {ns(3), ns(1)}},
        SetCase{"none in service: the two best, never empty", 3, {}, {ns(1), ns(2)}},
        SetCase{"the serving ones come first, whatever their priority", 4, {"lb4", "lb3"},
                {ns(3), ns(4)}},
        SetCase{"a single node: one name, never empty", 1, {}, {ns(1)}},
        SetCase{"no node: no set", 0, {"lb1"}, {}}));

struct DelegationCase {
  const char* what;
  std::string suffix;  // where the NS names live
  Names in_service;
  bool glue;
  List want_ns;      // sorted
  List want_glue_a;  // the names that get A (and AAAA) glue
};

class PickDelegation : public ::testing::TestWithParam<DelegationCase> {};

TEST_P(PickDelegation, Table) {
  const auto& t = GetParam();
  auto d = pick_delegation(nodes(3, t.suffix), t.in_service, "api.example.com.", t.glue);
  EXPECT_EQ(d.ns, t.want_ns) << t.what;
  List a, aaaa;
  for (const auto& [name, addrs] : d.a) a.push_back(name);
  for (const auto& [name, addrs] : d.aaaa) aaaa.push_back(name);
  EXPECT_EQ(a, t.want_glue_a) << t.what;
  EXPECT_EQ(aaaa, t.want_glue_a) << t.what;
  // The same set as the apex's, sorted.
  auto apex = pick_ns_set(nodes(3, t.suffix), t.in_service);
  std::sort(apex.begin(), apex.end());
  EXPECT_EQ(d.ns, apex) << t.what;
}

const std::string kIn = "api.example.com.", kSibling = "example.com.", kOut = "example.net.";
std::string at(int i, const std::string& suffix) { return "ns" + std::to_string(i) + "." + suffix; }

INSTANTIATE_TEST_SUITE_P(
    Cases, PickDelegation,
    ::testing::Values(
        DelegationCase{"in-domain names: glue for each name in the set", kIn,
                       {"lb1", "lb2", "lb3"}, true, {at(1, kIn), at(2, kIn), at(3, kIn)},
                       {at(1, kIn), at(2, kIn), at(3, kIn)}},
        DelegationCase{"a name that left the set loses its glue", kIn, {"lb1", "lb3"}, true,
                       {at(1, kIn), at(3, kIn)}, {at(1, kIn), at(3, kIn)}},
        DelegationCase{"two of three out: still two names, both with glue", kIn, {"lb2"}, true,
                       {at(1, kIn), at(2, kIn)}, {at(1, kIn), at(2, kIn)}},
        DelegationCase{"glue off: names only", kIn, {"lb1", "lb2", "lb3"}, false,
                       {at(1, kIn), at(2, kIn), at(3, kIn)}, {}},
        DelegationCase{"sibling names (in the parent zone): no glue, their A is the parent's data",
                       kSibling, {"lb1", "lb2"}, true, {at(1, kSibling), at(2, kSibling)}, {}},
        DelegationCase{"names elsewhere: no glue", kOut, {"lb1", "lb2", "lb3"}, true,
                       {at(1, kOut), at(2, kOut), at(3, kOut)}, {}}));

TEST(PickDelegation, GlueIsTheNodesAddresses) {
  auto d = pick_delegation(nodes(2), {"lb1", "lb2"}, "api.example.com.", true);
  EXPECT_EQ(d.a.at(ns(2)), List{"192.0.2.2"});
  EXPECT_EQ(d.aaaa.at(ns(1)), List{"2001:db8::1"});
}

TEST(InDomain, NameAtOrBelowTheZone) {
  EXPECT_TRUE(in_domain("api.example.com.", "api.example.com."));
  EXPECT_TRUE(in_domain("ns1.api.example.com.", "api.example.com."));
  EXPECT_FALSE(in_domain("ns1.xapi.example.com.", "api.example.com."));
  EXPECT_FALSE(in_domain("example.com.", "api.example.com."));
}

}  // namespace
}  // namespace sentinel::cluster
