// check_wording() and since_ms, table-driven: each row feeds a CheckHealth a sequence of
// probe results and names the words `sentinel status` must show.
#include <gtest/gtest.h>

#include <vector>

#include "sentinel/cluster/check_wording.h"

namespace sentinel::cluster {
namespace {

struct Result {
  bool ok;
  const char* detail;
};
constexpr Result OK{true, "SOA serial 7, AA"};
constexpr Result REFUSED{false, "connection refused"};

struct WordingCase {
  const char* name;
  int rise, fall;
  std::vector<Result> results;
  const char* want;
};

class CheckWordingTest : public ::testing::TestWithParam<WordingCase> {};

TEST_P(CheckWordingTest, SaysWhatTheCheckIsDoing) {
  const auto& c = GetParam();
  CheckHealth h(c.rise, c.fall);
  TimeMs t = 0;
  for (const auto& r : c.results) h.record(r.ok, r.detail, t += 1000);
  EXPECT_EQ(check_wording(h), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    States, CheckWordingTest,
    ::testing::Values(
        WordingCase{"no_result", 2, 3, {}, "deciding, no result yet"},
        WordingCase{"deciding_ok", 2, 3, {OK}, "deciding, 1 of 2 ok"},
        WordingCase{"deciding_failing", 2, 3, {REFUSED}, "deciding, failing 1 of 3 (connection refused)"},
        WordingCase{"up", 2, 3, {OK, OK}, "up (SOA serial 7, AA)"},
        WordingCase{"up_failing_1", 2, 2, {OK, OK, REFUSED}, "up, failing 1 of 2 (connection refused)"},
        WordingCase{"up_failing_2", 1, 3, {OK, REFUSED, REFUSED}, "up, failing 2 of 3 (connection refused)"},
        WordingCase{"down", 2, 2, {OK, OK, REFUSED, REFUSED}, "down (connection refused)"},
        WordingCase{"down_recovering", 3, 2, {REFUSED, REFUSED, OK}, "down, recovering 1 of 3"},
        WordingCase{"down_recovering_2", 3, 1, {REFUSED, OK, OK}, "down, recovering 2 of 3"},
        WordingCase{"back_up", 2, 1, {REFUSED, OK, OK}, "up (SOA serial 7, AA)"},
        WordingCase{"up_no_detail", 1, 1, {{true, ""}}, "up"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(CheckHealthSince, IsTheResultThatMadeTheState) {
  CheckHealth h(2, 2);
  EXPECT_FALSE(h.has_result());
  h.record(true, "", 100);  // deciding since the first result
  EXPECT_TRUE(h.has_result());
  EXPECT_EQ(h.since_ms(), 100);
  h.record(true, "", 200);  // up now
  EXPECT_EQ(h.since_ms(), 200);
  h.record(false, "", 300);  // contested, still up: the state did not change
  h.record(true, "", 400);
  EXPECT_EQ(h.since_ms(), 200);
  h.record(false, "", 500);
  h.record(false, "", 600);  // down
  EXPECT_EQ(h.state(), Health::Down);
  EXPECT_EQ(h.since_ms(), 600);
  h.record(true, "", 700);  // recovering, still down
  EXPECT_EQ(h.since_ms(), 600);
}

struct DurationCase {
  TimeMs ms;
  const char* want;
};

TEST(DurationWording, CoarseUnits) {
  for (const auto& c : std::vector<DurationCase>{{-5, "0s"},
                                                 {0, "0s"},
                                                 {59'999, "59s"},
                                                 {60'000, "1m"},
                                                 {3'599'000, "59m"},
                                                 {3'600'000, "1h"},
                                                 {3'900'000, "1h5m"},
                                                 {86'400'000, "1d"},
                                                 {90'000'000, "1d1h"}})
    EXPECT_EQ(duration_wording(c.ms), c.want) << c.ms;
}

}  // namespace
}  // namespace sentinel::cluster
