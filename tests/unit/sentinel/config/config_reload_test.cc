// plan_reload: what a reload of sentinel.toml applies, keeps, refuses, and how each node
// and check of the new config continues a running one.
#include "sentinel/config/config_reload.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

namespace sentinel::config {
namespace {

CheckConfig check(CheckKind kind) {
  CheckConfig c;
  c.kind = kind;
  return c;
}

NodeConfig node(const std::string& name, const std::string& ip) {
  NodeConfig n;
  n.name = name;
  n.ipv4 = {ip};
  n.dns = *dnsd::common::parse_socket_address(ip + ":53");
  CheckConfig dns;
  CheckConfig http;
  http.kind = CheckKind::Http;
  http.url = "http://" + ip + ":8443/health";
  n.checks = {dns, http};
  return n;
}

SentinelConfig running() {
  SentinelConfig c;
  c.file = "/etc/sentinel/sentinel.toml";
  c.state_file = "/var/lib/sentinel/state.json";
  c.api_listen = *dnsd::common::parse_socket_address("127.0.0.1:9190");
  c.zone = "api.example.com.";
  c.nodes = {node("lb1", "127.0.0.11"), node("lb2", "127.0.0.12"), node("lb3", "127.0.0.13")};
  return c;
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + " | ";
  return out;
}

struct Case {
  const char* name;
  std::function<void(SentinelConfig&)> edit;
  std::vector<std::string> changes;  // each a part of some change line
  std::vector<std::string> restart;  // each a part of some restart warning
  std::vector<std::string> refused;  // each a part of some refusal
};

const std::map<std::string, std::string> kPinned = {{"lb1", "it is the master (epoch 4)"},
                                                    {"lb3", "it has not confirmed stepping down"}};

TEST(PlanReload, DecidesPerKey) {
  const Case cases[] = {
      {"nothing changed", [](SentinelConfig&) {}, {}, {}, {}},
      {"ttl reloads", [](SentinelConfig& c) { c.ttl = 60; }, {"[cluster] ttl: 30 -> 60"}, {}, {}},
      {"ns_ttl reloads", [](SentinelConfig& c) { c.ns_ttl = 5; }, {"[cluster] ns_ttl: 60 -> 5"},
       {}, {}},
      {"failover mode reloads", [](SentinelConfig& c) { c.failover_auto = false; },
       {"[cluster] failover: auto -> manual"}, {}, {}},
      {"cooldown reloads", [](SentinelConfig& c) { c.cooldown = Millis(5000); },
       {"[cluster] cooldown: 60000ms -> 5000ms"}, {}, {}},
      {"driver_timeout reloads", [](SentinelConfig& c) { c.driver_timeout = Millis(2000); },
       {"driver_timeout"}, {}, {}},
      {"damping reloads", [](SentinelConfig& c) { c.damping.half_life = Millis(1000); },
       {"[damping] half_life"}, {}, {}},
      {"log level reloads", [](SentinelConfig& c) { c.log_level = "debug"; },
       {"[log] level: \"info\" -> \"debug\""}, {}, {}},
      {"[parent] added reloads", [](SentinelConfig& c) { c.parent.enabled = true; },
       {"[parent] added"}, {}, {}},
      {"[parent] ns_ttl and glue reload",
       [](SentinelConfig& c) {
         c.parent.ns_ttl = 30;
         c.parent.glue = false;
       },
       {"[parent] ns_ttl: 0 -> 30", "[parent] glue: true -> false"}, {}, {}},
      {"[parent] servers reload",
       [](SentinelConfig& c) {
         c.parent.servers = {*dnsd::common::parse_socket_address("192.0.2.53:53")};
       },
       {"[parent] servers: [] -> [192.0.2.53:53]"}, {}, {}},
      {"id waits for a restart", [](SentinelConfig& c) { c.id = "s2"; }, {},
       {"[sentinel] id = \"s2\" only takes effect after a restart (running \"s1\")"}, {}},
      {"state_file waits for a restart", [](SentinelConfig& c) { c.state_file = "/tmp/s.json"; },
       {}, {"[sentinel] state_file"}, {}},
      {"api_listen waits for a restart",
       [](SentinelConfig& c) { c.api_listen = *dnsd::common::parse_socket_address("127.0.0.1:9999"); },
       {}, {"[sentinel] api_listen = 127.0.0.1:9999 only takes effect after a restart"}, {}},
      {"zone waits for a restart", [](SentinelConfig& c) { c.zone = "other.example.com."; }, {},
       {"[cluster] zone"}, {}},
      {"srv waits for a restart", [](SentinelConfig& c) { c.srv = {"_x._tcp"}; }, {},
       {"[cluster] srv = [_x._tcp]"}, {}},
      {"log format waits for a restart", [](SentinelConfig& c) { c.log_format = "json"; }, {},
       {"[log] format"}, {}},
      {"a node is added", [](SentinelConfig& c) { c.nodes.push_back(node("lb4", "127.0.0.14")); },
       {"node lb4 added"}, {}, {}},
      {"a replica is removed", [](SentinelConfig& c) { c.nodes.erase(c.nodes.begin() + 1); },
       {"node lb2 removed"}, {}, {}},
      {"the master is not removed", [](SentinelConfig& c) { c.nodes.erase(c.nodes.begin()); }, {},
       {}, {"node lb1 cannot be removed: it is the master"}},
      {"a node owed a step-down is not removed", [](SentinelConfig& c) { c.nodes.pop_back(); },
       {}, {}, {"node lb3 cannot be removed: it has not confirmed stepping down"}},
      {"priority reloads", [](SentinelConfig& c) { c.nodes[1].priority = 5; },
       {"node lb2 changed: [priority]"}, {}, {}},
      {"ns reloads", [](SentinelConfig& c) { c.nodes[1].ns = "ns2.example.com."; },
       {"node lb2 changed: [ns]"}, {}, {}},
      {"tunnel reloads", [](SentinelConfig& c) { c.nodes[1].tunnel.driver = DriverKind::Exec; },
       {"node lb2 changed: [tunnel]"}, {}, {}},
      {"update key reloads", [](SentinelConfig& c) { c.nodes[1].update_key.secret = {1, 2}; },
       {"node lb2 changed: [update_key]"}, {}, {}},
      {"a new check", [](SentinelConfig& c) { c.nodes[1].checks.push_back(check(CheckKind::Tcp)); },
       {"node lb2 changed: [checks (1 new, 0 dropped)]"}, {}, {}},
      {"a check timing", [](SentinelConfig& c) { c.nodes[1].checks[0].timing.fall = 5; },
       {"node lb2 changed: [timing of 1 check(s)]"}, {}, {}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto loaded = running();
    tc.edit(loaded);
    auto p = plan_reload(running(), loaded, kPinned);
    for (const auto& want : tc.changes) EXPECT_TRUE(has(p.changes, want)) << joined(p.changes);
    for (const auto& want : tc.restart) EXPECT_TRUE(has(p.restart, want)) << joined(p.restart);
    for (const auto& want : tc.refused) EXPECT_TRUE(has(p.refused, want)) << joined(p.refused);
    EXPECT_EQ(p.changes.size(), tc.changes.size()) << joined(p.changes);
    EXPECT_EQ(p.restart.size(), tc.restart.size()) << joined(p.restart);
    EXPECT_EQ(p.refused.size(), tc.refused.size()) << joined(p.refused);
  }
}

TEST(PlanReload, RestartKeysKeepTheirRunningValue) {
  auto loaded = running();
  loaded.id = "s2";
  loaded.zone = "other.example.com.";
  loaded.api_listen = *dnsd::common::parse_socket_address("127.0.0.1:9999");
  loaded.ttl = 90;
  auto p = plan_reload(running(), loaded, {});
  EXPECT_EQ(p.next.id, "s1");
  EXPECT_EQ(p.next.zone, "api.example.com.");
  EXPECT_EQ(p.next.api_listen.to_string(), "127.0.0.1:9190");
  EXPECT_EQ(p.next.ttl, 90u);  // reloadable: the new value
}

TEST(PlanReload, NodesContinueByNameAndChecksByWhatTheyProbe) {
  auto loaded = running();
  // lb3 first, lb1 dropped (not pinned here), lb4 added, lb2's checks reordered, one retimed,
  // and one whose target changed.
  auto lb2 = loaded.nodes[1];
  std::swap(lb2.checks[0], lb2.checks[1]);        // [http, dns]
  lb2.checks[0].timing.interval = Millis(200);    // http: same probe, new timing
  lb2.checks.push_back(check(CheckKind::Tcp));         // new
  auto lb3 = loaded.nodes[2];
  lb3.checks[1].url = "http://127.0.0.13:8443/ready";  // http: a different probe
  loaded.nodes = {lb3, lb2, node("lb4", "127.0.0.14")};
  auto p = plan_reload(running(), loaded, {});
  ASSERT_TRUE(p.refused.empty());
  EXPECT_EQ(p.removed, std::vector<std::string>{"lb1"});
  ASSERT_EQ(p.nodes.size(), 3u);
  // lb3: its dns check continues, its http check starts afresh.
  EXPECT_EQ(p.nodes[0].from, std::optional<size_t>(2));
  EXPECT_EQ(p.nodes[0].checks[0].from, std::optional<size_t>(0));
  EXPECT_FALSE(p.nodes[0].checks[1].from);
  // lb2: http continues running check 1 with a new timing, dns continues 0, tcp is new.
  EXPECT_EQ(p.nodes[1].from, std::optional<size_t>(1));
  EXPECT_EQ(p.nodes[1].checks[0].from, std::optional<size_t>(1));
  EXPECT_TRUE(p.nodes[1].checks[0].timing_changed);
  EXPECT_EQ(p.nodes[1].checks[1].from, std::optional<size_t>(0));
  EXPECT_FALSE(p.nodes[1].checks[1].timing_changed);
  EXPECT_FALSE(p.nodes[1].checks[2].from);
  // lb4: new, every check afresh.
  EXPECT_FALSE(p.nodes[2].from);
  for (const auto& ck : p.nodes[2].checks) EXPECT_FALSE(ck.from);
}

TEST(SameProbe, ADnsCheckFollowsTheNodesDnsd) {
  auto a = node("lb1", "127.0.0.11");
  auto b = a;
  EXPECT_TRUE(same_probe(a, a.checks[0], b, b.checks[0]));
  b.dns = *dnsd::common::parse_socket_address("127.0.0.99:53");
  EXPECT_FALSE(same_probe(a, a.checks[0], b, b.checks[0]));
  EXPECT_TRUE(same_probe(a, a.checks[1], b, b.checks[1]));  // http: not the node's dnsd
  b.checks[1].expect = 204;
  EXPECT_FALSE(same_probe(a, a.checks[1], b, b.checks[1]));
}

TEST(SameProbe, ATcpCheckFollowsTheAddressAndPort) {
  auto a = node("lb1", "127.0.0.11");
  a.checks = {check(CheckKind::Tcp)};
  auto b = a;
  b.port = 8443;  // the check uses the node's port
  EXPECT_FALSE(same_probe(a, a.checks[0], b, b.checks[0]));
  b = a;
  b.ipv4 = {"127.0.0.50"};
  EXPECT_FALSE(same_probe(a, a.checks[0], b, b.checks[0]));
  b = a;
  b.checks[0].timing.timeout = Millis(10);  // timing is not what is probed
  EXPECT_TRUE(same_probe(a, a.checks[0], b, b.checks[0]));
}

}  // namespace
}  // namespace sentinel::config
