// parse_duration / format_duration: the duration syntax of every config file.
#include "dnsd/common/duration.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

TEST(Duration, ParsesEachUnit) {
  EXPECT_EQ(parse_duration("500ms"), Millis{500});
  EXPECT_EQ(parse_duration("10s"), Millis{10'000});
  EXPECT_EQ(parse_duration("2m"), Millis{120'000});
  EXPECT_EQ(parse_duration("1h"), Millis{3'600'000});
  EXPECT_EQ(parse_duration("0s"), Millis{0});
  EXPECT_EQ(parse_duration("0"), Millis{0});
}

TEST(Duration, RejectsMalformedText) {
  for (const char* bad : {"", "10", "s", "-1s", "1.5s", "10 s", " 10s", "10s ", "10sec", "10S",
                          "1d", "ms", "1m1s", "+5s", "0x10s"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Duration, RejectsOverflow) {
  EXPECT_FALSE(parse_duration("99999999999999999999h").has_value());
  EXPECT_FALSE(parse_duration("18446744073709551616ms").has_value());
}

TEST(Duration, FormatsShortestExactForm) {
  EXPECT_EQ(format_duration(Millis{0}), "0s");
  EXPECT_EQ(format_duration(Millis{1500}), "1500ms");
  EXPECT_EQ(format_duration(Millis{2000}), "2s");
  EXPECT_EQ(format_duration(Millis{90'000}), "90s");
  EXPECT_EQ(format_duration(Millis{120'000}), "2m");
  EXPECT_EQ(format_duration(Millis{7'200'000}), "2h");
  EXPECT_EQ(format_duration(Millis{1}), "1ms");
}

TEST(Duration, FormatThenParseRoundTrips) {
  for (int64_t ms : {0, 1, 999, 1000, 61'000, 60'000, 3'600'000, 5'400'000}) {
    EXPECT_EQ(parse_duration(format_duration(Millis{ms})), Millis{ms}) << ms;
  }
}

}  // namespace
}  // namespace dnsd::common
