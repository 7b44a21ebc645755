// parse_prefix: one read of the etcd prefix, with every kind of bad data a fault that is
// never believed.
#include "sentinel/daemon/coord_snapshot.h"

#include <gtest/gtest.h>

namespace sentinel::daemon {
namespace {

const std::string kPrefix = "/p/";
const std::vector<std::string> kSentinels{"s1", "s2", "s3"};
const std::vector<std::string> kNodes{"lb1", "lb2"};

coord::EtcdKv kv(const std::string& key, const std::string& value, int64_t lease = 0,
                 int64_t create = 5, int64_t mod = 9) {
  return {kPrefix + key, value, create, mod, 1, lease};
}

PrefixView parse(const std::vector<coord::EtcdKv>& kvs, int64_t my_lease = 77) {
  const std::string me = "s2";
  return parse_prefix(kvs, {kPrefix, me, my_lease, kSentinels, kNodes});
}

TEST(ParsePrefix, AWellFormedRead) {
  auto v = parse({kv("leader", R"({"id":"s2","since_ms":1000,"api":"127.0.0.1:1"})", 77, 4),
                  kv("state", R"({"epoch":3})", 0, 2, 12),
                  kv("opinions/s1/lb1", R"({"health":"down","evidence":"timeout","at_ms":5})", 70),
                  kv("opinions/s3/lb2", R"({"health":"up"})", 71),
                  kv("requests/s1-1-1", R"({"verb":"drain","node":"lb1","from":"s1"})")});
  EXPECT_TRUE(v.faults.empty());
  EXPECT_EQ(v.leader, "s2");
  EXPECT_TRUE(v.leader_is_mine);
  EXPECT_EQ(v.leader_create_revision, 4);
  EXPECT_EQ(v.leader_since_ms, 1000);
  EXPECT_EQ(v.leader_api, "127.0.0.1:1");
  ASSERT_TRUE(v.state_text);
  EXPECT_EQ(v.state_revision, 12);
  ASSERT_EQ(v.opinions.size(), 2u);
  EXPECT_EQ(v.opinions[0].sentinel, "s1");
  EXPECT_EQ(v.opinions[0].health, cluster::Health::Down);
  EXPECT_EQ(v.opinions[0].evidence, "timeout");
  EXPECT_EQ(v.opinions[1].health, cluster::Health::Up);
  ASSERT_EQ(v.requests.size(), 1u);
  EXPECT_EQ(v.requests[0].verb, "drain");
  EXPECT_EQ(v.requests[0].from, "s1");
}

TEST(ParsePrefix, TheLeaderKeyIsMineOnlyUnderMyCurrentLease) {
  EXPECT_FALSE(parse({kv("leader", R"({"id":"s2"})", 66)}).leader_is_mine);  // an old lease
  EXPECT_FALSE(parse({kv("leader", R"({"id":"s1"})", 77)}).leader_is_mine);
  EXPECT_FALSE(parse({kv("leader", R"({"id":"s2"})", 0)}, 0).leader_is_mine);
}

TEST(ParsePrefix, BadDataIsAFaultNeverBelieved) {
  struct Case {
    coord::EtcdKv kv;
    std::string fault;
  };
  for (const Case& c : std::vector<Case>{
           {kv("opinions/s1/lb1", "{not json"), "not an opinion"},
           {kv("opinions/s1/lb1", R"({"health":"sideways"})"), "not an opinion"},
           {kv("opinions/s1/lb1", R"({"health":7})"), "not an opinion"},
           {kv("opinions/s9/lb1", R"({"health":"down"})"), "sentinel s9 is not in coordination.sentinels"},
           {kv("opinions/s1", R"({"health":"down"})"), "not opinions/<sentinel>/<node>"},
           {kv("requests/x", R"({"verb":"rm -rf","node":"lb1"})"), "not a request"},
           {kv("requests/x", "[]"), "not a request"},
       }) {
    auto v = parse({c.kv});
    ASSERT_EQ(v.faults.size(), 1u) << c.kv.value;
    EXPECT_NE(v.faults[0].find(c.fault), std::string::npos) << v.faults[0];
    EXPECT_TRUE(v.opinions.empty());
    EXPECT_TRUE(v.requests.empty());
  }
}

TEST(ParsePrefix, AnUnreadableLeaderRecordStillBlocksACampaign) {
  auto v = parse({kv("leader", "garbage", 77)});
  EXPECT_EQ(v.leader, "?");
  EXPECT_FALSE(v.leader_is_mine);
  EXPECT_EQ(v.faults.size(), 1u);
}

TEST(ParsePrefix, OpinionsOfNodesThisConfigDoesNotHaveAreSkippedQuietly) {
  auto v = parse({kv("opinions/s1/lb9", R"({"health":"down"})")});
  EXPECT_TRUE(v.opinions.empty());
  EXPECT_TRUE(v.faults.empty());
}

}  // namespace
}  // namespace sentinel::daemon
