// TILT and the warm-up as pure steps, on a fake clock.
#include <gtest/gtest.h>

#include "sentinel/cluster/guards.h"
#include "tests/unit/sentinel/cluster/fake_clock.h"

namespace sentinel::cluster {
namespace {

TEST(Tilt, AWallClockJumpBeyond2sStartsIt) {
  struct Case {
    TimeMs wall, mono;
    std::optional<TimeMs> want;
  };
  for (const Case& c : std::vector<Case>{{500, 500, std::nullopt},
                                         {2500, 500, std::nullopt},
                                         {2501, 500, 2001},
                                         {500, 3000, -2500},
                                         {-60000, 500, -60500}}) {
    EXPECT_EQ(tilt_jump(c.wall, c.mono), c.want) << c.wall << " vs " << c.mono;
  }
}

TEST(Tilt, HoldsAutomaticDecisionsUntilItEnds) {
  testing::FakeClock mono{0};
  TimeMs until = mono.now + kTiltHoldMs;
  EXPECT_FALSE(automatic_allowed(mono.advance(1000), until));
  EXPECT_FALSE(automatic_allowed(mono.advance(28999), until));
  EXPECT_TRUE(automatic_allowed(mono.advance(1), until));
}

TEST(WarmUp, EveryNodeKnownOrTheLongestCheckHadItsTime) {
  EXPECT_FALSE(warmed_up(false, 1000, 4000));
  EXPECT_TRUE(warmed_up(true, 0, 4000));
  EXPECT_FALSE(warmed_up(false, 4000, 4000));
  EXPECT_TRUE(warmed_up(false, 4001, 4000));
}

}  // namespace
}  // namespace sentinel::cluster
