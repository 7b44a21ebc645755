// parse_key_table: [[key]] tables with inline secrets and both key file formats.
#include "dnsd/common/tsig_key_config.h"

#include <gtest/gtest.h>

#include "tests/unit/dnsd/common/temp_dir.h"

namespace dnsd::common {
namespace {

// 32 bytes, as `tsig-keygen -a hmac-sha256` makes.
constexpr const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";

class KeyTableTest : public ::testing::Test {
 protected:
  // Parses `toml` (which holds [[key]] tables) and returns key[index].
  std::optional<TsigKey> parse(const std::string& toml, size_t index = 0) {
    doc_ = toml::parse(std::string_view{toml}, std::string_view{"dnsd.toml"});
    const toml::table& t = *(*doc_["key"].as_array())[index].as_table();
    return parse_key_table(t, "dnsd.toml", dir_.path(), index, errors_);
  }
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& e : errors_.errors()) out.push_back(e.to_string());
    return out;
  }

  testutil::TempDir dir_;
  toml::table doc_;
  ErrorList errors_;
};

TEST_F(KeyTableTest, InlineSecret) {
  auto k = parse(std::string("[[key]]\nname = \"Sentinel\"\nalgorithm = \"hmac-sha512\"\n"
                             "secret = \"") +
                 kSecret + "\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(k->name, "sentinel.");  // lowercase, absolute
  EXPECT_EQ(k->algorithm, TsigAlgorithm::HmacSha512);
  EXPECT_EQ(k->secret.size(), 32u);
  EXPECT_EQ(base64_encode(k->secret.data(), k->secret.size()), kSecret);
}

TEST_F(KeyTableTest, AlgorithmDefaultsToHmacSha256) {
  auto k = parse(std::string("[[key]]\nname = \"a.b.\"\nsecret = \"") + kSecret + "\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(k->name, "a.b.");
  EXPECT_EQ(k->algorithm, TsigAlgorithm::HmacSha256);
}

TEST_F(KeyTableTest, PlainBase64FileRelativeToBaseDir) {
  dir_.write("keys/s.key", std::string("# comment line\n") + kSecret + "\n");
  auto k = parse("[[key]]\nname = \"s\"\nsecret_file = \"keys/s.key\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(k->secret.size(), 32u);
}

TEST_F(KeyTableTest, PlainBase64FileSplitOverLines) {
  std::string s = kSecret;
  dir_.write("s.key", s.substr(0, 20) + "\n" + s.substr(20) + "\n");
  auto k = parse("[[key]]\nname = \"s\"\nsecret_file = \"s.key\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(base64_encode(k->secret.data(), k->secret.size()), kSecret);
}

TEST_F(KeyTableTest, AbsoluteSecretFilePath) {
  std::string path = dir_.write("abs.key", kSecret);
  auto k = parse("[[key]]\nname = \"s\"\nsecret_file = \"" + path + "\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
}

TEST_F(KeyTableTest, TsigKeygenFileTakesItsAlgorithm) {
  dir_.write("s.key", std::string("key \"sentinel\" {\n\talgorithm hmac-sha384;\n\tsecret \"") +
                          kSecret + "\";\n};\n");
  auto k = parse("[[key]]\nname = \"sentinel\"\nsecret_file = \"s.key\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(k->algorithm, TsigAlgorithm::HmacSha384);
  EXPECT_EQ(k->secret.size(), 32u);
}

TEST_F(KeyTableTest, BindFileWithCommentsAndSeveralKeysPicksByName) {
  dir_.write("all.keys", std::string("/* shared\n keys */\n// other\nkey \"other.\" {\n"
                                     "  algorithm hmac-sha256; secret \"") +
                             kSecret + "\"; };\n# ours\nkey sentinel { secret \"" + kSecret +
                             "\"; };\n");
  auto k = parse(
      "[[key]]\nname = \"SENTINEL.\"\nalgorithm = \"hmac-sha512\"\n"
      "secret_file = \"all.keys\"\n");
  ASSERT_TRUE(k) << errors_.to_string();
  EXPECT_EQ(k->name, "sentinel.");
  EXPECT_EQ(k->algorithm, TsigAlgorithm::HmacSha512);  // file block names none
}

TEST_F(KeyTableTest, BindFileWithoutTheKeyName) {
  dir_.write("s.key", std::string("key \"other\" { algorithm hmac-sha256; secret \"") + kSecret +
                          "\"; };\n");
  EXPECT_FALSE(parse("[[key]]\nname = \"sentinel\"\nsecret_file = \"s.key\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0],
            "dnsd.toml:3: key[0].secret_file = \"s.key\": no key named "
            "\"sentinel.\" in " +
                dir_.file("s.key") + " (it has: other.)");
}

TEST_F(KeyTableTest, AlgorithmConflictWithFile) {
  dir_.write("s.key",
             std::string("key \"s\" { algorithm hmac-sha384; secret \"") + kSecret + "\"; };\n");
  EXPECT_FALSE(
      parse("[[key]]\nname = \"s\"\nalgorithm = \"hmac-sha256\"\nsecret_file = \"s.key\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0],
            "dnsd.toml:3: key[0].algorithm = \"hmac-sha256\": differs from the "
            "algorithm hmac-sha384 in " +
                dir_.file("s.key"));
}

TEST_F(KeyTableTest, BindFileErrorsNameTheKeyFileAndLine) {
  dir_.write("s.key", "key \"s\" {\n  algorithm hmac-md5;\n  secret \"!!!!\";\n};\n");
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret_file = \"s.key\"\n"));
  auto m = messages();
  ASSERT_EQ(m.size(), 2u) << errors_.to_string();
  EXPECT_EQ(m[0], dir_.file("s.key") +
                      ":2: algorithm = hmac-md5: hmac-md5 is refused: MD5 is "
                      "broken (RFC 6151); use hmac-sha256, hmac-sha384 or hmac-sha512");
  EXPECT_EQ(m[1], dir_.file("s.key") + ":3: secret: not valid base64");
}

TEST_F(KeyTableTest, BindSyntaxErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"key \"s\" { secret \"x\" }\n", ":1: expected `secret VALUE;`"},
      {"key \"s\" {\n algorithm hmac-sha256;\n};\n", ":1: key \"s.\" has no secret"},
      {"key \"s\" { secret \"abc;\n", ":1: unterminated quoted string or comment"},
      {"key \"s\" {\n bogus 1;\n};\n",
       ":2: unknown statement \"bogus\" in key block (expected "
       "algorithm or secret)"},
      {"key \"s\" { secret \"x\"; }\n", ":1: expected ';' after '}'"},
      {"key \"s\" {\n secret \"x\";\n", ":2: unterminated key block (missing '};')"},
      {"key \"s\" { secret \"x\"; };\noptions { };\n", ":2: expected `key \"name\" { ... };`"},
      {"key \"bad name\" { secret \"x\"; };\n",
       ":1: \"bad name\": key name: invalid character ' ' (labels use letters, digits, '-' and '_')"},
  };
  for (auto [file, want] : cases) {
    errors_ = {};
    dir_.write("s.key", file);
    EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret_file = \"s.key\"\n")) << file;
    ASSERT_EQ(errors_.size(), 1u) << file << errors_.to_string();
    EXPECT_EQ(messages()[0], dir_.file("s.key") + want) << file;
  }
}

TEST_F(KeyTableTest, MissingAndEmptyKeyFiles) {
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret_file = \"nope.key\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0], "dnsd.toml:3: key[0].secret_file = \"nope.key\": cannot read " +
                               dir_.file("nope.key") + ": No such file or directory");
  errors_ = {};
  dir_.write("empty.key", "# nothing but a comment\n");
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret_file = \"empty.key\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0], "dnsd.toml:3: key[0].secret_file = \"empty.key\": " +
                               dir_.file("empty.key") + " holds no key");
}

TEST_F(KeyTableTest, RefusesMd5AndUnknownAlgorithms) {
  EXPECT_FALSE(parse(std::string("[[key]]\nname = \"s\"\nalgorithm = \"hmac-md5\"\nsecret = \"") +
                     kSecret + "\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0],
            "dnsd.toml:3: key[0].algorithm = \"hmac-md5\": hmac-md5 is refused: "
            "MD5 is broken (RFC 6151); use hmac-sha256, hmac-sha384 or hmac-sha512");
  errors_ = {};
  EXPECT_FALSE(parse(std::string("[[key]]\nname = \"s\"\nalgorithm = \"hmac-sha1\"\nsecret = \"") +
                     kSecret + "\"\n"));
  EXPECT_EQ(messages().at(0),
            "dnsd.toml:3: key[0].algorithm = \"hmac-sha1\": not supported; "
            "use hmac-sha256, hmac-sha384 or hmac-sha512");
}

TEST_F(KeyTableTest, ShortSecretIsRefusedWithAdvice) {
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret = \"c2hvcnQ=\"\n"));  // "short", 5 bytes
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0],
            "dnsd.toml:3: key[0].secret: decodes to 5 bytes; at least 16 are required (RFC "
            "2104 section 3 recommends the hash length, 32 for hmac-sha256); generate one with "
            "`tsig-keygen -a hmac-sha256 NAME`");
  errors_ = {};
  EXPECT_TRUE(parse("[[key]]\nname = \"s\"\nsecret = \"AAAAAAAAAAAAAAAAAAAAAA==\"\n"));  // 16
}

TEST_F(KeyTableTest, SecretIsNeverEchoed) {
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecret = \"not*base64\"\n"));
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(messages()[0], "dnsd.toml:3: key[0].secret: not valid base64");
}

TEST_F(KeyTableTest, TableShapeErrors) {
  EXPECT_FALSE(parse(std::string("[[key]]\nname = \"s\"\nsecret = \"") + kSecret +
                     "\"\nsecret_file = \"x\"\n"));
  EXPECT_EQ(messages().at(0),
            "dnsd.toml:4: key[0].secret_file: give either secret or secret_file, not both");
  errors_ = {};
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\n"));
  EXPECT_EQ(messages().at(0),
            "dnsd.toml:1: key[0].secret: is required (or secret_file); "
            "generate one with `tsig-keygen -a hmac-sha256 NAME`");
  errors_ = {};
  EXPECT_FALSE(parse(std::string("[[key]]\nsecret = \"") + kSecret + "\"\n"));
  EXPECT_EQ(messages().at(0), "dnsd.toml:1: key[0].name: is required");
}

TEST_F(KeyTableTest, UnknownKeysAndWrongTypesAllReported) {
  EXPECT_FALSE(parse("[[key]]\nname = \"s\"\nsecrte = \"x\"\nalgorithm = 5\n"));
  auto m = messages();
  ASSERT_EQ(m.size(), 2u);
  // toml++ iterates keys sorted by name.
  EXPECT_EQ(m[0], "dnsd.toml:4: key[0].algorithm: must be a string");
  EXPECT_EQ(m[1],
            "dnsd.toml:3: key[0].secrte: unknown key (a [[key]] has name, algorithm, "
            "secret, secret_file)");
}

TEST_F(KeyTableTest, BadKeyNames) {
  for (auto [name, reason] : std::vector<std::pair<std::string, std::string>>{
           {"", "key name must not be empty"},
           {"a..b", "key name: empty label (two dots in a row, or a leading dot)"},
           {"a b", "key name: invalid character ' ' (labels use letters, digits, '-' and '_')"},
           {std::string(64, 'a'),
            "key name: label \"" + std::string(64, 'a') +
                "\" is longer than 63 bytes (RFC 1035 2.3.4)"}}) {
    errors_ = {};
    EXPECT_FALSE(parse("[[key]]\nname = \"" + name + "\"\nsecret = \"" + kSecret + "\"\n"));
    ASSERT_EQ(errors_.size(), 1u) << name;
    EXPECT_EQ(messages()[0], "dnsd.toml:2: key[0].name = \"" + name + "\": " + reason);
  }
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  errors_ = {};
  EXPECT_FALSE(parse("[[key]]\nname = \"" + long_name + "\"\nsecret = \"" + kSecret + "\"\n"));
  EXPECT_EQ(errors_.errors().at(0).reason,
            "key name: longer than 255 bytes in wire form (RFC 1035 2.3.4)");
}

TEST_F(KeyTableTest, IndexAppearsInKeyNames) {
  EXPECT_FALSE(parse(
      std::string("[[key]]\nname = \"a\"\nsecret = \"") + kSecret + "\"\n[[key]]\nname = \"b\"\n",
      1));
  EXPECT_EQ(messages().at(0),
            "dnsd.toml:4: key[1].secret: is required (or secret_file); "
            "generate one with `tsig-keygen -a hmac-sha256 NAME`");
}

}  // namespace
}  // namespace dnsd::common
