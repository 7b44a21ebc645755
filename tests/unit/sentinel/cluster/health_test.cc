// Rise/fall thresholds and flap damping, driven by a fake clock.
#include <gtest/gtest.h>

#include "sentinel/cluster/health.h"
#include "tests/unit/sentinel/cluster/fake_clock.h"

namespace sentinel::cluster {
namespace {
using testing::FakeClock;

TEST(CheckHealth, StartsUnknownThenRisesAfterRiseSuccesses) {
  CheckHealth c(2, 3);
  EXPECT_EQ(c.state(), Health::Unknown);
  EXPECT_FALSE(c.record(true, "ok", 0));
  EXPECT_EQ(c.state(), Health::Unknown);
  EXPECT_TRUE(c.record(true, "ok", 1));
  EXPECT_EQ(c.state(), Health::Up);
}

TEST(CheckHealth, FallsOnlyAfterFallConsecutiveFailures) {
  CheckHealth c(1, 3);
  c.record(true, "ok", 0);
  ASSERT_EQ(c.state(), Health::Up);
  c.record(false, "timeout", 1);
  c.record(false, "timeout", 2);
  EXPECT_EQ(c.state(), Health::Up);
  c.record(true, "ok", 3);  // a success resets the failure streak
  c.record(false, "timeout", 4);
  c.record(false, "timeout", 5);
  EXPECT_EQ(c.state(), Health::Up);
  EXPECT_TRUE(c.record(false, "timeout", 6));
  EXPECT_EQ(c.state(), Health::Down);
  EXPECT_EQ(c.fail_streak(), 3);
  EXPECT_EQ(c.last_detail(), "timeout");
}

TEST(CheckHealth, DownNeedsRiseSuccessesToComeBack) {
  CheckHealth c(2, 1);
  c.record(false, "refused", 0);
  ASSERT_EQ(c.state(), Health::Down);
  c.record(true, "ok", 1);
  EXPECT_EQ(c.state(), Health::Down);
  c.record(true, "ok", 2);
  EXPECT_EQ(c.state(), Health::Up);
}

TEST(NodeHealth, DownIfAnyCheckDownUpOnlyWhenAllUp) {
  DampingPolicy p;
  NodeHealth n({CheckHealth(1, 1), CheckHealth(1, 1)});
  n.record(0, true, "", 0, p);
  EXPECT_EQ(n.overall(), Health::Unknown);
  n.record(1, true, "", 0, p);
  EXPECT_EQ(n.overall(), Health::Up);
  EXPECT_TRUE(n.record(1, false, "HTTP 500", 1, p));
  EXPECT_EQ(n.overall(), Health::Down);
}

TEST(Damping, RepeatedFlapsSuppressUntilThePenaltyDecays) {
  DampingPolicy p{1000, 2500, 800, 60'000};
  FakeClock clock;
  NodeHealth n({CheckHealth(1, 1)});
  for (int i = 0; i < 3; ++i) {
    n.record(0, true, "", clock.advance(1000), p);
    n.record(0, false, "down", clock.advance(1000), p);
  }
  EXPECT_TRUE(n.damping().suppressed());
  EXPECT_GT(n.damping().penalty(clock.now, p), 2500);
  // Still above reuse after one half-life (about 1450).
  clock.advance(60'000);
  n.tick(clock.now, p);
  EXPECT_TRUE(n.damping().suppressed());
  // Below reuse (800) after two half-lives more.
  clock.advance(60'000);
  EXPECT_TRUE(n.tick(clock.now, p));
  EXPECT_FALSE(n.damping().suppressed());
}

TEST(Damping, OneDownIsNotAFlapStorm) {
  DampingPolicy p{1000, 2500, 800, 60'000};
  NodeHealth n({CheckHealth(1, 1)});
  n.record(0, true, "", 0, p);
  n.record(0, false, "", 10, p);
  EXPECT_FALSE(n.damping().suppressed());
  EXPECT_NEAR(n.damping().penalty(10, p), 1000, 1);
  EXPECT_NEAR(n.damping().penalty(60'010, p), 500, 1);
}

}  // namespace
}  // namespace sentinel::cluster
