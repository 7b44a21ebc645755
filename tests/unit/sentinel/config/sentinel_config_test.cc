// parse_sentinel_config: a full valid sentinel.toml and one test per error class.
#include "sentinel/config/sentinel_config.h"

#include <gtest/gtest.h>

#include <string>

namespace sentinel::config {
namespace {

using dnsd::common::ErrorList;
using std::chrono::milliseconds;

constexpr const char* kPath = "/etc/x/sentinel.toml";
constexpr const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";

// Sections before [[node]]: line numbers of the tests below depend on this text.
std::string head(const std::string& sentinel_extra = "", const std::string& cluster_extra = "",
                 const std::string& probe = "interval = \"2s\"\ntimeout = \"1s\"\nfall = 4\nrise = 3\n") {
  return "[sentinel]\n"                                   // 1
         "id = \"s9\"\n"                                  // 2
         "state_file = \"state.json\"\n"                  // 3
         "api_listen = \"127.0.0.1:8900\"\n"              // 4
         "api_token_file = \"/var/lib/sentinel/token\"\n" + sentinel_extra +
         "\n[cluster]\n"
         "zone = \"API.Example.com\"\n"
         "srv = [\"_tunnel._tcp\", \"_h2._tcp\"]\n"
         "ttl = 45\n"
         "failover = \"manual\"\n"
         "cooldown = \"90s\"\n"
         "reconcile_interval = \"20s\"\n"
         "driver_timeout = \"3s\"\n"
         "update_key = \"sentinel\"\n" + cluster_extra +
         "\n[probe]\n" + probe +
         "\n[[key]]\n"
         "name = \"sentinel\"\n"
         "algorithm = \"hmac-sha256\"\n"
         "secret = \"" + kSecret + "\"\n";
}

std::string full_nodes() {
  return R"(
[[node]]
name = "LB1"
ipv4 = ["198.51.100.1"]
dns = "198.51.100.1:53"
priority = 0
checks = [
  { type = "dns" },
  { type = "tcp", port = 8443, fall = 7 },
  { type = "http", url = "https://198.51.100.1/health", expect = 204, tls_verify = false },
  { type = "tls", server_name = "lb1.example.com", min_days_valid = 10 },
]
tunnel = { driver = "http", url = "https://198.51.100.1:9000/sentinel", hmac_secret = "0123456789abcdef-long" }

[[node]]
name = "lb2"
ipv4 = ["198.51.100.2"]
ipv6 = ["2001:db8::2"]
dns = "198.51.100.2"
priority = 10
port = 8443
tunnel = { driver = "exec", command = ["/usr/local/bin/hook", "--verbose"] }

[[node]]
name = "lb3"
ipv6 = ["2001:db8::3"]
dns = "[2001:db8::3]:5353"
priority = 20
tunnel = { driver = "none" }
)";
}

std::string full() { return head() + full_nodes(); }

std::string one_node(const std::string& body) {
  return "\n[[node]]\n" + body;
}

std::string ok_node() {
  return one_node("name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n");
}

// Parses `text`, which must fail, and returns every error line.
std::string fail(const std::string& text) {
  ErrorList errors;
  auto c = parse_sentinel_config(text, kPath, errors);
  EXPECT_FALSE(c.has_value()) << "expected errors for:\n" << text;
  EXPECT_FALSE(errors.empty());
  return errors.to_string();
}

// The error (one line) whose key is `key`; empty when none.
std::string error_for(const std::string& text, const std::string& key) {
  ErrorList errors;
  auto c = parse_sentinel_config(text, kPath, errors);
  EXPECT_FALSE(c.has_value());
  for (const auto& e : errors.errors())
    if (e.key == key) return e.to_string();
  ADD_FAILURE() << "no error for " << key << " in:\n" << errors.to_string();
  return "";
}

int line_of(const std::string& text, const std::string& needle) {
  size_t p = text.find(needle);
  EXPECT_NE(p, std::string::npos) << needle;
  int line = 1;
  for (size_t i = 0; i < p && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// Replaces the first `from` in `text` by `to` (the test fails when it is absent).
void replace(std::string& text, const std::string& from, const std::string& to) {
  size_t p = text.find(from);
  ASSERT_NE(p, std::string::npos) << from;
  text.replace(p, from.size(), to);
}

std::string at(const std::string& text, const std::string& needle) {
  return std::string(kPath) + ":" + std::to_string(line_of(text, needle)) + ": ";
}

TEST(SentinelConfig, FullValidConfig) {
  ErrorList errors;
  auto c = parse_sentinel_config(full(), kPath, errors);
  ASSERT_TRUE(c.has_value()) << errors.to_string();
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(c->file, kPath);
  EXPECT_EQ(c->id, "s9");
  EXPECT_EQ(c->state_file, "/etc/x/state.json");
  EXPECT_EQ(c->api_token_file, "/var/lib/sentinel/token");
  EXPECT_EQ(c->api_listen.to_string(), "127.0.0.1:8900");
  EXPECT_EQ(c->zone, "api.example.com.");
  EXPECT_EQ(c->zone_text(), "api.example.com");
  EXPECT_EQ(c->srv, (std::vector<std::string>{"_tunnel._tcp", "_h2._tcp"}));
  EXPECT_EQ(c->master_name, "master");
  EXPECT_EQ(c->pool_name, "cluster");
  EXPECT_EQ(c->ttl, 45u);
  EXPECT_FALSE(c->failover_auto);
  EXPECT_EQ(c->cooldown, milliseconds(90000));
  EXPECT_EQ(c->reconcile_interval, milliseconds(20000));
  EXPECT_EQ(c->driver_timeout, milliseconds(3000));
  EXPECT_EQ(c->probe.interval, milliseconds(2000));
  EXPECT_EQ(c->probe.timeout, milliseconds(1000));
  EXPECT_EQ(c->probe.fall, 4);
  EXPECT_EQ(c->probe.rise, 3);

  const auto& key = c->nodes.at(0).update_key;  // the [cluster] default
  EXPECT_EQ(key.name, "sentinel.");
  EXPECT_EQ(key.algorithm, dnsd::common::TsigAlgorithm::HmacSha256);
  std::vector<uint8_t> secret;
  ASSERT_TRUE(dnsd::common::base64_decode(kSecret, secret));
  EXPECT_EQ(key.secret, secret);
  EXPECT_EQ(key.secret.size(), 32u);

  ASSERT_EQ(c->nodes.size(), 3u);
  const NodeConfig& n1 = c->nodes[0];
  EXPECT_EQ(n1.name, "lb1");  // lowercased
  EXPECT_EQ(n1.ipv4, (std::vector<std::string>{"198.51.100.1"}));
  EXPECT_TRUE(n1.ipv6.empty());
  EXPECT_EQ(n1.dns.to_string(), "198.51.100.1:53");
  EXPECT_EQ(n1.priority, 0);
  EXPECT_EQ(n1.port, 443);
  ASSERT_EQ(n1.checks.size(), 4u);
  EXPECT_EQ(n1.checks[0].kind, CheckKind::Dns);
  EXPECT_EQ(n1.checks[1].kind, CheckKind::Tcp);
  EXPECT_EQ(n1.checks[1].port, 8443);
  EXPECT_EQ(n1.checks[2].kind, CheckKind::Http);
  EXPECT_EQ(n1.checks[2].url, "https://198.51.100.1/health");
  EXPECT_EQ(n1.checks[2].expect, 204);
  EXPECT_FALSE(n1.checks[2].tls_verify);
  EXPECT_EQ(n1.checks[3].kind, CheckKind::Tls);
  EXPECT_EQ(n1.checks[3].server_name, "lb1.example.com");
  EXPECT_EQ(n1.checks[3].min_days_valid, 10);
  EXPECT_TRUE(n1.checks[3].tls_verify);
  // [probe] timing copied into checks; tcp overrides fall only.
  for (size_t i : {0u, 2u, 3u}) {
    EXPECT_EQ(n1.checks[i].timing.interval, milliseconds(2000)) << i;
    EXPECT_EQ(n1.checks[i].timing.timeout, milliseconds(1000)) << i;
    EXPECT_EQ(n1.checks[i].timing.fall, 4) << i;
    EXPECT_EQ(n1.checks[i].timing.rise, 3) << i;
  }
  EXPECT_EQ(n1.checks[1].timing.fall, 7);
  EXPECT_EQ(n1.checks[1].timing.rise, 3);
  EXPECT_EQ(n1.checks[1].timing.interval, milliseconds(2000));
  EXPECT_EQ(n1.tunnel.driver, DriverKind::Http);
  EXPECT_EQ(n1.tunnel.url, "https://198.51.100.1:9000/sentinel");
  std::string hs = "0123456789abcdef-long";
  EXPECT_EQ(n1.tunnel.hmac_secret, std::vector<uint8_t>(hs.begin(), hs.end()));

  const NodeConfig& n2 = c->nodes[1];
  EXPECT_EQ(n2.name, "lb2");
  EXPECT_EQ(n2.ipv6, (std::vector<std::string>{"2001:db8::2"}));
  EXPECT_EQ(n2.dns.to_string(), "198.51.100.2:53");  // default port
  EXPECT_EQ(n2.priority, 10);
  EXPECT_EQ(n2.port, 8443);
  ASSERT_EQ(n2.checks.size(), 1u);  // default: one dns check
  EXPECT_EQ(n2.checks[0].kind, CheckKind::Dns);
  EXPECT_EQ(n2.checks[0].timing.interval, milliseconds(2000));
  EXPECT_EQ(n2.checks[0].timing.timeout, milliseconds(1000));
  EXPECT_EQ(n2.checks[0].timing.fall, 4);
  EXPECT_EQ(n2.checks[0].timing.rise, 3);
  EXPECT_EQ(n2.tunnel.driver, DriverKind::Exec);
  EXPECT_EQ(n2.tunnel.command, (std::vector<std::string>{"/usr/local/bin/hook", "--verbose"}));

  const NodeConfig& n3 = c->nodes[2];
  EXPECT_EQ(n3.name, "lb3");
  EXPECT_TRUE(n3.ipv4.empty());
  EXPECT_EQ(n3.dns.to_string(), "[2001:db8::3]:5353");
  EXPECT_EQ(n3.priority, 20);
  EXPECT_EQ(n3.tunnel.driver, DriverKind::None);

  EXPECT_EQ(c->node("lb2"), &c->nodes[1]);
  EXPECT_EQ(c->node("lb9"), nullptr);
}

TEST(SentinelConfig, DefaultsWhenOptionalSectionsAbsent) {
  ErrorList errors;
  auto c = parse_sentinel_config(head("", "", "") + ok_node(), kPath, errors);
  ASSERT_TRUE(c.has_value()) << errors.to_string();
  EXPECT_EQ(c->probe.interval, milliseconds(1000));
  EXPECT_EQ(c->probe.timeout, milliseconds(800));
  ASSERT_EQ(c->nodes.size(), 1u);
  ASSERT_EQ(c->nodes[0].checks.size(), 1u);
  EXPECT_EQ(c->nodes[0].checks[0].kind, CheckKind::Dns);
  EXPECT_EQ(c->nodes[0].checks[0].timing.fall, 3);
  EXPECT_EQ(c->nodes[0].tunnel.driver, DriverKind::None);
}

TEST(SentinelConfig, RelativeStateFileResolvesAgainstConfigFolder) {
  ErrorList errors;
  auto c = parse_sentinel_config(full(), "/etc/x/sentinel.toml", errors);
  ASSERT_TRUE(c.has_value()) << errors.to_string();
  EXPECT_EQ(c->state_file, "/etc/x/state.json");
  auto d = parse_sentinel_config(full(), "/srv/other/conf/s.toml", errors);
  ASSERT_TRUE(d.has_value()) << errors.to_string();
  EXPECT_EQ(d->state_file, "/srv/other/conf/state.json");
}

TEST(SentinelConfig, UnknownKey) {
  std::string text = head("statefile = \"x.json\"\n") + ok_node();
  std::string e = error_for(text, "sentinel.statefile");
  EXPECT_NE(e.find(at(text, "statefile =")), std::string::npos) << e;
  EXPECT_NE(e.find("sentinel.statefile"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST(SentinelConfig, UnknownKeyInCheck) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "checks = [ { type = \"tcp\", prot = 1 } ]\n");
  std::string e = error_for(text, "node[0].checks[0].prot");
  EXPECT_NE(e.find(at(text, "prot = 1")), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
}

TEST(SentinelConfig, UnknownSection) {
  std::string text = head() + ok_node() + "\n[clsuter]\nzone = \"x.\"\n";
  std::string e = error_for(text, "clsuter");
  EXPECT_NE(e.find(at(text, "[clsuter]")), std::string::npos) << e;
  EXPECT_NE(e.find("unknown section"), std::string::npos) << e;
}

TEST(SentinelConfig, BadCheckType) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "checks = [ { type = \"icmp\" } ]\n");
  std::string e = error_for(text, "node[0].checks[0].type");
  EXPECT_NE(e.find(at(text, "checks = [")), std::string::npos) << e;
  EXPECT_NE(e.find("\"icmp\""), std::string::npos) << e;
  EXPECT_NE(e.find("must be dns, tcp, http or tls"), std::string::npos) << e;
}

TEST(SentinelConfig, BadFailoverValue) {
  std::string text = head("", "failover2 = 1\n") + ok_node();
  // failover2 is unknown; and a bad value of the real key:
  std::string text2 = head() + ok_node();
  replace(text2, "failover = \"manual\"", "failover = \"maybe\"");
  std::string e = error_for(text2, "cluster.failover");
  EXPECT_NE(e.find(at(text2, "failover = \"maybe\"")), std::string::npos) << e;
  EXPECT_NE(e.find("must be \"auto\" or \"manual\""), std::string::npos) << e;
  std::string e2 = error_for(text, "cluster.failover2");
  EXPECT_NE(e2.find("unknown key"), std::string::npos) << e2;
}

TEST(SentinelConfig, BadDuration) {
  std::string text = head() + ok_node();
  replace(text, "cooldown = \"90s\"", "cooldown = \"90 seconds\"");
  std::string e = error_for(text, "cluster.cooldown");
  EXPECT_NE(e.find(at(text, "cooldown =")), std::string::npos) << e;
  EXPECT_NE(e.find("not a duration"), std::string::npos) << e;
}

TEST(SentinelConfig, ProbeTimeoutAboveInterval) {
  std::string text = head("", "", "interval = \"1s\"\ntimeout = \"2s\"\n") + ok_node();
  std::string e = error_for(text, "probe.timeout");
  EXPECT_NE(e.find(at(text, "timeout = \"2s\"")), std::string::npos) << e;
  EXPECT_NE(e.find("must not exceed interval"), std::string::npos) << e;
}

TEST(SentinelConfig, CheckTimeoutAboveInterval) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "checks = [ { type = \"tcp\", timeout = \"5s\" } ]\n");
  std::string e = error_for(text, "node[0].checks[0].timeout");
  EXPECT_NE(e.find(at(text, "checks = [")), std::string::npos) << e;
  EXPECT_NE(e.find("must not exceed interval"), std::string::npos) << e;
}

TEST(SentinelConfig, BadZone) {
  std::string text = head() + ok_node();
  replace(text, "zone = \"API.Example.com\"", "zone = \"api..example.com\"");
  std::string e = error_for(text, "cluster.zone");
  EXPECT_NE(e.find(at(text, "zone = ")), std::string::npos) << e;
  EXPECT_NE(e.find("\"api..example.com\""), std::string::npos) << e;
  // A reason follows the value.
  EXPECT_GT(e.size(), e.find("\"api..example.com\": ") + 22) << e;
}

TEST(SentinelConfig, RootZoneRefused) {
  std::string text = head() + ok_node();
  replace(text, "zone = \"API.Example.com\"", "zone = \".\"");
  std::string e = error_for(text, "cluster.zone");
  EXPECT_NE(e.find("root"), std::string::npos) << e;
}

TEST(SentinelConfig, DuplicateNodeName) {
  std::string text = head() + ok_node() + one_node(
      "name = \"LB1\"\nipv4 = [\"198.51.100.2\"]\ndns = \"198.51.100.2\"\n");
  std::string e = error_for(text, "node[1].name");
  // Reported at the second [[node]] table.
  size_t p = text.rfind("[[node]]");
  int line = 1;
  for (size_t i = 0; i < p; ++i) line += text[i] == '\n';
  EXPECT_NE(e.find(std::string(kPath) + ":" + std::to_string(line) + ": "), std::string::npos) << e;
  EXPECT_NE(e.find("duplicate node name"), std::string::npos) << e;
  EXPECT_NE(e.find("\"lb1\""), std::string::npos) << e;
}

TEST(SentinelConfig, NsNameAndTtl) {
  std::string text = head("", "ns_ttl = 20\n") + ok_node() + one_node(
      "name = \"lb2\"\nipv4 = [\"198.51.100.2\"]\ndns = \"198.51.100.2\"\nns = \"NS2.Example.com\"\n");
  ErrorList errors;
  auto c = parse_sentinel_config(text, kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->ns_ttl, 20u);
  EXPECT_EQ(c->nodes[0].ns, "");  // no ns: never touched in the NS set
  EXPECT_EQ(c->nodes[1].ns, "ns2.example.com.");
  ErrorList defaults;
  auto d = parse_sentinel_config(head() + ok_node(), kPath, defaults);
  ASSERT_TRUE(d) << defaults.to_string();
  EXPECT_EQ(d->ns_ttl, 60u);
}

TEST(SentinelConfig, TwoNodesWithOneNsName) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\nns = \"ns.example.com\"\n") +
      one_node("name = \"lb2\"\nipv4 = [\"198.51.100.2\"]\ndns = \"198.51.100.2\"\nns = \"NS.example.com.\"\n");
  std::string e = error_for(text, "node[1].ns");
  EXPECT_NE(e.find("another node has this NS name"), std::string::npos) << e;
}

TEST(SentinelConfig, NodeNameWithDot) {
  std::string text = head() + one_node(
      "name = \"lb1.eu\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n");
  std::string e = error_for(text, "node[0].name");
  EXPECT_NE(e.find(at(text, "name = \"lb1.eu\"")), std::string::npos) << e;
  EXPECT_NE(e.find("single label"), std::string::npos) << e;
}

TEST(SentinelConfig, BadIpv4) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.300\"]\ndns = \"198.51.100.1\"\n");
  std::string e = error_for(text, "node[0].ipv4");
  EXPECT_NE(e.find(at(text, "ipv4 = ")), std::string::npos) << e;
  EXPECT_NE(e.find("\"198.51.100.300\""), std::string::npos) << e;
  EXPECT_NE(e.find("not an IPv4 address"), std::string::npos) << e;
}

TEST(SentinelConfig, MissingDns) {
  std::string text = head() + one_node("name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\n");
  std::string e = error_for(text, "node[0].dns");
  EXPECT_NE(e.find(at(text, "[[node]]")), std::string::npos) << e;
  EXPECT_NE(e.find("is required"), std::string::npos) << e;
}

TEST(SentinelConfig, HttpCheckWithoutUrl) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "checks = [ { type = \"http\" } ]\n");
  std::string e = error_for(text, "node[0].checks[0].url");
  EXPECT_NE(e.find(at(text, "checks = [")), std::string::npos) << e;
  EXPECT_NE(e.find("is required for an http check"), std::string::npos) << e;
}

TEST(SentinelConfig, TunnelHttpWithoutSecret) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "tunnel = { driver = \"http\", url = \"https://198.51.100.1/x\" }\n");
  std::string e = error_for(text, "node[0].tunnel.hmac_secret_file");
  EXPECT_NE(e.find(at(text, "tunnel = ")), std::string::npos) << e;
  EXPECT_NE(e.find("is required for the http driver"), std::string::npos) << e;
}

TEST(SentinelConfig, TunnelHttpShortInlineSecret) {
  std::string text = head() + one_node(
      "name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
      "tunnel = { driver = \"http\", url = \"https://198.51.100.1/x\", hmac_secret = \"short\" }\n");
  std::string e = error_for(text, "node[0].tunnel.hmac_secret");
  EXPECT_NE(e.find("at least 16"), std::string::npos) << e;
  EXPECT_EQ(e.find("short"), std::string::npos) << "the secret must not be echoed: " << e;
}

TEST(SentinelConfig, UpdateKeyNamingMissingKey) {
  std::string text = head() + ok_node();
  replace(text, "update_key = \"sentinel\"", "update_key = \"other\"");
  std::string e = error_for(text, "cluster.update_key");
  EXPECT_NE(e.find(at(text, "update_key = ")), std::string::npos) << e;
  EXPECT_NE(e.find("\"other\""), std::string::npos) << e;
  EXPECT_NE(e.find("no [[key]] with this name"), std::string::npos) << e;
}

// Two extra keys for the per-node tests.
std::string node_keys() {
  return std::string("\n[[key]]\nname = \"lb1.sentinel\"\nalgorithm = \"hmac-sha256\"\nsecret = \"") +
         kSecret + "\"\n\n[[key]]\nname = \"lb2.sentinel\"\nalgorithm = \"hmac-sha512\"\nsecret = \"" +
         kSecret + "\"\n";
}

TEST(SentinelConfig, EachNodeSignedWithItsOwnKey) {
  std::string text = head() + node_keys() +
                     one_node("name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
                              "update_key = \"lb1.sentinel\"\n") +
                     one_node("name = \"lb2\"\nipv4 = [\"198.51.100.2\"]\ndns = \"198.51.100.2\"\n"
                              "update_key = \"lb2.sentinel\"\n");
  ErrorList errors;
  auto c = parse_sentinel_config(text, kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->nodes[0].update_key.name, "lb1.sentinel.");
  EXPECT_EQ(c->nodes[1].update_key.name, "lb2.sentinel.");
  EXPECT_EQ(c->nodes[1].update_key.algorithm, dnsd::common::TsigAlgorithm::HmacSha512);
  EXPECT_TRUE(c->warnings.empty());
}

TEST(SentinelConfig, ASharedUpdateKeyIsWarnedAbout) {
  std::string text = head() + one_node("name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n") +
                     one_node("name = \"lb2\"\nipv4 = [\"198.51.100.2\"]\ndns = \"198.51.100.2\"\n");
  ErrorList errors;
  auto c = parse_sentinel_config(text, kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("nodes lb1, lb2 share the update key sentinel."), std::string::npos)
      << c->warnings[0];
}

TEST(SentinelConfig, ANodeKeyMustExistAndSomeKeyIsRequired) {
  std::string text = head() + one_node("name = \"lb1\"\nipv4 = [\"198.51.100.1\"]\ndns = \"198.51.100.1\"\n"
                                       "update_key = \"nope\"\n");
  std::string e = error_for(text, "node[0].update_key");
  EXPECT_NE(e.find(at(text, "update_key = \"nope\"")), std::string::npos) << e;
  EXPECT_NE(e.find("no [[key]] with this name"), std::string::npos) << e;
  std::string none = head() + ok_node();
  replace(none, "update_key = \"sentinel\"\n", "");
  e = error_for(none, "node[0].update_key");
  EXPECT_NE(e.find("has no update key"), std::string::npos) << e;
}

TEST(SentinelConfig, HmacMd5Refused) {
  std::string text = head() + ok_node();
  replace(text, "algorithm = \"hmac-sha256\"", "algorithm = \"hmac-md5\"");
  std::string e = error_for(text, "key[0].algorithm");
  EXPECT_NE(e.find(at(text, "algorithm = ")), std::string::npos) << e;
  EXPECT_NE(e.find("hmac-md5 is refused"), std::string::npos) << e;
}

TEST(SentinelConfig, TomlSyntaxErrorReportsLine) {
  std::string text = head() + ok_node() + "broken = = 3\n";
  std::string all = fail(text);
  EXPECT_NE(all.find(at(text, "broken = =")), std::string::npos) << all;
  EXPECT_NE(all.find("column"), std::string::npos) << all;
}

TEST(SentinelConfig, MissingRequiredSectionsAndNodes) {
  std::string all = fail("[log]\nlevel = \"info\"\n");
  EXPECT_NE(all.find("section [sentinel] is required"), std::string::npos) << all;
  EXPECT_NE(all.find("section [cluster] is required"), std::string::npos) << all;
  EXPECT_NE(all.find("at least one [[node]] is required"), std::string::npos) << all;
}

TEST(SentinelConfig, EveryErrorReportedAtOnce) {
  std::string text = head("statefile = 1\n") + one_node(
      "name = \"a.b\"\nipv4 = [\"1.2.3\"]\n");
  ErrorList errors;
  EXPECT_FALSE(parse_sentinel_config(text, kPath, errors).has_value());
  EXPECT_GE(errors.size(), 4u) << errors.to_string();
}

TEST(SentinelConfig, LogFormat) {
  ErrorList errors;
  auto c = parse_sentinel_config(head() + ok_node() + "\n[log]\nformat = \"json\"\n", kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->log_format, "json");
  std::string text = head() + ok_node() + "\n[log]\nformat = \"syslog\"\n";
  std::string e = error_for(text, "log.format");
  EXPECT_NE(e.find(at(text, "format =")), std::string::npos) << e;
  EXPECT_NE(e.find("auto|text|journal|json"), std::string::npos) << e;
}

}  // namespace
}  // namespace sentinel::config

// conf/sentinel.toml is the operator's manual: it must load, and describe the demo cluster
// that conf/demo/lb1..lb3.toml and scripts/demo run.
TEST(ShippedConfig, SentinelTomlLoadsAndMatchesTheDemoCluster) {
  dnsd::common::ErrorList errors;
  auto c = sentinel::config::load_sentinel_config(std::string(DNSGTM_SOURCE_DIR) + "/conf/sentinel.toml",
                                                  errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->zone, "api.example.test.");
  ASSERT_EQ(c->nodes.size(), 3u);
  for (int n = 1; n <= 3; ++n) {
    const auto& node = c->nodes[static_cast<size_t>(n - 1)];
    EXPECT_EQ(node.name, "lb" + std::to_string(n));
    EXPECT_EQ(node.dns.to_string(), "127.0.0." + std::to_string(10 + n) + ":53");
    EXPECT_EQ(node.tunnel.driver, sentinel::config::DriverKind::Http);
    EXPECT_FALSE(node.tunnel.hmac_secret.empty());
    // Each node is signed for with its own key: one stolen key rewrites one node only.
    EXPECT_EQ(node.update_key.name, "lb" + std::to_string(n) + ".sentinel.");
    // The demo's delegation names (zones/example.test.zone): lbN's dnsd is nsN.
    EXPECT_EQ(node.ns, "ns" + std::to_string(n) + ".example.test.");
  }
  EXPECT_EQ(c->ns_ttl, 10u);
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}
