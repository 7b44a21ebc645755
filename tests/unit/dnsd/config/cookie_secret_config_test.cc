// server.cookie_secret_file: the file is read at the config boundary, every problem named
// by the secret file's line (the secret itself never shown) or by the config key.
#include <gtest/gtest.h>

#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

constexpr const char* kA = "e5e973e5a6b2a43f48e7dc849e37bfcf";  // RFC 9018 appendix A
constexpr const char* kB = "445536bcd2513298075a5d379663c962";  // RFC 9018 A.4, rolled to

std::string with_secret_file(const std::string& value) {
  std::string c = kMinimal;
  return c.replace(c.find("[node]"), 0, "cookie_secret_file = " + value + "\n\n");
}

TEST_F(ConfigTest, CookieSecretFileAbsentMeansNoSecretFromTheConfig) {
  auto c = load(kMinimal);
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->server.cookie_secret_file, "");
  EXPECT_EQ(c->server.cookie_secrets.count, 0);  // dnsd fills in a random one at start
}

TEST_F(ConfigTest, CookieSecretFileGoodContents) {
  struct Case {
    const char* why;
    std::string text;
    uint8_t count;
  };
  const Case cases[] = {
      {"one secret", std::string(kA) + "\n", 1},
      {"no final newline, upper case hex", "E5E973E5A6B2A43F48E7DC849E37BFCF", 1},
      {"current then previous (RFC 9018 5: a roll)", std::string(kB) + "\n" + kA + "\n", 2},
      {"comments, blank lines and spaces are skipped",
       "# rolled 2026-12-01\n\n  " + std::string(kB) + "  \n# old\n" + kA + "\n", 2},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.why);
    dir_.write("cookie.secret", k.text);
    auto c = load(with_secret_file("\"cookie.secret\""));
    ASSERT_TRUE(c) << errors_.to_string();
    EXPECT_EQ(c->server.cookie_secret_file, dir_.file("cookie.secret"));
    ASSERT_EQ(c->server.cookie_secrets.count, k.count);
    EXPECT_EQ(c->server.cookie_secrets.keys[0].bytes[0], k.count == 2 ? 0x44 : 0xe5);
    EXPECT_EQ(c->server.cookie_secrets.keys[0].bytes[15], k.count == 2 ? 0x62 : 0xcf);
    if (k.count == 2) {
      EXPECT_EQ(c->server.cookie_secrets.keys[1].bytes[0], 0xe5);
    }
  }
}

TEST_F(ConfigTest, CookieSecretFileErrorsNameTheFileLineAndReason) {
  struct Case {
    const char* why;
    std::string text;
    int line;  // in the secret file
    std::string reason;
  };
  const std::string how = ", generate one with `openssl rand -hex 16`";
  const Case cases[] = {
      {"too short", "e5e973e5a6b2a43f48e7dc849e37bf\n", 1,
       "has 30 hex digits; a secret is exactly 32 (128 bits)" + how},
      {"too long (a 256-bit key)", std::string(kA) + kA + "\n", 1,
       "has 64 hex digits; a secret is exactly 32 (128 bits)" + how},
      {"not hex, on the second line", std::string(kA) + "\ne5e973e5a6b2a43g48e7dc849e37bfcf\n", 2,
       "character 16 is not a hex digit; a secret is 32 hex digits (128 bits)" + how},
      {"base64 is not accepted", "5elz5aaypD9I59yEnje/zw==\n", 1,
       "character 3 is not a hex digit; a secret is 32 hex digits (128 bits)" + how},
      {"a third secret", std::string(kA) + "\n" + kB + "\n# x\n00112233445566778899aabbccddeeff\n", 4,
       "a third secret: the file holds the current secret and at most one previous one "
       "(RFC 9018 5)"},
      {"the same secret twice", std::string(kA) + "\n" + kA + "\n", 2,
       "the same secret as the line above"},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.why);
    std::string secret = dir_.write("cookie.secret", k.text);
    std::string e = only_error(with_secret_file("\"cookie.secret\""));
    EXPECT_EQ(e, secret + ":" + std::to_string(k.line) + ": cookie secret: " + k.reason);
    EXPECT_EQ(e.find(kA), std::string::npos) << "a secret must never be echoed";
  }
}

TEST_F(ConfigTest, CookieSecretFileProblemsOfTheFileItselfNameTheConfigKey) {
  std::string text = with_secret_file("\"cookie.secret\"");
  expect_only_error(text, "cookie_secret_file",
                    ": server.cookie_secret_file = \"cookie.secret\": file does not exist "
                    "(looked for " + dir_.file("cookie.secret") + ")");
  std::string secret = dir_.write("cookie.secret", "# nothing yet\n\n");
  expect_only_error(text, "cookie_secret_file",
                    ": server.cookie_secret_file = \"cookie.secret\": " + secret +
                        " holds no secret; generate one with `openssl rand -hex 16`");
  expect_only_error(with_secret_file("42"), "cookie_secret_file",
                    ": server.cookie_secret_file = 42: must be a string");
}

}  // namespace
}  // namespace dnsd::config
