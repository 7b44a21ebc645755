// load_config on valid files: every key read, defaults, normalization, relative paths.
#include <arpa/inet.h>

#include <filesystem>
#include <thread>

#include "dnsd/common/tsig_key.h"
#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

std::string v4(const in_addr& a) {
  char b[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &a, b, sizeof b);
}
std::string v6(const in6_addr& a) {
  char b[INET6_ADDRSTRLEN];
  return inet_ntop(AF_INET6, &a, b, sizeof b);
}

TEST_F(ConfigTest, FullConfigSetsEveryKey) {
  dir_.write("zones/b.zone", "");
  dir_.write("keys/x.key", kTestSecret);
  auto c = load(std::string(R"(
[server]
listen = ["127.0.0.11:53", "[::1]:5300"]
workers = 3
identity = "lb1.example"
state_dir = "/srv/dnsd-state"
user = "root"
udp_payload = 4096
tcp_idle_timeout = "1500ms"
tcp_max_clients = 5
stop_grace = "2m"

[node]
name = "lb1"
ipv4 = ["198.51.100.10", "198.51.100.11"]
ipv6 = ["2001:DB8::10"]

[[zone]]
name = "api.example.com"
file = "api.zone"
self = ["@", "*", "www", "*.eu"]
self_ttl = 60
update_keys = ["sentinel"]
transfer_keys = ["sentinel", "xfr"]
notify = ["192.0.2.53", "[2001:db8::53]:5353"]

[[zone]]
name = "b.example.org."
file = "zones/b.zone"
self = []

[[key]]
name = "sentinel"
algorithm = "hmac-sha384"
secret = ")") + kTestSecret +
                R"("

[[key]]
name = "xfr"
secret_file = "keys/x.key"

[rrl]
responses_per_second = 50
slip = 3

[metrics]
listen = "[::1]:9999"

[log]
level = "debug"
queries = true
)");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->path, path_);
  const ServerConfig& s = c->server;
  ASSERT_EQ(s.listen.size(), 2u);
  EXPECT_EQ(s.listen[0].to_string(), "127.0.0.11:53");
  EXPECT_EQ(s.listen[1].to_string(), "[::1]:5300");
  EXPECT_EQ(s.workers, 3u);
  EXPECT_EQ(s.identity, "lb1.example");
  EXPECT_EQ(s.state_dir, "/srv/dnsd-state");
  EXPECT_EQ(s.user, "root");
  EXPECT_EQ(s.udp_payload, 4096);
  EXPECT_EQ(s.tcp_idle_timeout, common::Millis{1500});
  EXPECT_EQ(s.tcp_max_clients, 5u);
  EXPECT_EQ(s.stop_grace, common::Millis{120'000});

  EXPECT_EQ(c->node.name, "lb1");
  ASSERT_EQ(c->node.ipv4.size(), 2u);
  EXPECT_EQ(v4(c->node.ipv4[0]), "198.51.100.10");
  EXPECT_EQ(v4(c->node.ipv4[1]), "198.51.100.11");
  ASSERT_EQ(c->node.ipv6.size(), 1u);
  EXPECT_EQ(v6(c->node.ipv6[0]), "2001:db8::10");

  ASSERT_EQ(c->zones.size(), 2u);
  const ZoneConfig& z = c->zones[0];
  EXPECT_EQ(z.name, "api.example.com.");
  EXPECT_EQ(z.file, dir_.file("api.zone"));
  EXPECT_EQ(z.self, (std::vector<std::string>{"@", "*", "www", "*.eu"}));
  EXPECT_EQ(z.self_ttl, 60u);
  EXPECT_EQ(z.update_keys, (std::vector<std::string>{"sentinel."}));
  EXPECT_EQ(z.transfer_keys, (std::vector<std::string>{"sentinel.", "xfr."}));
  ASSERT_EQ(z.notify.size(), 2u);
  EXPECT_EQ(z.notify[0].to_string(), "192.0.2.53:53");
  EXPECT_EQ(z.notify[1].to_string(), "[2001:db8::53]:5353");
  EXPECT_EQ(z.line, 18);
  EXPECT_EQ(c->zones[1].name, "b.example.org.");
  EXPECT_EQ(c->zones[1].file, dir_.file("zones/b.zone"));
  EXPECT_TRUE(c->zones[1].self.empty());
  EXPECT_EQ(c->zones[1].line, 27);

  ASSERT_EQ(c->keys.size(), 2u);
  EXPECT_EQ(c->keys[0].name, "sentinel.");
  EXPECT_EQ(c->keys[0].algorithm, common::TsigAlgorithm::HmacSha384);
  EXPECT_EQ(c->keys[1].name, "xfr.");
  EXPECT_EQ(c->keys[1].secret.size(), 32u);

  EXPECT_EQ(c->rrl.responses_per_second, 50u);
  EXPECT_EQ(c->rrl.slip, 3u);
  ASSERT_TRUE(c->metrics.listen);
  EXPECT_EQ(c->metrics.listen->to_string(), "[::1]:9999");
  EXPECT_EQ(c->log.level, "debug");
  EXPECT_TRUE(c->log.queries);
}

TEST_F(ConfigTest, MinimalConfigGetsDefaults) {
  auto c = load(kMinimal);
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->server.workers, 1u);
  EXPECT_EQ(c->server.identity, "");
  EXPECT_EQ(c->server.state_dir, "/var/lib/dnsd");
  EXPECT_EQ(c->server.user, "");
  EXPECT_EQ(c->server.udp_payload, 1232);
  EXPECT_EQ(c->server.tcp_idle_timeout, common::Millis{10'000});
  EXPECT_EQ(c->server.tcp_max_clients, 1000u);
  EXPECT_EQ(c->server.stop_grace, common::Millis{0});
  EXPECT_TRUE(c->node.ipv6.empty());
  ASSERT_EQ(c->zones.size(), 1u);
  EXPECT_EQ(c->zones[0].self, (std::vector<std::string>{"@", "*"}));
  EXPECT_EQ(c->zones[0].self_ttl, 30u);
  EXPECT_TRUE(c->zones[0].update_keys.empty());
  EXPECT_TRUE(c->zones[0].transfer_keys.empty());
  EXPECT_TRUE(c->zones[0].notify.empty());
  EXPECT_TRUE(c->keys.empty());
  EXPECT_EQ(c->rrl.responses_per_second, 0u);
  EXPECT_EQ(c->rrl.slip, 2u);
  ASSERT_TRUE(c->metrics.listen);
  EXPECT_EQ(c->metrics.listen->to_string(), "127.0.0.1:9153");
  EXPECT_EQ(c->log.level, "info");
  EXPECT_FALSE(c->log.queries);
}

TEST_F(ConfigTest, WorkersZeroMeansOnePerCore) {
  auto c = load(R"([server]
listen = ["127.0.0.1:5353"]
workers = 0
[[zone]]
name = "a.test"
file = "api.zone"
self = []
)");
  ASSERT_TRUE(c) << errors_.to_string();
  unsigned cores = std::thread::hardware_concurrency();
  EXPECT_EQ(c->server.workers, cores == 0 ? 1u : cores);
  EXPECT_GE(c->server.workers, 1u);
}

TEST_F(ConfigTest, MetricsEmptyMeansOff) {
  auto c = load(std::string(kMinimal) + "[metrics]\nlisten = \"\"\n");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_FALSE(c->metrics.listen.has_value());
}

TEST_F(ConfigTest, NamesAreLowercasedAndAbsolute) {
  auto c = load(std::string(R"([server]
listen = ["127.0.0.1:5353"]
[node]
name = "lb1"
ipv6 = ["::1"]
[[zone]]
name = "API.Example.COM."
file = "api.zone"
self = ["WWW", "*.EU", "@"]
update_keys = ["Sentinel."]
[[key]]
name = "SENTINEL"
secret = ")") + kTestSecret +
                "\"\n");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->zones[0].name, "api.example.com.");
  EXPECT_EQ(c->zones[0].self, (std::vector<std::string>{"www", "*.eu", "@"}));
  EXPECT_EQ(c->zones[0].update_keys, (std::vector<std::string>{"sentinel."}));
  EXPECT_EQ(c->keys[0].name, "sentinel.");
}

TEST_F(ConfigTest, FindKeyAcceptsAnySpelling) {
  auto c = load(std::string(kMinimal) + "[[key]]\nname = \"sentinel\"\nsecret = \"" + kTestSecret +
                "\"\n");
  ASSERT_TRUE(c) << errors_.to_string();
  const common::TsigKey* k = c->find_key("sentinel");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k, &c->keys[0]);
  EXPECT_EQ(c->find_key("SENTINEL."), k);
  EXPECT_EQ(c->find_key("other"), nullptr);
  EXPECT_EQ(c->find_key(""), nullptr);
  EXPECT_EQ(c->find_key("bad..name"), nullptr);
}

TEST_F(ConfigTest, RelativePathsAreRelativeToTheConfigFolder) {
  dir_.write("zones/api.zone", "");
  dir_.write("etc/keys/s.key", kTestSecret);
  auto c = load(R"([server]
listen = ["127.0.0.1:5353"]
state_dir = "../var/state/"
[[zone]]
name = "api.example.com"
file = "../zones/./api.zone"
self = []
update_keys = ["s"]
[[key]]
name = "s"
secret_file = "keys/s.key"
)",
                "etc/dnsd.toml");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->zones[0].file, dir_.file("zones/api.zone"));
  EXPECT_EQ(c->server.state_dir, dir_.file("var/state/"));
  EXPECT_EQ(c->keys[0].secret.size(), 32u);
}

TEST_F(ConfigTest, ConfigGivenByRelativePathStillResolvesAbsolute) {
  dir_.write("zones/api.zone", "");
  load(
      "[server]\nlisten = [\"127.0.0.1:53\"]\nstate_dir = \"st\"\n[[zone]]\nname = \"a.test\"\n"
      "file = \"zones/api.zone\"\nself = []\n");
  std::string rel = std::filesystem::relative(path_).string();
  ASSERT_FALSE(std::filesystem::path(rel).is_absolute());
  common::ErrorList errors;
  auto c = load_config(rel, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->path, rel);  // messages name the file as the operator gave it
  EXPECT_EQ(c->zones[0].file, dir_.file("zones/api.zone"));
  EXPECT_EQ(c->server.state_dir, dir_.file("st"));
}

TEST_F(ConfigTest, ZoneWithoutSelfNamesNeedsNoNode) {
  auto c = load(R"([server]
listen = ["127.0.0.10:53"]
[[zone]]
name = "example.test"
file = "api.zone"
self = []
)");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->node.name, "");
  EXPECT_TRUE(c->node.ipv4.empty());
}

TEST_F(ConfigTest, InlineTablesWorkAsArrayOfTables) {
  auto c = load(R"([server]
listen = ["127.0.0.10:53"]
zone = [ { name = "a.test", file = "api.zone", self = [] } ]
)");
  // [server] zone = ... is a key inside [server]; a real array of inline tables is top level.
  EXPECT_FALSE(c);
  c = load(R"(zone = [ { name = "a.test", file = "api.zone", self = [] } ]
[server]
listen = ["127.0.0.10:53"]
)");
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->zones[0].name, "a.test.");
}

}  // namespace
}  // namespace dnsd::config
