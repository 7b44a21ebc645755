// next_start(): each probe is planned one interval (+- jitter) after the previous plan, not
// after when the loop got round to it, so checks that a stalled loop started together go
// back to their own places in the round; whole rounds missed are dropped.
#include "sentinel/daemon/probe_schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "tests/unit/sentinel/cluster/fake_clock.h"

namespace sentinel::daemon {
namespace {

using cluster::testing::FakeClock;

struct NextCase {
  const char* what;
  uint64_t planned, interval;
  int64_t jitter;
  uint64_t now, want;
};

TEST(NextStart, FromThePlanNotFromWhenTheProbeRan) {
  for (const auto& c : std::vector<NextCase>{
           {"on time", 1000, 1000, 0, 1002, 2000},
           {"jitter added", 1000, 1000, 70, 1500, 2070},
           {"jitter subtracted", 1000, 1000, -100, 1500, 1900},
           {"jitter clamped to +10 %", 1000, 1000, 500, 1500, 2100},
           {"jitter clamped to -10 %", 1000, 200, -90, 1100, 1180},
           {"the loop ran 300 ms late: still one interval after the plan", 1000, 1000, 0, 1310, 2000},
           {"already past: start at once, the plan keeps its place", 1000, 1000, -100, 1950, 1900},
           {"a stall of 3.5 rounds: the missed rounds are dropped", 1000, 1000, 0, 4500, 4000},
           {"exactly one round behind", 1000, 1000, 0, 3000, 3000},
       }) {
    EXPECT_EQ(next_start(c.planned, c.interval, c.jitter, c.now), c.want) << c.what;
  }
}

TEST(NextStart, NeverMoreThanOneIntervalBehindNow) {
  for (uint64_t now = 0; now < 20000; now += 137) {
    uint64_t next = next_start(500, 1000, -100, now);
    EXPECT_GT(next + 1000, now) << now;
  }
}

TEST(FirstRound, SpreadOverAnIntervalAtMostOneSecond) {
  EXPECT_EQ(first_round_spread(200), 200u);
  EXPECT_EQ(first_round_spread(1000), 1000u);
  EXPECT_EQ(first_round_spread(30000), 1000u);
  EXPECT_EQ(jitter_span(1000), 100);
  EXPECT_EQ(jitter_span(5), 0);
}

// 100 checks planned 10 ms apart over a 1 s round; the loop stalls 400 ms, so the 40 checks
// due meanwhile all start at the end of the stall. Their next starts are spread as before
// (one per 10 ms), where "one interval after the probe ran" would put all 40 on one instant.
TEST(NextStart, AStallDoesNotRealignTheProbesThatWereDue) {
  FakeClock clock;
  const auto t0 = static_cast<uint64_t>(clock.now);
  std::vector<uint64_t> planned;
  for (uint64_t i = 0; i < 100; ++i) planned.push_back(t0 + i * 10);
  clock.advance(400);  // the stall ends: checks 0..40 were due, they run now
  const auto resumed = static_cast<uint64_t>(clock.now);
  std::map<uint64_t, int> per_instant;
  for (auto& p : planned) {
    if (p > resumed) continue;
    p = next_start(p, 1000, 0, resumed + 1);  // each probe took 1 ms
    per_instant[p]++;
  }
  ASSERT_EQ(per_instant.size(), 41u);
  for (const auto& [at, n] : per_instant) EXPECT_EQ(n, 1) << at;
  EXPECT_EQ(per_instant.begin()->first, t0 + 1000);
  EXPECT_EQ(per_instant.rbegin()->first, t0 + 1400);
}

}  // namespace
}  // namespace sentinel::daemon
