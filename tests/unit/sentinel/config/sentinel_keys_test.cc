// sentinel's key table: internally consistent, its defaults valid and equal to what
// sentinel_config.h initializes, and exactly the keys conf/sentinel.toml shows.
#include "sentinel/config/sentinel_keys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sentinel::config {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SentinelKeyTable, EveryEntryIsComplete) {
  std::set<std::string> seen;
  for (const KeySpec& k : key_table()) {
    SCOPED_TRACE(k.dotted());
    EXPECT_TRUE(seen.insert(k.dotted()).second) << "described twice";
    EXPECT_NE(find_section(k.section), nullptr);
    EXPECT_EQ(find_key_spec(k.section, k.name), &k);
    EXPECT_FALSE(k.doc.empty());
    EXPECT_LE(k.min, k.max == 0 ? k.min : k.max);
    EXPECT_EQ(k.choices.empty(), k.kind != ValueKind::Choice && k.kind != ValueKind::Selector &&
                                     k.dotted() != "key.algorithm");
    if (k.kind == ValueKind::External) {
      EXPECT_EQ(k.store, nullptr);
    }
    if (k.required) {
      EXPECT_TRUE(k.default_text.empty());
      EXPECT_EQ(k.show, nullptr);
    }
    if (k.show) {
      EXPECT_FALSE(k.default_text.empty());
    }
  }
  for (const SectionSpec& s : sections()) {
    bool any = false;
    for (const KeySpec& k : key_table()) any |= k.section == s.name;
    EXPECT_TRUE(any) << s.name << " has no keys";
  }
  EXPECT_EQ(find_key_spec("cluster", "nope"), nullptr);
  EXPECT_EQ(find_section("nope"), nullptr);
}

// Each default is valid by the key's own rules and is exactly what sentinel_config.h
// initializes, so the table, the header and the docs cannot drift apart.
TEST(SentinelKeyTable, DefaultsAreValidAndMatchSentinelConfigH) {
  SentinelConfig config;
  NodeConfig node;
  CheckConfig check;
  const std::string file = "defaults", base = "/";
  size_t shown = 0;
  for (const KeySpec& k : key_table()) {
    if (k.kind == ValueKind::External || k.required || k.default_text.empty()) continue;
    SCOPED_TRACE(k.dotted());
    toml::table doc = toml::parse("v = " + std::string(k.default_text));
    dnsd::common::ErrorList errors;
    std::string key = k.dotted();
    auto v = convert_value(k, *doc.get("v"), {file, base, key}, errors);
    EXPECT_TRUE(v.has_value()) << errors.to_string();
    ASSERT_NE(k.show, nullptr) << "a default needs a shower to be checked";
    EXPECT_EQ(k.show({config, &node, &check}), k.default_text);
    ++shown;
  }
  EXPECT_GE(shown, 25u);
}

TEST(SentinelKeyTable, StoredValuesShowAsWritten) {
  // A non-default value goes where the shower looks: setter and shower agree.
  SentinelConfig config;
  NodeConfig node;
  CheckConfig check;
  const std::map<std::string, std::string> values{
      {"sentinel.id", "\"s7\""},         {"cluster.master_name", "\"m\""},
      {"cluster.srv", "[\"_a._tcp\"]"}, {"cluster.ttl", "7"},
      {"cluster.failover", "\"manual\""}, {"cluster.cooldown", "\"5s\""},
      {"probe.fall", "9"},              {"damping.reuse", "1.5"},
      {"log.format", "\"json\""},        {"node.port", "8443"},
      {"node.ipv6", "[\"2001:db8::1\"]"}, {"node.checks.expect", "204"},
      {"node.checks.tls_verify", "false"}};
  const std::string file = "x", base = "/";
  for (const auto& [dotted, text] : values) {
    SCOPED_TRACE(dotted);
    size_t dot = dotted.rfind('.');
    const KeySpec* k = find_key_spec(dotted.substr(0, dot), dotted.substr(dot + 1));
    ASSERT_NE(k, nullptr);
    toml::table doc = toml::parse("v = " + text);
    dnsd::common::ErrorList errors;
    auto v = convert_value(*k, *doc.get("v"), {file, base, dotted}, errors);
    ASSERT_TRUE(v.has_value()) << errors.to_string();
    k->store({&config, &node, &check}, std::move(*v));
    EXPECT_EQ(k->show({config, &node, &check}), text);
  }
}

TEST(SentinelKeyTable, ConvertRejectsWithTheKeysRules) {
  struct Case {
    std::string section, name, value, reason;
  };
  const std::string file = "f", base = "/etc/s";
  for (const Case& c : std::vector<Case>{
           {"cluster", "ttl", "86401", "out of range 0..86400"},
           {"cluster", "ttl", "\"30\"", "must be an integer"},
           {"cluster", "failover", "\"x\"", "must be \"auto\" or \"manual\""},
           {"log", "level", "\"loud\"", "must be trace|debug|info|warn|error"},
           {"node.checks", "type", "\"ping\"", "must be dns, tcp, http or tls"},
           {"probe", "interval", "\"10ms\"", "must be at least 50ms"},
           {"probe", "interval", "\"soon\"", "not a duration"},
           {"damping", "suppress", "0.5", "must be at least 1"},
           {"sentinel", "id", "\"a b\"", "1..64 characters, no spaces or quotes"},
           {"sentinel", "api_listen", "\"nowhere\"", "not an address:port"},
           {"cluster", "zone", "\"a..b\"", "cluster.zone = \"a..b\": "},
           {"cluster", "srv", "[\"@\"]", "must be a name below the zone"},
           {"node", "name", "\"a.b\"", "must be a single label like lb1"},
           {"node", "ipv4", "[\"::1\"]", "not an IPv4 address"},
           {"node", "ipv6", "[1]", "must be an array of strings"},
           {"node.checks", "url", "\"ftp://x\"", "must start with http:// or https://"},
           {"node.checks", "tls_verify", "1", "must be true or false"},
           {"node.tunnel", "hmac_secret", "\"short\"", "must be at least 16 characters"},
           {"node.tunnel", "command", "[]", "a non-empty array"},
       }) {
    SCOPED_TRACE(c.section + "." + c.name + " = " + c.value);
    const KeySpec* k = find_key_spec(c.section, c.name);
    ASSERT_NE(k, nullptr);
    toml::table doc = toml::parse("v = " + c.value);
    dnsd::common::ErrorList errors;
    std::string key = c.section + "." + c.name;
    EXPECT_FALSE(convert_value(*k, *doc.get("v"), {file, base, key}, errors).has_value());
    std::string e = errors.to_string();
    EXPECT_NE(e.find("f:1: " + key), std::string::npos) << e;
    EXPECT_NE(e.find(c.reason), std::string::npos) << e;
    if (c.name == "hmac_secret") {
      EXPECT_EQ(e.find("short"), std::string::npos) << "echoed: " << e;
    }
  }
}

TEST(SentinelKeyTable, PathsAreRelativeToTheConfigFolder) {
  const KeySpec* k = find_key_spec("sentinel", "state_file");
  toml::table doc = toml::parse("v = \"state/s.json\"");
  dnsd::common::ErrorList errors;
  const std::string file = "f", base = "/etc/sentinel", key = "sentinel.state_file";
  auto v = convert_value(*k, *doc.get("v"), {file, base, key}, errors);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(std::get<std::string>(*v), "/etc/sentinel/state/s.json");
}

TEST(SentinelKeyTable, TextListsEveryKeyWithItsReloadColumn) {
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
  EXPECT_NE(key_table_text().find("cluster.zone restart (required)\n"), std::string::npos);
  EXPECT_NE(key_table_text().find("probe.timeout reload \"800ms\"\n"), std::string::npos);
  EXPECT_NE(key_table_text().find("sentinel.api_listen restart (required)\n"), std::string::npos);
}

// Every key written in conf/sentinel.toml, dotted as the table names it: [section] keys,
// [[node]] and [[key]] keys, and the keys of the checks and tunnel inline tables.
std::set<std::string> conf_keys(const toml::table& root) {
  std::set<std::string> out;
  auto add_table = [&](const std::string& section, const toml::table& t) {
    for (const auto& [k, v] : t) out.insert(section + "." + std::string(k.str()));
  };
  for (const auto& [name, node] : root) {
    std::string section(name.str());
    if (const auto* t = node.as_table()) add_table(section, *t);
    if (const auto* a = node.as_array()) {
      for (const auto& e : *a) {
        const auto* t = e.as_table();
        if (!t) continue;
        add_table(section, *t);
        if (const auto* checks = t->get_as<toml::array>("checks"))
          for (const auto& c : *checks)
            if (const auto* ct = c.as_table()) add_table(section + ".checks", *ct);
        if (const auto* tunnel = t->get_as<toml::table>("tunnel"))
          add_table(section + ".tunnel", *tunnel);
      }
    }
  }
  return out;
}

TEST(ReferenceConfig, ShowsEveryKeyOfTheTableAndNoOther) {
  // Keys the demo config leaves out on purpose, each shown in a comment instead.
  const std::set<std::string> absent{
      "cluster.update_key",                // a shared key is unwise; commented out
      "node.checks.port",                  // tcp/tls only: a comment shows them
      "node.checks.tls_verify",            // https/tls only
      "node.checks.server_name",           // tls only: in the comment
      "node.checks.min_days_valid",        // tls only: in the comment
      "node.checks.interval",              // per-check timing: [probe] applies to all
      "node.checks.timeout",
      "node.checks.fall",
      "node.checks.rise",
      "node.tunnel.hmac_secret",           // the file is the way to give it
      "node.tunnel.command",               // exec driver: in a comment
      "key.secret",                        // secret_file is the way to give it
      "node.fence",                        // a STONITH hook: shown in a comment
      "node.fence_required",
      "coordination.etcd",                 // a quorum of sentinels: the section is a comment
      "coordination.prefix",
      "coordination.sentinels",
      "coordination.quorum",
      "coordination.lease",
      "parent.zone",                       // the parent's delegation: the section is a comment
      "parent.servers",
      "parent.update_key",
      "parent.ns_ttl",
      "parent.glue",
  };
  std::string text = read(std::string(DNSGTM_SOURCE_DIR) + "/conf/sentinel.toml");
  std::set<std::string> have = conf_keys(toml::parse(text));
  std::set<std::string> table;
  for (const KeySpec& k : key_table()) table.insert(k.dotted());
  for (const auto& k : have) EXPECT_TRUE(table.count(k)) << k << " is not in the key table";
  for (const auto& k : table)
    EXPECT_TRUE(have.count(k) || absent.count(k))
        << k << " is missing from conf/sentinel.toml (or list it as deliberately absent)";
  for (const auto& k : absent) {
    EXPECT_TRUE(table.count(k)) << k << ": listed as absent but not a key";
    EXPECT_FALSE(have.count(k)) << k << ": listed as absent but conf/sentinel.toml has it";
    // ... and a comment shows how it is written.
    std::string written = k.substr(k.rfind('.') + 1) + " = ";
    bool shown = false;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      size_t hash = line.find('#');
      shown |= hash != std::string::npos && line.find(written, hash) != std::string::npos;
    }
    EXPECT_TRUE(shown) << k << ": no comment of conf/sentinel.toml shows " << written;
  }
}

}  // namespace
}  // namespace sentinel::config
