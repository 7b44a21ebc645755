// apply_reload() against the key table: a reload takes every reloadable key from the new
// file and keeps every restart-only one, and the table is the judge of which is which.
#include "dnsd/config/config_reload.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "dnsd/config/config_schema.h"

namespace dnsd::config {
namespace {

common::SocketAddress addr(const char* text) { return *common::parse_socket_address(text); }

in_addr v4(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return a;
}

in6_addr v6(const char* text) {
  in6_addr a{};
  inet_pton(AF_INET6, text, &a);
  return a;
}

// A config whose every [server] [node] [rrl] [metrics] [control] [log] value differs from the
// defaults (the test below fails for a key this misses, so a new key must be added here).
Config changed() {
  Config c;
  c.server.listen = {addr("127.0.0.1:5353")};
  c.server.workers = 7;
  c.server.identity = "other";
  c.server.state_dir = "/elsewhere";
  c.server.user = "nobody";
  c.server.udp_payload = 4096;
  c.server.tcp_idle_timeout = common::Millis{1234};
  c.server.tcp_max_clients = 9;
  c.server.stop_grace = common::Millis{2000};
  c.server.stop_answer = answer::StopAnswer::Lame;
  c.server.stop_leave_wait = common::Millis{9000};
  c.server.journal_compact_after = 3;
  c.server.cookie_secret_file = "/etc/dnsd/cookie.secret";
  c.node.name = "lb9";
  c.node.ipv4 = {v4("192.0.2.9")};
  c.node.ipv6 = {v6("2001:db8::9")};
  c.node.ns = {"ns9.example.com."};
  c.rrl.responses_per_second = 50;
  c.rrl.slip = 3;
  c.metrics.listen.reset();
  c.control.socket = "/run/dnsd/dnsd.ctl";
  c.log.level = "debug";
  c.log.format = "json";
  c.log.queries = true;
  c.log.queries_per_second = 7;
  return c;
}

TEST(ApplyReload, TakesTheReloadableKeysAndKeepsTheRestartOnlyOnes) {
  Config running;
  running.server.listen = {addr("127.0.0.1:53")};
  const Config next = changed();
  const Config applied = apply_reload(running, next);
  for (const KeySpec& k : key_table()) {
    if (!k.show || k.section == "zone") continue;  // [[zone]] and [[key]]: below
    SCOPED_TRACE(k.dotted());
    std::string was = k.show({running, nullptr}), now = k.show({applied, nullptr});
    ASSERT_NE(was, k.show({next, nullptr})) << "changed() leaves this key at its default";
    if (k.reload == Reload::Reloadable) {
      EXPECT_EQ(now, k.show({next, nullptr})) << "marked reloadable, but a reload keeps it";
    } else {
      EXPECT_EQ(now, was) << "restart-only, but a reload applies it";
    }
  }
}

TEST(ApplyReload, ZonesAndKeysComeFromTheNewFile) {
  for (const KeySpec& k : key_table()) {
    if (k.section == "zone" || k.section == "key") {
      EXPECT_EQ(k.reload, Reload::Reloadable) << k.dotted();
    }
  }
  Config running, next;
  next.zones.push_back({});
  next.zones[0].name = "example.com.";
  next.keys.push_back({});
  next.keys[0].name = "sentinel.";
  Config applied = apply_reload(running, next);
  ASSERT_EQ(applied.zones.size(), 1u);
  EXPECT_EQ(applied.zones[0].name, "example.com.");
  ASSERT_EQ(applied.keys.size(), 1u);
  EXPECT_EQ(applied.keys[0].name, "sentinel.");
}

}  // namespace
}  // namespace dnsd::config
