// QueryLogCap: at most `rate` lines per one-second window on a fake clock; the rest, and
// lines lost before the cap, are reported once the window ends, at most once a second.
#include "dnsd/net/query_log_cap.h"

#include <gtest/gtest.h>

#include <vector>

namespace dnsd::net {
namespace {

struct Step {
  uint64_t at_ms;
  int lines;           // admit() calls at that time
  int want_admitted;
  uint64_t want_summary;  // take_summary() right after
};

TEST(QueryLogCap, Table) {
  struct Case {
    const char* name;
    uint32_t rate;
    std::vector<Step> steps;
  } cases[] = {
      {"under the cap: all logged, nothing to report", 5, {{0, 3, 3, 0}, {999, 2, 2, 0}, {1000, 0, 0, 0}}},
      {"burst over the cap, reported when the second ends",
       50, {{0, 300, 50, 0}, {500, 10, 0, 0}, {999, 0, 0, 0}, {1000, 0, 0, 260}, {1500, 0, 0, 0}}},
      {"a new window admits again", 2, {{10, 5, 2, 0}, {1010, 5, 2, 3}, {2010, 0, 0, 3}, {3010, 0, 0, 0}}},
      {"the report comes once", 1, {{0, 4, 1, 0}, {2500, 0, 0, 3}, {2600, 0, 0, 0}, {5000, 0, 0, 0}}},
      {"a window opens at the first line, not on the clock's second",
       3, {{0, 1, 1, 0}, {1500, 0, 0, 0}, {1700, 5, 3, 0}, {2600, 1, 0, 0}, {2700, 1, 1, 3}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    QueryLogCap cap(c.rate);
    for (const Step& s : c.steps) {
      int admitted = 0;
      for (int i = 0; i < s.lines; ++i) admitted += cap.admit(s.at_ms) ? 1 : 0;
      EXPECT_EQ(admitted, s.want_admitted) << "at " << s.at_ms;
      EXPECT_EQ(cap.take_summary(s.at_ms), s.want_summary) << "at " << s.at_ms;
    }
  }
}

TEST(QueryLogCap, LostLinesAreReportedWithTheCapped) {
  QueryLogCap cap(1);
  EXPECT_TRUE(cap.admit(100));
  EXPECT_FALSE(cap.admit(100));
  cap.lost(7, 200);  // a worker's queue was full
  EXPECT_EQ(cap.take_summary(900), 0u);
  EXPECT_EQ(cap.take_summary(1100), 8u);
  cap.lost(4, 5000);  // with no line written: reported a second later all the same
  EXPECT_EQ(cap.take_summary(5500), 0u);
  EXPECT_EQ(cap.take_summary(6000), 4u);
}

TEST(QueryLogCap, RateChangeAppliesToTheCurrentWindow) {
  QueryLogCap cap(1);
  EXPECT_TRUE(cap.admit(0));
  EXPECT_FALSE(cap.admit(0));
  cap.set_rate(3);
  EXPECT_TRUE(cap.admit(1));
  EXPECT_TRUE(cap.admit(2));
  EXPECT_FALSE(cap.admit(3));
  EXPECT_EQ(cap.take_summary(1000), 2u);
}

}  // namespace
}  // namespace dnsd::net
