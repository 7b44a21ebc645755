// The key table: internally consistent, agrees with config.h's defaults, and is what
// conf/dnsd.toml documents; every shipped example config loads.
#include "dnsd/config/config_schema.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "dnsd/config/config_value.h"
#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

namespace fs = std::filesystem;

std::string source_dir() { return DNSGTM_SOURCE_DIR; }

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(KeyTable, EveryEntryIsComplete) {
  std::set<std::string> seen;
  for (const KeySpec& k : key_table()) {
    SCOPED_TRACE(k.dotted());
    EXPECT_TRUE(seen.insert(k.dotted()).second) << "described twice";
    EXPECT_NE(find_section(k.section), nullptr);
    EXPECT_EQ(find_key_spec(k.section, k.name), &k);
    EXPECT_FALSE(k.doc.empty());
    EXPECT_EQ(k.store == nullptr, k.kind == ValueKind::External);
    EXPECT_EQ(k.show == nullptr, k.kind == ValueKind::External);
    EXPECT_LE(k.min, k.max);
    if (k.required) {
      EXPECT_TRUE(k.default_text.empty());
    }
  }
  for (const SectionSpec& s : sections()) {
    bool any = false;
    for (const KeySpec& k : key_table()) any |= k.section == s.name;
    EXPECT_TRUE(any) << s.name << " has no keys";
  }
  EXPECT_EQ(find_key_spec("server", "nope"), nullptr);
  EXPECT_EQ(find_section("nope"), nullptr);
}

TEST(KeyTable, DescribesEveryKeyOfTheSpec) {
  std::set<std::string> want = {"server.listen",
                                "server.workers",
                                "server.identity",
                                "server.state_dir",
                                "server.user",
                                "server.udp_payload",
                                "server.tcp_idle_timeout",
                                "server.tcp_max_clients",
                                "server.stop_grace",
                                "server.stop_answer",  // ours
                                "server.stop_leave_wait",  // ours: issue 19
                                "server.journal_compact_after",  // ours
                                "server.cookie_secret_file",  // ours
                                "node.name",
                                "node.ipv4",
                                "node.ipv6",
                                "node.ns",  // ours: issue 19
                                "zone.name",
                                "zone.file",
                                "zone.self",
                                "zone.self_ttl",
                                "zone.update_keys",
                                "zone.transfer_keys",
                                "zone.notify",
                                "zone.notify_source",        // ours: BIND notify-source
                                "zone.epoch_max_step",       // ours
                                "zone.epoch_override_keys",  // ours
                                "zone.replicas",                 // ours: one zone on every node
                                "zone.update_primary",           // ours
                                "zone.replicated_update_keys",   // ours
                                "zone.replication_key",          // ours
                                "zone.replication_ack",          // ours
                                "zone.replication_timeout",      // ours
                                "key.name",
                                "key.algorithm",
                                "key.secret",
                                "key.secret_file",
                                "rrl.responses_per_second",
                                "rrl.slip",
                                "metrics.listen",
                                "control.socket",  // ours: dnsdctl
                                "log.level",
                                "log.format",  // ours: journal prefixes, JSON lines
                                "log.queries",
                                "log.queries_per_second"};  // ours
  std::set<std::string> have;
  for (const KeySpec& k : key_table()) have.insert(k.dotted());
  EXPECT_EQ(have, want);
}

// Each default is valid by the key's own rules, and is exactly what config.h initializes,
// so the table, the header and the reference config cannot drift apart.
TEST(KeyTable, DefaultsAreValidAndMatchConfigH) {
  Config config;
  ZoneConfig zone;
  const std::string file = "defaults", base = "/";
  for (const KeySpec& k : key_table()) {
    if (k.kind == ValueKind::External || k.required) continue;
    SCOPED_TRACE(k.dotted());
    toml::table doc = toml::parse("v = " + std::string(k.default_text));
    common::ErrorList errors;
    auto v = convert_value(k, *doc.get("v"), {file, base, k.dotted()}, errors);
    EXPECT_TRUE(v.has_value()) << errors.to_string();
    EXPECT_EQ(k.show({config, &zone}), k.default_text);
  }
}

TEST(KeyTable, TextListsEveryKeyWithItsReloadColumn) {
  std::istringstream in(key_table_text());
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    ASSERT_LT(i, key_table().size());
    const KeySpec& k = key_table()[i++];
    std::string reload = k.reload == Reload::Reloadable ? "reload" : "restart";
    EXPECT_EQ(line.rfind(k.dotted() + " " + reload + " ", 0), 0u) << line;
  }
  EXPECT_EQ(i, key_table().size());
  EXPECT_NE(key_table_text().find("server.stop_grace reload \"0s\"\n"), std::string::npos);
  EXPECT_NE(key_table_text().find("server.listen restart (required)\n"), std::string::npos);
}

TEST(KeyTable, RestartOnlyChanges) {
  Config a, b;
  a.server.listen.push_back(*common::parse_socket_address("127.0.0.1:53"));
  b.server.listen.push_back(*common::parse_socket_address("127.0.0.1:5353"));
  b.log.level = "debug";        // reloadable
  b.server.udp_payload = 4096;  // reloadable
  b.metrics.listen.reset();     // restart-only
  b.zones.push_back({});        // zones always reload
  EXPECT_EQ(restart_only_changes(a, b),
            (std::vector<std::string>{"server.listen", "metrics.listen"}));
  EXPECT_TRUE(restart_only_changes(a, a).empty());
}

// Lines of conf/dnsd.toml, with the [section] each belongs to.
struct ConfLine {
  std::string section, text;
};
std::vector<ConfLine> conf_lines(const std::string& text) {
  std::vector<ConfLine> out;
  std::istringstream in(text);
  std::string line, section;
  std::regex header(R"(^\[\[?([a-z]+)\]\]?\s*$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, header)) section = m[1];
    out.push_back({section, line});
  }
  return out;
}

TEST(ReferenceConfig, DocumentsEveryKeyWithItsDefaultAndReloadBehaviour) {
  auto lines = conf_lines(read(source_dir() + "/conf/dnsd.toml"));
  ASSERT_GT(lines.size(), 50u);
  for (const KeySpec& k : key_table()) {
    SCOPED_TRACE(k.dotted());
    std::regex key_line("^#? ?" + std::string(k.name) + " = .*");
    size_t i = 0;
    while (i < lines.size() &&
           !(lines[i].section == k.section && std::regex_match(lines[i].text, key_line)))
      ++i;
    ASSERT_LT(i, lines.size()) << "missing from conf/dnsd.toml";
    // The comment block right above the key explains it.
    std::string comment;
    for (size_t j = i; j > 0 && lines[j - 1].text.rfind("#", 0) == 0; --j)
      comment = lines[j - 1].text + "\n" + comment;
    EXPECT_FALSE(comment.empty()) << "no comment above the key";
    bool says_restart = comment.find("(restart)") != std::string::npos;
    EXPECT_EQ(says_restart, k.reload == Reload::RestartOnly) << comment;
    // ... and states the table's default, or that the key is required.
    if (k.required) {
      EXPECT_NE(comment.find("Required"), std::string::npos) << comment;
    } else if (!k.default_text.empty()) {
      EXPECT_NE(comment.find("(default: " + std::string(k.default_text) + ")"), std::string::npos)
          << comment;
    }
  }
}

TEST_F(ConfigTest, ReferenceConfigLoadsInItsDocumentedLayout) {
  // As installed: /etc/dnsd/dnsd.toml, /etc/dnsd/zones/..., /etc/dnsd/keys/{lb1,transfer}.key.
  dir_.write("zones/api.example.com.zone", "");
  dir_.write("keys/lb1.key", kTestSecret);
  dir_.write("keys/transfer.key", kTestSecret);
  dir_.write("keys/cookie.secret", "e5e973e5a6b2a43f48e7dc849e37bfcf\n");
  auto c = load(read(source_dir() + "/conf/dnsd.toml"));
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->zones.at(0).name, "api.example.com.");
  EXPECT_EQ(c->zones.at(0).file, dir_.file("zones/api.example.com.zone"));
  EXPECT_EQ(c->server.state_dir, "/var/lib/dnsd");
  EXPECT_NE(c->find_key("lb1.sentinel"), nullptr);
  EXPECT_NE(c->find_key("transfer"), nullptr);
  EXPECT_EQ(c->server.cookie_secret_file, dir_.file("keys/cookie.secret"));
  EXPECT_EQ(c->server.cookie_secrets.count, 1);
}

TEST(ExampleConfigs, EveryDnsdConfigUnderConfLoads) {
  size_t loaded = 0;
  for (const auto& e : fs::recursive_directory_iterator(source_dir() + "/conf")) {
    if (e.path().extension() != ".toml" || e.path().filename() == "dnsd.toml") continue;
    if (read(e.path().string()).find("\n[server]") == std::string::npos) continue;  // not dnsd's
    SCOPED_TRACE(e.path().string());
    common::ErrorList errors;
    EXPECT_TRUE(load_config(e.path().string(), errors)) << errors.to_string();
    ++loaded;
  }
  EXPECT_GE(loaded, 4u);  // parent + lb1..lb3
}

TEST(ExampleConfigs, DemoNodesMatchTheDemoCluster) {
  for (int n = 1; n <= 3; ++n) {
    std::string lb = "lb" + std::to_string(n), addr = "127.0.0.1" + std::to_string(n);
    SCOPED_TRACE(lb);
    common::ErrorList errors;
    auto c = load_config(source_dir() + "/conf/demo/" + lb + ".toml", errors);
    ASSERT_TRUE(c) << errors.to_string();
    ASSERT_EQ(c->server.listen.size(), 1u);
    EXPECT_EQ(c->server.listen[0].to_string(), addr + ":53");
    EXPECT_EQ(c->server.identity, lb);
    EXPECT_EQ(c->server.state_dir, "/tmp/dnsgtm-demo/state/" + lb);
    EXPECT_EQ(c->node.name, lb);
    ASSERT_EQ(c->node.ipv4.size(), 1u);
    EXPECT_EQ(c->node.ipv4[0].s_addr, common::parse_ipv4(addr)->s_addr);
    ASSERT_EQ(c->zones.size(), 1u);
    EXPECT_EQ(c->zones[0].name, "api.example.test.");
    EXPECT_EQ(c->zones[0].file, source_dir() + "/zones/api.example.test.zone");
    EXPECT_EQ(c->zones[0].self, (std::vector<std::string>{"@", "*"}));
    // Its own update key only (another node's key cannot update it); transfers apart, but
    // sentinel's key may transfer too (its read-back is one AXFR, docs/sentinel.md).
    EXPECT_EQ(c->zones[0].update_keys, (std::vector<std::string>{lb + ".sentinel."}));
    EXPECT_EQ(c->zones[0].transfer_keys, (std::vector<std::string>{"transfer.", lb + ".sentinel."}));
    EXPECT_FALSE(c->metrics.listen.has_value());
    ASSERT_NE(c->find_key(lb + ".sentinel"), nullptr);
    EXPECT_EQ(c->find_key(lb + ".sentinel")->secret.size(), 32u);
    EXPECT_EQ(c->keys.size(), 2u) << "no other node's key";
  }
  common::ErrorList errors;
  auto p = load_config(source_dir() + "/conf/demo/parent.toml", errors);
  ASSERT_TRUE(p) << errors.to_string();
  EXPECT_EQ(p->server.listen.at(0).to_string(), "127.0.0.10:53");
  EXPECT_EQ(p->zones.at(0).name, "example.test.");
  EXPECT_EQ(p->zones.at(0).file, source_dir() + "/zones/example.test.zone");
}

}  // namespace
}  // namespace dnsd::config
