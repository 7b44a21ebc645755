// [parent] of sentinel.toml: the parent zone's delegation. Absent = off; the defaults; and
// every refusal with file:line, key, value and reason.
#include <gtest/gtest.h>

#include <string>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::config {
namespace {

using dnsd::common::ErrorList;

constexpr const char* kPath = "/etc/x/sentinel.toml";

// Two nodes with ns names (`ns2` for the second, so a case can take it away), keys k and p.
std::string config(const std::string& parent, const std::string& ns2 = "ns = \"lb2.api.example.com\"\n") {
  return "[sentinel]\nstate_file = \"state.json\"\napi_listen = \"127.0.0.1:8900\"\n"
         "api_token_file = \"token\"\n"
         "\n[cluster]\nzone = \"api.example.com\"\nupdate_key = \"k\"\nns_ttl = 9\n"
         "\n[[key]]\nname = \"k\"\nsecret = \"MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=\"\n"
         "\n[[key]]\nname = \"p\"\nsecret = \"c2VudGluZWwtcGFyZW50LWtleS0wMTIzNDU2Nzg5YWI=\"\n"
         "\n[[node]]\nname = \"lb1\"\nipv4 = [\"192.0.2.1\"]\ndns = \"192.0.2.1\"\n"
         "ns = \"lb1.api.example.com\"\n"
         "\n[[node]]\nname = \"lb2\"\nipv4 = [\"192.0.2.2\"]\ndns = \"192.0.2.2\"\n" + ns2 +
         parent;
}

int line_of(const std::string& text, const std::string& needle) {
  size_t p = text.find(needle);
  EXPECT_NE(p, std::string::npos) << needle;
  int line = 1;
  for (size_t i = 0; i < p && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

TEST(ParentConfig, AbsentSectionLeavesTheDelegationAlone) {
  ErrorList errors;
  auto c = parse_sentinel_config(config(""), kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_FALSE(c->parent.enabled);
}

TEST(ParentConfig, DefaultsAndValues) {
  ErrorList errors;
  auto c = parse_sentinel_config(
      config("\n[parent]\nzone = \"Example.COM\"\nservers = [\"192.0.2.53\", \"[2001:db8::53]:5353\"]\n"
             "update_key = \"p\"\n"),
      kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_TRUE(c->parent.enabled);
  EXPECT_EQ(c->parent.zone, "example.com.");
  ASSERT_EQ(c->parent.servers.size(), 2u);
  EXPECT_EQ(c->parent.servers[0].to_string(), "192.0.2.53:53");
  EXPECT_EQ(c->parent.servers[1].to_string(), "[2001:db8::53]:5353");
  EXPECT_EQ(c->parent.update_key.name, "p.");
  EXPECT_EQ(c->parent.ns_ttl, 9u);  // [cluster] ns_ttl
  EXPECT_TRUE(c->parent.glue);
  auto d = parse_sentinel_config(
      config("\n[parent]\nzone = \"com\"\nservers = [\"192.0.2.53\"]\nupdate_key = \"p\"\n"
             "ns_ttl = 120\nglue = false\n"),
      kPath, errors);
  ASSERT_TRUE(d) << errors.to_string();
  EXPECT_EQ(d->parent.ns_ttl, 120u);
  EXPECT_FALSE(d->parent.glue);
}

TEST(ParentConfig, RefusalsNameFileLineKeyAndReason) {
  struct Case {
    std::string body, needle, key, reason;
    std::string ns2 = "ns = \"lb2.api.example.com\"\n";
  };
  const std::string z = "zone = \"example.com\"\n", s = "servers = [\"192.0.2.53\"]\n",
                    k = "update_key = \"p\"\n";
  for (const Case& t : std::vector<Case>{
           {s + k, "[parent]", "parent.zone", "is required"},
           {z + k, "[parent]", "parent.servers", "is required"},
           {z + s, "[parent]", "parent.update_key", "is required"},
           {"zone = \"api.example.com\"\n" + s + k, "zone = \"api.example.com\"\nservers", "parent.zone",
            "must be a parent of [cluster] zone"},
           {"zone = \"other.com\"\n" + s + k, "zone = \"other.com\"", "parent.zone",
            "must be a parent of [cluster] zone"},
           {"zone = \"le.com\"\n" + s + k, "zone = \"le.com\"", "parent.zone",
            "must be a parent of [cluster] zone"},  // a suffix, not a parent: api.examp|le.com
           {z + "servers = []\n" + k, "servers =", "parent.servers", "needs 1..8 addresses"},
           {z + "servers = [\"ns.example.com\"]\n" + k, "servers =", "parent.servers",
            "not an address or address:port"},
           {z + "servers = [\"192.0.2.53\", \"192.0.2.53:53\"]\n" + k, "servers =",
            "parent.servers", "listed twice"},
           {z + s + "update_key = \"nope\"\n", "update_key = \"nope\"", "parent.update_key",
            "no [[key]] with this name"},
           {z + s + k + "ns_ttl = 0\n", "ns_ttl = 0", "parent.ns_ttl", "out of range 1..86400"},
           {z + s + k + "glue = \"yes\"\n", "glue =", "parent.glue", "must be true or false"},
           {z + s + k + "primary = \"x\"\n", "primary =", "parent.primary", "unknown key"},
           {z + s + k, "[parent]", "parent", "give at least two nodes one", ""},
       }) {
    SCOPED_TRACE(t.body);
    std::string text = config("\n[parent]\n" + t.body, t.ns2);
    ErrorList errors;
    EXPECT_FALSE(parse_sentinel_config(text, kPath, errors));
    bool found = false;
    for (const auto& e : errors.errors()) {
      if (e.key != t.key) continue;
      found = true;
      std::string line = e.to_string();
      EXPECT_NE(line.find(std::string(kPath) + ":" + std::to_string(line_of(text, t.needle))),
                std::string::npos) << line;
      EXPECT_NE(line.find(t.reason), std::string::npos) << line;
    }
    EXPECT_TRUE(found) << errors.to_string();
  }
}

}  // namespace
}  // namespace sentinel::config
