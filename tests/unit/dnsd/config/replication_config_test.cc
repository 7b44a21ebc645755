// The replication keys of [[zone]]: a good set loads; each broken rule is one error with
// file:line, key, value and a reason.
#include <algorithm>

#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

std::string keys() {
  std::string k;
  for (const char* name : {"acme", "sentinel", "replication"})
    k += std::string("[[key]]\nname = \"") + name + "\"\nsecret = \"" + kTestSecret + "\"\n";
  return k;
}

const char* kGood = R"(update_keys = ["acme", "sentinel"]
replicas = ["lb1=192.0.2.1", "lb2=192.0.2.2:5353", "lb3=[2001:db8::3]:53"]
update_primary = "lb2"
replicated_update_keys = ["acme"]
replication_key = "replication"
replication_ack = "all"
replication_timeout = "500ms"
)";

std::string zone(std::string extra) { return std::string(kMinimal) + extra + keys(); }

TEST_F(ConfigTest, ReplicationKeysLoad) {
  auto c = load(zone(kGood));
  ASSERT_TRUE(c) << errors_.to_string();
  const ZoneConfig& z = c->zones.at(0);
  ASSERT_EQ(z.replicas.size(), 3u);
  EXPECT_EQ(z.replicas[0].name, "lb1");
  EXPECT_EQ(z.replicas[0].address.to_string(), "192.0.2.1:53");
  EXPECT_EQ(z.replicas[1].address.to_string(), "192.0.2.2:5353");
  EXPECT_EQ(z.replicas[2].address.to_string(), "[2001:db8::3]:53");
  EXPECT_EQ(z.update_primary, "lb2");
  EXPECT_EQ(z.replicated_update_keys, std::vector<std::string>{"acme."});
  EXPECT_EQ(z.replication_key, "replication.");
  EXPECT_TRUE(z.replication_ack_all);
  EXPECT_EQ(z.replication_timeout, common::Millis(500));
}

struct Bad {
  std::string from, to;  // replace in kGood
  std::string needle, message;
};

TEST_F(ConfigTest, ReplicationRules) {
  const Bad cases[] = {
      {"\"lb1=192.0.2.1\"", "\"lb1:192.0.2.1\"", "replicas",
       ": zone[0].replicas[0] = \"lb1:192.0.2.1\": must be \"<node.name>=<address>\", e.g. \"lb1=192.0.2.1:53\""},
      {"\"lb1=192.0.2.1\"", "\"lb9=192.0.2.1\"", "replicas",
       ": zone[0].replicas = [\"lb9=192.0.2.1\", \"lb2=192.0.2.2:5353\", \"lb3=[2001:db8::3]:53\"]: does not "
       "list this node (node.name = \"lb1\"); every node, this one included, must be listed"},
      {"\"lb2=192.0.2.2:5353\"", "\"lb1=192.0.2.2\"", "replicas",
       ": zone[0].replicas[1] = \"lb1=192.0.2.2\": listed twice"},
      {"update_primary = \"lb2\"", "update_primary = \"lb7\"", "update_primary",
       ": zone[0].update_primary = \"lb7\": \"lb7\" is not one of the replicas names"},
      {"replication_key = \"replication\"", "replication_key = \"acme\"", "replication_key",
       ": zone[0].replication_key = \"acme\": is also in update_keys: the replication key may only write "
       "the _replication record, so it must not be a client key"},
      {"replication_key = \"replication\"", "replication_key = \"ghost\"", "replication_key",
       ": zone[0].replication_key = \"ghost\": no [[key]] named \"ghost.\" is defined"},
      {"replicated_update_keys = [\"acme\"]", "replicated_update_keys = [\"replication\"]",
       "replicated_update_keys",
       ": zone[0].replicated_update_keys = [\"replication\"]: \"replication.\" is not in update_keys, so no "
       "update signed by it is accepted"},
      {"replication_ack = \"all\"", "replication_ack = \"most\"", "replication_ack",
       ": zone[0].replication_ack = \"most\": must be one of majority,all"},
  };
  for (const auto& c : cases) {
    std::string extra = kGood;
    extra.replace(extra.find(c.from), c.from.size(), c.to);
    std::string text = zone(extra);
    errors_ = {};
    EXPECT_FALSE(load(text)) << c.to;
    auto m = messages();
    ASSERT_GE(m.size(), 1u) << c.to;
    std::string want = at(c.needle + " =") + c.message;
    EXPECT_NE(std::find(m.begin(), m.end(), want), m.end()) << want << "\n" << errors_.to_string();
  }
}

TEST_F(ConfigTest, ReplicationKeysNeedReplicas) {
  std::string text = zone("update_keys = [\"acme\"]\nupdate_primary = \"lb1\"\n");
  EXPECT_FALSE(load(text));
  auto m = messages();
  ASSERT_EQ(m.size(), 1u) << errors_.to_string();
  EXPECT_EQ(m[0], at("update_primary =") +
                      ": zone[0].update_primary = \"lb1\": has no effect without replicas: list every "
                      "node in replicas, or remove it");
}

}  // namespace
}  // namespace dnsd::config
