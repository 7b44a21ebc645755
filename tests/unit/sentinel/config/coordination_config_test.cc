// [coordination] of sentinel.toml: what a quorum of sentinels needs, and every refusal with
// file:line, key and reason.
#include <gtest/gtest.h>

#include <string>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::config {
namespace {

using dnsd::common::ErrorList;

constexpr const char* kPath = "/etc/x/sentinel.toml";

// [probe] interval 500ms x fall 2 = 1s: the shortest lease this config allows.
std::string config(const std::string& coordination, const std::string& id = "s2") {
  return "[sentinel]\n"
         "id = \"" + id + "\"\n"
         "state_file = \"state.json\"\n"
         "api_listen = \"127.0.0.1:8900\"\n"
         "api_token_file = \"token\"\n"
         "\n[cluster]\nzone = \"api.example.com\"\nupdate_key = \"k\"\n"
         "\n[probe]\ninterval = \"500ms\"\ntimeout = \"400ms\"\nfall = 2\n"
         "\n[[key]]\nname = \"k\"\nsecret = \"MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=\"\n"
         "\n[[node]]\nname = \"lb1\"\nipv4 = [\"192.0.2.1\"]\ndns = \"192.0.2.1\"\n"
         "fence = [\"/usr/local/bin/fence\", \"--hard\"]\nfence_required = true\n" +
         coordination;
}

int line_of(const std::string& text, const std::string& needle) {
  size_t p = text.find(needle);
  EXPECT_NE(p, std::string::npos) << needle;
  int line = 1;
  for (size_t i = 0; i < p && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

TEST(CoordinationConfig, AbsentSectionIsTheSingleSentinel) {
  ErrorList errors;
  auto c = parse_sentinel_config(config(""), kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_FALSE(c->coordination.enabled);
  EXPECT_EQ(c->nodes[0].fence, (std::vector<std::string>{"/usr/local/bin/fence", "--hard"}));
  EXPECT_TRUE(c->nodes[0].fence_required);
}

TEST(CoordinationConfig, DefaultsQuorumIsAMajorityPrefixNamesTheZone) {
  ErrorList errors;
  auto c = parse_sentinel_config(
      config("\n[coordination]\netcd = [\"http://127.0.0.1:2379\", \"http://127.0.0.2:2379\"]\n"
             "sentinels = [\"s1\", \"s2\", \"s3\"]\n"),
      kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_TRUE(c->coordination.enabled);
  EXPECT_EQ(c->coordination.etcd.size(), 2u);
  EXPECT_EQ(c->coordination.prefix, "/dnsgtm/api.example.com/");
  EXPECT_EQ(c->coordination.effective_quorum(), 2);
  EXPECT_EQ(c->coordination.lease, std::chrono::milliseconds(5000));
}

TEST(CoordinationConfig, ExplicitValues) {
  ErrorList errors;
  auto c = parse_sentinel_config(
      config("\n[coordination]\netcd = [\"https://10.0.0.1:2379\"]\nprefix = \"/x/\"\n"
             "sentinels = [\"s1\", \"s2\", \"s3\", \"s4\", \"s5\"]\nquorum = 4\nlease = \"2s\"\n"),
      kPath, errors);
  ASSERT_TRUE(c) << errors.to_string();
  EXPECT_EQ(c->coordination.prefix, "/x/");
  EXPECT_EQ(c->coordination.effective_quorum(), 4);
  EXPECT_EQ(c->coordination.lease, std::chrono::milliseconds(2000));
  EXPECT_EQ(c->coordination.sentinels.size(), 5u);
}

TEST(CoordinationConfig, RefusalsNameFileLineKeyAndReason) {
  struct Case {
    std::string body, needle, key, reason;
    std::string id = "s2";
  };
  const std::string ok_etcd = "etcd = [\"http://127.0.0.1:2379\"]\n";
  const std::string three = "sentinels = [\"s1\", \"s2\", \"s3\"]\n";
  for (const Case& k : std::vector<Case>{
           {three, "[coordination]", "coordination.etcd", "is required"},
           {"etcd = []\n" + three, "etcd = []", "coordination.etcd", "needs at least one URL"},
           {"etcd = [\"127.0.0.1:2379\"]\n" + three, "etcd =", "coordination.etcd",
            "must start with http:// or https://"},
           {ok_etcd + three + "quorum = 4\n", "quorum = 4", "coordination.quorum",
            "larger than the 3 sentinels"},
           {ok_etcd + three + "quorum = 0\n", "quorum = 0", "coordination.quorum",
            "out of range 1..16"},
           {ok_etcd + three, "sentinels =", "coordination.sentinels",
            "[sentinel] id \"s9\" is not listed", "s9"},
           {ok_etcd + "sentinels = [\"s1\", \"s1\"]\n", "sentinels =", "coordination.sentinels",
            "listed twice"},
           {ok_etcd + three + "lease = \"500ms\"\n", "lease =", "coordination.lease",
            "must be at least 1s"},
           {ok_etcd + three + "lease = \"1500ms\"\n", "lease =", "coordination.lease",
            "whole seconds"},
       }) {
    SCOPED_TRACE(k.body);
    std::string text = config("\n[coordination]\n" + k.body, k.id);
    ErrorList errors;
    auto c = parse_sentinel_config(text, kPath, errors);
    EXPECT_FALSE(c);
    bool found = false;
    for (const auto& e : errors.errors()) {
      if (e.key != k.key) continue;
      found = true;
      std::string line = e.to_string();
      EXPECT_NE(line.find(std::string(kPath) + ":" + std::to_string(line_of(text, k.needle))),
                std::string::npos) << line;
      EXPECT_NE(line.find(k.reason), std::string::npos) << line;
    }
    EXPECT_TRUE(found) << errors.to_string();
  }
}

TEST(CoordinationConfig, LeaseShorterThanIntervalTimesFallIsRefused) {
  // interval 500ms x fall 2 = 1s passes; a check of 1s x 3 needs a lease of 3s.
  std::string text = config("\n[coordination]\netcd = [\"http://127.0.0.1:2379\"]\n"
                            "sentinels = [\"s1\", \"s2\", \"s3\"]\nlease = \"2s\"\n");
  size_t p = text.find("fence_required");
  text.insert(p, "checks = [{ type = \"dns\", interval = \"1s\", timeout = \"500ms\", fall = 3 }]\n");
  ErrorList errors;
  EXPECT_FALSE(parse_sentinel_config(text, kPath, errors));
  EXPECT_NE(errors.to_string().find("coordination.lease"), std::string::npos) << errors.to_string();
  EXPECT_NE(errors.to_string().find("shorter than probe interval x fall (3s)"), std::string::npos)
      << errors.to_string();
}

}  // namespace
}  // namespace sentinel::config
