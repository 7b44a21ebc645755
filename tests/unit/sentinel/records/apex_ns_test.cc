// The apex NS set sentinel manages: which names it holds for which nodes in service, its
// own TTL, the read-back view of a shared RRset, and the per-record update it is written by.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/records/record_set.h"
#include "sentinel/records/zone_updater.h"

namespace sentinel::records {
namespace {

constexpr const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";
const std::string kZone = "api.example.com.";
using Rdatas = std::vector<std::string>;
using Names = std::set<std::string>;

// lb1..lb<n>, priorities 10, 20, ...; ns names ns<i>.api.example.com. for those in `named`.
config::SentinelConfig make_config(int n, const Names& named) {
  config::SentinelConfig c;
  c.zone = kZone;
  c.ttl = 30;
  c.ns_ttl = 15;
  for (int i = 1; i <= n; ++i) {
    config::NodeConfig node;
    node.name = "lb" + std::to_string(i);
    node.priority = i * 10;
    node.ipv4 = {"198.51.100." + std::to_string(i)};
    if (named.count(node.name)) node.ns = "ns" + std::to_string(i) + "." + kZone;
    c.nodes.push_back(node);
  }
  return c;
}

cluster::ClusterState make_state() {
  cluster::ClusterState s;
  s.epoch = 3;
  s.master = "lb1";
  return s;
}

std::string ns(int i) { return "ns" + std::to_string(i) + "." + kZone; }

struct Case {
  const char* what;
  int nodes;
  Names named;
  Names in_service;
  Rdatas want;  // sorted
};

class ApexNsNames : public ::testing::TestWithParam<Case> {};

TEST_P(ApexNsNames, Table) {
  const Case& t = GetParam();
  auto c = make_config(t.nodes, t.named);
  auto got = apex_ns_names(c, t.in_service);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, t.want) << t.what;
  RecordSet rs = desired_records(c, make_state(), t.in_service);
  auto it = rs.rrsets.find({kZone, "NS"});
  if (t.want.empty()) {
    EXPECT_EQ(it, rs.rrsets.end()) << t.what;
    EXPECT_TRUE(rs.shared.empty()) << t.what;
    return;
  }
  ASSERT_NE(it, rs.rrsets.end()) << t.what;
  EXPECT_EQ(it->second, t.want) << t.what;
  EXPECT_EQ(rs.ttl_of({kZone, "NS"}), 15u);
  EXPECT_EQ(rs.ttl_of({"lb1." + kZone, "A"}), 30u);
  Rdatas owned;
  for (const auto& n : c.nodes)
    if (!n.ns.empty()) owned.push_back(n.ns);
  std::sort(owned.begin(), owned.end());
  EXPECT_EQ(rs.shared.at({kZone, "NS"}), owned) << t.what;
}

const Names k3{"lb1", "lb2", "lb3"};

INSTANTIATE_TEST_SUITE_P(
    Cases, ApexNsNames,
    ::testing::Values(
        Case{"all in service", 3, k3, k3, {ns(1), ns(2), ns(3)}},
        Case{"one down leaves", 3, k3, {"lb1", "lb3"}, {ns(1), ns(3)}},
        Case{"two down: the best other stays, never below two", 3, k3, {"lb3"}, {ns(1), ns(3)}},
        Case{"two down, the best one serving", 3, k3, {"lb1"}, {ns(1), ns(2)}},
        Case{"all down: the two best stay, never empty", 3, k3, {}, {ns(1), ns(2)}},
        Case{"four nodes, two serving", 4, {"lb1", "lb2", "lb3", "lb4"}, {"lb3", "lb4"},
             {ns(3), ns(4)}},
        Case{"no node has an ns name: no NS set", 3, {}, k3, {}},
        Case{"only named nodes count", 3, {"lb2", "lb3"}, {"lb1", "lb3"}, {ns(2), ns(3)}},
        Case{"a single named node stays, never empty", 2, {"lb2"}, {"lb1"}, {ns(2)}}));

TEST(ApexNsDiff, UsesTheNsTtl) {
  auto c = make_config(3, k3);
  RecordSet from = desired_records(c, make_state(), k3);
  RecordSet to = desired_records(c, make_state(), {"lb1", "lb2"});
  auto d = diff_records(from, to);
  std::vector<std::string> ns_lines;
  for (const auto& l : d)
    if (l.find(" NS ") != std::string::npos) ns_lines.push_back(l);
  EXPECT_EQ(ns_lines, (std::vector<std::string>{"- api.example.com. 15 NS " + ns(3)}));
}

// ---- the update message ----

struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

std::string owner_of(const ldns_rr* rr) { return sentinel::records::owner_text(rr); }

TEST(ApexNsUpdate, AddsOwnNamesThenDeletesTheLeftOnesOneByOne) {
  dnsd::common::TsigKey key;
  key.name = "sentinel.";
  key.algorithm = dnsd::common::TsigAlgorithm::HmacSha256;
  ASSERT_TRUE(dnsd::common::base64_decode(kSecret, key.secret));
  RecordSet desired = desired_records(make_config(3, k3), make_state(), {"lb2", "lb3"});
  std::string error;
  auto wire = build_update(key, kZone, desired, {}, error);
  ASSERT_FALSE(wire.empty()) << error;
  ldns_pkt* raw = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&raw, wire.data(), wire.size()), LDNS_STATUS_OK);
  PktPtr pkt(raw);
  ldns_rr_list* up = ldns_pkt_authority(pkt.get());
  std::vector<std::string> seq;  // the apex NS records in order: "+ name ttl" / "- name"
  for (size_t i = 0; i < ldns_rr_list_rr_count(up); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(up, i);
    if (owner_of(rr) != kZone) continue;
    ASSERT_EQ(ldns_rr_get_type(rr), LDNS_RR_TYPE_NS);
    // Never a whole-RRset delete (class ANY) of the apex NS.
    ASSERT_NE(ldns_rr_get_class(rr), LDNS_RR_CLASS_ANY);
    ASSERT_EQ(ldns_rr_rd_count(rr), 1u);
    std::string name = rdata_text(rr);
    if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_NONE) {
      EXPECT_EQ(ldns_rr_ttl(rr), 0u);  // RFC 2136 2.5.4
      seq.push_back("- " + name);
    } else {
      EXPECT_EQ(ldns_rr_get_class(rr), LDNS_RR_CLASS_IN);
      seq.push_back("+ " + name + " " + std::to_string(ldns_rr_ttl(rr)));
    }
  }
  EXPECT_EQ(seq, (std::vector<std::string>{"+ " + ns(2) + " 15", "+ " + ns(3) + " 15",
                                           "- " + ns(1)}));
}

}  // namespace
}  // namespace sentinel::records
