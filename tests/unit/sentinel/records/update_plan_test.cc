// changed_rrsets and split_update: what a push sends at 1,000 nodes, and in what order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/records/owned_reader.h"
#include "sentinel/records/record_set.h"
#include "sentinel/records/update_plan.h"
#include "sentinel/records/zone_updater.h"
#include "tests/unit/sentinel/records/records_test_config.h"

namespace sentinel::records {
namespace {

using Key = RecordSet::Key;
using test_config::kSecret;
using test_config::kZone;
const std::string kPrereq = "\"epoch=1\" \"master=n0\" \"by=s1\" \"drained=\"";

config::SentinelConfig fleet_config(int nodes) {
  config::SentinelConfig c = test_config::config_without_nodes();
  for (int i = 0; i < nodes; ++i) {
    config::NodeConfig n;
    n.name = "n" + std::to_string(i);
    n.priority = i;
    n.ipv4 = {"10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)};
    n.port = 443;
    c.nodes.push_back(n);
  }
  return c;
}

std::set<std::string> all_of(const config::SentinelConfig& c) {
  std::set<std::string> out;
  for (const auto& n : c.nodes) out.insert(n.name);
  return out;
}

RecordSet fleet_records(int nodes, const std::string& master, uint64_t epoch,
                        std::set<std::string> out_of_service = {}) {
  auto c = fleet_config(nodes);
  cluster::ClusterState s;
  s.epoch = epoch;
  s.master = master;
  auto in = all_of(c);
  for (const auto& n : out_of_service) in.erase(n);
  return desired_records(c, s, in);
}

std::set<Key> keys_of(const RecordSet& rs) {
  std::set<Key> out;
  for (const auto& [k, r] : rs.rrsets) out.insert(k);
  return out;
}

const Key kSentinel{"_sentinel." + kZone, "TXT"};
const Key kMasterA{"master." + kZone, "A"};
const Key kSrv{"_tunnel._tcp." + kZone, "SRV"};
const Key kPool{"cluster." + kZone, "A"};

// ---- changed_rrsets ----

struct ChangeCase {
  const char* what;
  RecordSet served;
  std::set<Key> wrong_ttl;
  RecordSet desired;
  std::set<Key> want;
};

class ChangedRrsets : public ::testing::TestWithParam<ChangeCase> {};

TEST_P(ChangedRrsets, OnlyWhatDiffersPlusSentinel) {
  const auto& t = GetParam();
  RecordSet changed = changed_rrsets(t.served, t.wrong_ttl, t.desired);
  EXPECT_EQ(keys_of(changed), t.want) << t.what;
  for (const auto& [k, r] : changed.rrsets) EXPECT_EQ(r, t.desired.rrsets.at(k)) << t.what;
  for (const auto& k : changed.master_rrsets) EXPECT_TRUE(changed.rrsets.count(k)) << t.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ChangedRrsets,
    ::testing::Values(
        ChangeCase{"nothing changed: only _sentinel (it carries the epoch)",
                   fleet_records(1000, "n0", 1), {}, fleet_records(1000, "n0", 1), {kSentinel}},
        ChangeCase{"a new epoch, same master: only _sentinel", fleet_records(1000, "n0", 1), {},
                   fleet_records(1000, "n0", 2), {kSentinel}},
        ChangeCase{"a failover n0 -> n1: master, SRV priorities, _sentinel",
                   fleet_records(1000, "n0", 1), {}, fleet_records(1000, "n1", 2),
                   {kSentinel, kMasterA, kSrv}},
        ChangeCase{"a failover with the old master out: the pool too",
                   fleet_records(1000, "n0", 1), {}, fleet_records(1000, "n1", 2, {"n0"}),
                   {kSentinel, kMasterA, kSrv, kPool}},
        ChangeCase{"one RRset served with another TTL", fleet_records(3, "n0", 1),
                   {{"n2." + kZone, "A"}}, fleet_records(3, "n0", 1),
                   {kSentinel, {"n2." + kZone, "A"}}},
        ChangeCase{"an empty dnsd: every RRset that must exist, none of the empty ones",
                   RecordSet{}, {}, fleet_records(2, "n0", 1),
                   {kSentinel, kMasterA, kSrv, kPool, {"n0." + kZone, "A"}, {"n1." + kZone, "A"}}}));

TEST(ChangedRrsetsOf, AnRrsetThatMustGoIsDeleted) {
  RecordSet served = fleet_records(3, "n0", 1);
  served.rrsets[{"n1." + kZone, "AAAA"}] = {"2001:db8::1"};  // served, not desired
  RecordSet changed = changed_rrsets(served, {}, fleet_records(3, "n0", 1));
  ASSERT_TRUE(changed.rrsets.count({"n1." + kZone, "AAAA"}));
  EXPECT_TRUE(changed.rrsets.at({"n1." + kZone, "AAAA"}).empty());
}

// ---- split_update with a model of sizes: 100 bytes a record, 10 of header ----

size_t model_size(const RecordSet& part) {
  size_t n = 10;
  for (const auto& [k, r] : part.rrsets) n += 100 * std::max<size_t>(r.size(), 1);
  return n;
}

RecordSet model_set(const std::map<std::string, int>& rrsets, std::set<std::string> master) {
  RecordSet rs;
  for (const auto& [owner, records] : rrsets) {
    Key k{owner + "." + kZone, "A"};
    for (int i = 0; i < records; ++i) rs.rrsets[k].push_back("10.0.0." + std::to_string(i + 1));
    if (master.count(owner)) rs.master_rrsets.insert(k);
  }
  return rs;
}

std::vector<std::vector<std::string>> owners(const std::vector<RecordSet>& parts) {
  std::vector<std::vector<std::string>> out;
  for (const auto& p : parts) {
    out.emplace_back();
    for (const auto& [k, r] : p.rrsets) out.back().push_back(k.first.substr(0, k.first.find('.')));
  }
  return out;
}

struct SplitCase {
  const char* what;
  std::map<std::string, int> rrsets;  // owner -> records
  std::set<std::string> master;
  size_t limit;
  std::vector<std::vector<std::string>> want;  // owners of each part, in order
};

class SplitUpdate : public ::testing::TestWithParam<SplitCase> {};

TEST_P(SplitUpdate, MasterRrsetsLastAndEveryPartFits) {
  const auto& t = GetParam();
  std::string error;
  auto parts = split_update(model_set(t.rrsets, t.master), t.limit, model_size, error);
  EXPECT_EQ(error, "") << t.what;
  EXPECT_EQ(owners(parts), t.want) << t.what;
  for (const auto& p : parts) EXPECT_LE(model_size(p), t.limit) << t.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SplitUpdate,
    ::testing::Values(
        SplitCase{"fits: one update, as it is", {{"a", 1}, {"m", 1}, {"s", 1}}, {"m", "s"}, 1000,
                  {{"a", "m", "s"}}},
        SplitCase{"too large: the others first, the master's last",
                  {{"a", 4}, {"b", 4}, {"m", 1}, {"s", 1}}, {"m", "s"}, 900,
                  {{"a", "b"}, {"m", "s"}}},
        SplitCase{"the others over several parts, in key order",
                  {{"a", 4}, {"b", 4}, {"c", 4}, {"m", 1}, {"s", 2}}, {"m", "s"}, 900,
                  {{"a", "b"}, {"c"}, {"m", "s"}}},
        SplitCase{"no master RRsets among the changed: no empty last part",
                  {{"a", 5}, {"b", 5}}, {}, 600, {{"a"}, {"b"}}}));

TEST(SplitUpdateLimits, AnEstimateThatIsTooLowIsCorrectedByMovingOn) {
  // A sizer whose whole is more than the sum of its parts (as past 16 KiB, where ldns can
  // no longer point back to a name): the packing by estimates overfills, the measure of
  // the whole part moves the last RRsets on.
  auto sizer = [](const RecordSet& p) {
    size_t n = model_size(p);
    return p.rrsets.size() > 2 ? n + 300 : n;
  };
  std::string error;
  auto parts = split_update(model_set({{"a", 2}, {"b", 2}, {"c", 2}, {"d", 2}, {"m", 1}}, {"m"}),
                            700, sizer, error);
  EXPECT_EQ(error, "");
  EXPECT_EQ(owners(parts),
            (std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}, {"m"}}));
  for (const auto& p : parts) EXPECT_LE(sizer(p), 700u);
}

TEST(SplitUpdateLimits, MasterRrsetsThatDoNotFitAreAnError) {
  std::string error;
  auto parts = split_update(model_set({{"a", 1}, {"m", 5}, {"s", 5}}, {"m", "s"}), 900,
                            model_size, error);
  EXPECT_TRUE(parts.empty());
  EXPECT_NE(error.find("name the master"), std::string::npos) << error;
}

TEST(SplitUpdateLimits, OneRrsetLargerThanAMessageIsAnError) {
  std::string error;
  auto parts = split_update(model_set({{"a", 20}, {"m", 1}}, {"m"}), 900, model_size, error);
  EXPECT_TRUE(parts.empty());
  EXPECT_NE(error.find("a.api.example.com. A alone needs 2010 bytes"), std::string::npos) << error;
}

// ---- the real sizes at 1,000 nodes ----

dnsd::common::TsigKey make_key() {
  dnsd::common::TsigKey k;
  k.name = "sentinel.";
  k.algorithm = dnsd::common::TsigAlgorithm::HmacSha256;
  EXPECT_TRUE(dnsd::common::base64_decode(kSecret, k.secret));
  return k;
}

Readout served_as(const RecordSet& served, const RecordSet& desired) {
  Readout r = empty_readout(desired);
  for (const auto& [k, rdatas] : served.rrsets)
    for (const auto& rd : rdatas) add_served(r, desired, k, rd, served.ttl_of(k));
  finish_readout(r);
  return r;
}

TEST(PlanUpdates, FirstPublishOf1000NodesIsSeveralUpdatesMasterLast) {
  RecordSet desired = fleet_records(1000, "n0", 1);
  // What read_by_queries asks: an A and an AAAA per node, pool, master, SRV, _sentinel.
  EXPECT_EQ(desired.rrsets.size(), 2006u);
  std::string error;
  ASSERT_TRUE(build_update(make_key(), kZone, desired, {}, error).empty());  // one: too large
  std::printf("all of it as one update: %s\n", error.c_str());
  auto parts = plan_updates(kZone, served_as(RecordSet{}, desired), desired, error);
  ASSERT_GE(parts.size(), 2u) << error;
  std::set<Key> seen;
  for (size_t i = 0; i < parts.size(); ++i) {
    auto wire = build_update(make_key(), kZone, parts[i], {}, error);
    ASSERT_FALSE(wire.empty()) << "part " << i << ": " << error;
    std::printf("first publish of 1,000 nodes, update %zu of %zu: %zu RRsets, %zu bytes signed\n",
                i + 1, parts.size(), parts[i].rrsets.size(), wire.size());
    EXPECT_LE(wire.size(), 65535u);
    EXPECT_LE(update_size(kZone, parts[i], {}), kMaxUpdateSize);
    bool last = i + 1 == parts.size();
    for (const auto& [k, r] : parts[i].rrsets) {
      EXPECT_TRUE(seen.insert(k).second) << "twice: " << k.first;
      EXPECT_EQ(desired.master_rrsets.count(k) == 1, last) << "part " << i << ": " << k.first;
    }
  }
  EXPECT_EQ(seen, keys_of(changed_rrsets(RecordSet{}, {}, desired)));
  EXPECT_TRUE(seen.count(kMasterA) && seen.count(kSrv) && seen.count(kSentinel));
}

TEST(PlanUpdates, FailoverAt1000NodesIsOneSmallUpdate) {
  RecordSet before = fleet_records(1000, "n0", 1), after = fleet_records(1000, "n1", 2);
  std::string error;
  auto parts = plan_updates(kZone, served_as(before, after), after, error);
  ASSERT_EQ(parts.size(), 1u) << error;
  EXPECT_EQ(keys_of(parts[0]), (std::set<Key>{kSentinel, kMasterA, kSrv}));
  auto wire = build_update(make_key(), kZone, parts[0], {kPrereq}, error);
  ASSERT_FALSE(wire.empty()) << error;
  std::printf("failover at 1,000 nodes: 1 update, %zu bytes signed\n", wire.size());
  EXPECT_LT(wire.size(), 45000u);  // the SRV set of 1,000 records is most of it
}

TEST(PlanUpdates, NothingChangedAt1000NodesIsTheSentinelTxtOnly) {
  RecordSet desired = fleet_records(1000, "n0", 1);
  Readout r = served_as(desired, desired);
  EXPECT_TRUE(in_sync(r, desired));
  std::string error;
  auto parts = plan_updates(kZone, r, desired, error);
  ASSERT_EQ(parts.size(), 1u) << error;
  EXPECT_EQ(keys_of(parts[0]), (std::set<Key>{kSentinel}));
  size_t size = build_update(make_key(), kZone, parts[0], {kPrereq}, error).size();
  std::printf("nothing changed at 1,000 nodes: 1 update, %zu bytes signed\n", size);
  EXPECT_LT(size, 400u);
}

TEST(PlanUpdates, TheMasterRrsetsMustFitOneUpdate) {
  // The limit of a split: the SRV set (a record per node in service) goes whole.
  int largest = 0;
  for (int nodes = 1500; nodes <= 2000; nodes += 100) {
    RecordSet after = fleet_records(nodes, "n1", 2);
    std::string error;
    auto parts = plan_updates(kZone, served_as(fleet_records(nodes, "n0", 1), after), after, error);
    if (parts.empty()) {
      EXPECT_NE(error.find("name the master"), std::string::npos) << error;
      break;
    }
    largest = nodes;
  }
  std::printf("the largest failover that fits one update, by 100s of nodes: %d\n", largest);
  EXPECT_GE(largest, 1500);  // an SRV record is ~40 bytes: its target is never compressed
  EXPECT_LT(largest, 2000);
}

// ---- the readout ----

TEST(Readout, KeepsOnlyOwnedRrsetsAndNotesWrongTtls) {
  RecordSet desired = fleet_records(2, "n0", 4);
  Readout r = empty_readout(desired);
  add_served(r, desired, {"www." + kZone, "A"}, "192.0.2.1", 30);  // not ours
  add_served(r, desired, {"n1." + kZone, "A"}, "10.1.0.2", 300);    // ours, TTL 300
  add_served(r, desired, kSentinel, desired.rrsets.at(kSentinel)[0], 30);
  finish_readout(r);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.records.rrsets.count({"www." + kZone, "A"}));
  EXPECT_EQ(r.records.rrsets.at({"n1." + kZone, "A"}), (std::vector<std::string>{"10.1.0.2"}));
  EXPECT_EQ(r.wrong_ttl, (std::set<Key>{{"n1." + kZone, "A"}}));
  EXPECT_EQ(r.epoch, 4u);
  EXPECT_EQ(r.master, "n0");
  EXPECT_FALSE(in_sync(r, desired));
}

}  // namespace
}  // namespace sentinel::records
