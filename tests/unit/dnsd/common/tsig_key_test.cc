// TSIG algorithm names (RFC 8945 section 6) and base64 (RFC 4648 section 10 vectors).
#include "dnsd/common/tsig_key.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

std::string decode(std::string_view text, bool* ok = nullptr) {
  std::vector<uint8_t> out{0xff};
  bool r = base64_decode(text, out);
  if (ok) *ok = r;
  return r ? std::string(out.begin(), out.end()) : "<invalid>";
}

std::string encode(std::string_view s) {
  return base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(TsigAlgorithm, AcceptsSha2Family) {
  TsigAlgorithm a{};
  ASSERT_TRUE(parse_tsig_algorithm("hmac-sha256", a));
  EXPECT_EQ(a, TsigAlgorithm::HmacSha256);
  ASSERT_TRUE(parse_tsig_algorithm("hmac-sha384", a));
  EXPECT_EQ(a, TsigAlgorithm::HmacSha384);
  ASSERT_TRUE(parse_tsig_algorithm("HMAC-SHA512.", a));  // wire form, any case
  EXPECT_EQ(a, TsigAlgorithm::HmacSha512);
}

TEST(TsigAlgorithm, RefusesOthersAndLeavesOutputAlone) {
  TsigAlgorithm a = TsigAlgorithm::HmacSha384;
  for (const char* bad : {"hmac-md5", "hmac-md5.sig-alg.reg.int", "hmac-sha1", "hmac-sha224",
                          "gss-tsig", "", "sha256", "hmac-sha256x"}) {
    EXPECT_FALSE(parse_tsig_algorithm(bad, a)) << bad;
  }
  EXPECT_EQ(a, TsigAlgorithm::HmacSha384);
}

TEST(TsigAlgorithm, WireNames) {
  EXPECT_STREQ(tsig_algorithm_name(TsigAlgorithm::HmacSha256), "hmac-sha256.");
  EXPECT_STREQ(tsig_algorithm_name(TsigAlgorithm::HmacSha384), "hmac-sha384.");
  EXPECT_STREQ(tsig_algorithm_name(TsigAlgorithm::HmacSha512), "hmac-sha512.");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, b64] : vectors) {
    EXPECT_EQ(encode(plain), b64) << plain;
    EXPECT_EQ(decode(b64), plain) << b64;
  }
}

TEST(Base64, IgnoresWhitespace) {
  EXPECT_EQ(decode(" Zm9v\nYmFy\t\r\n"), "foobar");
  EXPECT_EQ(decode("Zm9v Yg=="), "foob");
}

TEST(Base64, RejectsInvalidAndKeepsOutput) {
  for (const char* bad :
       {"Zm9", "Zm9vY", "Zg=", "Z===", "=Zg=", "Zg==Zg==", "Zm9v!", "Zm-v", "Zm_v", "Z=g="}) {
    std::vector<uint8_t> out{1, 2, 3};
    EXPECT_FALSE(base64_decode(bad, out)) << bad;
    EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3})) << bad;
  }
}

TEST(Base64, RoundTripsEveryByte) {
  std::vector<uint8_t> all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{2}, size_t{3}, size_t{31}, size_t{32}, size_t{256}}) {
    std::vector<uint8_t> in(all.begin(), all.begin() + static_cast<long>(n)), out;
    ASSERT_TRUE(base64_decode(base64_encode(in.data(), in.size()), out)) << n;
    EXPECT_EQ(out, in) << n;
  }
}

}  // namespace
}  // namespace dnsd::common
