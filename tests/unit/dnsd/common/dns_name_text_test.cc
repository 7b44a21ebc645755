// Zone names, relative self names and their wire lengths (RFC 1035 2.3.4, RFC 4592 2.1.1).
#include "dnsd/common/dns_name_text.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

TEST(DnsNameText, AbsoluteNamesAreLoweredAndRooted) {
  std::string reason;
  EXPECT_EQ(normalize_absolute_name("API.Example.COM", reason), "api.example.com.");
  EXPECT_EQ(normalize_absolute_name("a-b_c.test.", reason), "a-b_c.test.");
  EXPECT_EQ(normalize_absolute_name("x", reason), "x.");
  for (const char* bad : {"", ".", "a..b", ".a", "a b", "a/b", "*.a", "a.*", "a\\.b"}) {
    EXPECT_FALSE(normalize_absolute_name(bad, reason)) << bad;
    EXPECT_FALSE(reason.empty());
  }
}

TEST(DnsNameText, LabelAndNameLimits) {
  std::string reason;
  EXPECT_TRUE(normalize_absolute_name(std::string(63, 'a') + ".b", reason));
  EXPECT_FALSE(normalize_absolute_name(std::string(64, 'a') + ".b", reason));
  // 127 one-letter labels: 127 * 2 + 1 = 255 bytes in wire form, the limit.
  std::string name;
  for (int i = 0; i < 127; ++i) name += "a.";
  ASSERT_TRUE(normalize_absolute_name(name, reason)) << reason;
  EXPECT_EQ(wire_length(name), 255u);
  EXPECT_FALSE(normalize_absolute_name("b." + name, reason));
}

TEST(DnsNameText, RelativeNames) {
  std::string reason;
  EXPECT_EQ(normalize_relative_name("@", reason), "@");
  EXPECT_EQ(normalize_relative_name("*", reason), "*");
  EXPECT_EQ(normalize_relative_name("WWW", reason), "www");
  EXPECT_EQ(normalize_relative_name("*.EU", reason), "*.eu");
  EXPECT_EQ(normalize_relative_name("a.b.c", reason), "a.b.c");
  for (const char* bad : {"", "www.", "@.x", "x.@", "a.*", "*.*", "*a", "a..b", ".", "*."}) {
    EXPECT_FALSE(normalize_relative_name(bad, reason)) << bad;
  }
}

TEST(DnsNameText, WireLength) {
  EXPECT_EQ(wire_length("api.example.com."), 17u);
  EXPECT_EQ(wire_length("@"), 0u);
  EXPECT_EQ(wire_length("www"), 4u);
  EXPECT_EQ(wire_length("*.eu"), 5u);
}

}  // namespace
}  // namespace dnsd::common
