// The failover rules of docs/sentinel.md, table-driven on a fake clock: candidate choice, cooldown,
// epoch, the all-down rule, a returning old master, manual promote, drain and undrain.
#include <gtest/gtest.h>

#include "sentinel/cluster/failover.h"
#include "tests/unit/sentinel/cluster/fake_clock.h"

namespace sentinel::cluster {
namespace {
using testing::FakeClock;
constexpr Health U = Health::Up, D = Health::Down, K = Health::Unknown;

std::vector<NodeView> nodes(Health lb1, Health lb2, Health lb3) {
  return {{"lb1", 0, lb1, false}, {"lb2", 10, lb2, false}, {"lb3", 20, lb3, false}};
}

ClusterState with_master(const std::string& m, uint64_t epoch = 3) {
  ClusterState s;
  s.master = m;
  s.epoch = epoch;
  return s;
}

struct CandidateCase {
  const char* name;
  std::vector<NodeView> nodes;
  std::set<std::string> drained;
  std::string exclude;
  std::vector<std::string> want;
};

TEST(Candidates, LowestPriorityThenNameAmongInServiceNodes) {
  std::vector<CandidateCase> cases = {
      {"all up", nodes(U, U, U), {}, "lb1", {"lb2", "lb3"}},
      {"down skipped", nodes(U, D, U), {}, "lb1", {"lb3"}},
      {"unknown skipped", nodes(U, K, U), {}, "lb1", {"lb3"}},
      {"drained skipped", nodes(U, U, U), {"lb2"}, "lb1", {"lb3"}},
      {"priority tie by name",
       {{"b", 5, U, false}, {"a", 5, U, false}, {"c", 1, U, false}}, {}, "", {"c", "a", "b"}},
      {"damped skipped", {{"lb1", 0, U, true}, {"lb2", 10, U, false}}, {}, "", {"lb2"}},
      {"none", nodes(D, D, D), {}, "", {}},
  };
  for (const auto& c : cases) {
    ClusterState s;
    s.drained = c.drained;
    EXPECT_EQ(candidates(c.nodes, s, c.exclude), c.want) << c.name;
  }
}

TEST(Decide, HealthyMasterMeansNothingToDo) {
  FakeClock clock;
  auto d = decide(with_master("lb1"), nodes(U, U, U), Policy{}, clock.now);
  EXPECT_FALSE(d.plan);
  EXPECT_EQ(d.waiting, "");
}

TEST(Decide, UnknownMasterHealthIsNotDown) {
  FakeClock clock;
  EXPECT_FALSE(decide(with_master("lb1"), nodes(K, U, U), Policy{}, clock.now).plan);
}

TEST(Decide, MasterDownPromotesTheBestCandidateWithTheNextEpoch) {
  FakeClock clock;
  auto d = decide(with_master("lb1", 3), nodes(D, U, U), Policy{}, clock.now);
  ASSERT_TRUE(d.plan);
  EXPECT_EQ(d.plan->kind, Plan::Kind::Failover);
  EXPECT_EQ(d.plan->epoch, 4u);
  EXPECT_EQ(d.plan->old_master, "lb1");
  EXPECT_EQ(d.plan->candidates, (std::vector<std::string>{"lb2", "lb3"}));
  EXPECT_TRUE(d.plan->demote.empty());  // a dead master cannot be told anything
}

TEST(Decide, ManualFailoverWaitsForTheOperator) {
  FakeClock clock;
  Policy p;
  p.failover_auto = false;
  auto d = decide(with_master("lb1"), nodes(D, U, U), p, clock.now);
  EXPECT_FALSE(d.plan);
  EXPECT_NE(d.waiting.find("manual"), std::string::npos);
}

TEST(Decide, AllDownKeepsTheLastGoodRecords) {
  FakeClock clock;
  auto d = decide(with_master("lb1"), nodes(D, D, D), Policy{}, clock.now);
  EXPECT_FALSE(d.plan);
  EXPECT_NE(d.waiting.find("keeping the last good records"), std::string::npos);
}

TEST(Decide, CooldownBlocksASecondAutomaticFailover) {
  FakeClock clock;
  Policy p;
  p.cooldown_ms = 60'000;
  ClusterState s = with_master("lb1", 3);
  auto d = decide(s, nodes(D, U, U), p, clock.now);
  ASSERT_TRUE(d.plan);
  begin_plan(s, *d.plan);
  plan_promoted(s, "lb2", clock.now);
  plan_published(s);
  EXPECT_EQ(s.master, "lb2");
  EXPECT_EQ(s.epoch, 4u);
  EXPECT_EQ(s.last_failover_ms, clock.now);
  clock.advance(30'000);
  d = decide(s, nodes(D, D, U), p, clock.now);
  EXPECT_FALSE(d.plan);
  EXPECT_NE(d.waiting.find("cooldown"), std::string::npos);
  clock.advance(30'001);
  d = decide(s, nodes(D, D, U), p, clock.now);
  ASSERT_TRUE(d.plan);
  EXPECT_EQ(d.plan->candidates, std::vector<std::string>{"lb3"});
  EXPECT_EQ(d.plan->epoch, 5u);
}

TEST(Decide, EveryCandidateRefusingBacksOffThenRetries) {
  FakeClock clock;
  Policy p;
  ClusterState s = with_master("lb1", 3);
  auto d = decide(s, nodes(D, U, U), p, clock.now);
  begin_plan(s, *d.plan);
  plan_failed(s, clock.now, p);
  EXPECT_FALSE(s.pending);
  EXPECT_EQ(s.master, "lb1");
  EXPECT_EQ(s.epoch, 4u);  // the epoch was raised and persisted before acting: never reused
  EXPECT_FALSE(decide(s, nodes(D, U, U), p, clock.advance(1000)).plan);
  d = decide(s, nodes(D, U, U), p, clock.advance(p.retry_ms));
  ASSERT_TRUE(d.plan);
  EXPECT_EQ(d.plan->epoch, 5u);
}

TEST(Decide, APendingPlanIsResumedAsIs) {
  FakeClock clock;
  ClusterState s = with_master("lb1", 3);
  auto d = decide(s, nodes(D, U, U), Policy{}, clock.now);
  begin_plan(s, *d.plan);  // persisted, then the sentinel crashed
  auto again = decide(s, nodes(D, D, U), Policy{}, clock.advance(5000));
  ASSERT_TRUE(again.plan);
  EXPECT_EQ(again.plan->epoch, 4u);  // same epoch: no second raise
  EXPECT_EQ(again.plan->candidates, d.plan->candidates);
}

// A failover persisted, then the sentinel stopped before any candidate accepted; on its
// return the old master is in service again (e.g. the sentinel alone had been cut off from
// it): the failover is not resumed on stale evidence; the old master is promoted again at
// the next epoch and the pending candidates (one may have accepted just before the stop)
// step down.
TEST(Decide, APendingFailoverWhoseMasterIsBackReinstatesIt) {
  struct Case {
    const char* name;
    std::vector<NodeView> views;
    std::set<std::string> drained;
    bool promoted;
    bool reinstated;
  };
  std::vector<Case> cases = {
      {"master up again", nodes(U, U, U), {}, false, true},
      {"master still down: resumed", nodes(D, U, U), {}, false, false},
      {"master state unknown: resumed", nodes(K, U, U), {}, false, false},
      {"master damped: resumed", {{"lb1", 0, U, true}, {"lb2", 10, U, false}, {"lb3", 20, U, false}}, {},
       false, false},
      {"master drained meanwhile: resumed", nodes(U, U, U), {"lb1"}, false, false},
      {"a candidate already accepted: only the publish is owed", nodes(U, U, U), {}, true, false},
  };
  for (const auto& c : cases) {
    FakeClock clock;
    ClusterState s = with_master("lb1", 3);
    auto d = decide(s, nodes(D, U, U), Policy{}, clock.now);
    ASSERT_TRUE(d.plan) << c.name;
    begin_plan(s, *d.plan);  // persisted, then the sentinel stopped
    if (c.promoted) plan_promoted(s, "lb2", clock.now);
    s.drained = c.drained;
    auto again = decide(s, c.views, Policy{}, clock.advance(5000));
    ASSERT_TRUE(again.plan) << c.name;
    EXPECT_EQ(again.plan->kind == Plan::Kind::Reinstate, c.reinstated) << c.name;
    if (!c.reinstated) {
      EXPECT_EQ(again.plan->epoch, 4u) << c.name;  // the pending plan, as it was
      continue;
    }
    EXPECT_EQ(again.plan->epoch, 5u) << c.name;
    EXPECT_EQ(again.plan->candidates, std::vector<std::string>{"lb1"}) << c.name;
    EXPECT_EQ(again.plan->demote, (std::vector<std::string>{"lb2", "lb3"})) << c.name;
    EXPECT_EQ(failover_cause(*again.plan), nullptr) << c.name;  // not counted as a failover
    begin_plan(s, *again.plan);
    EXPECT_EQ(s.epoch, 5u);
    EXPECT_EQ(s.owed_demotes.count("lb2"), 1u);  // out of service until it stepped down
    demote_done(s, "lb2");
    plan_promoted(s, "lb1", clock.now);
    plan_published(s);
    EXPECT_EQ(s.master, "lb1");
    EXPECT_EQ(s.owed_demotes.count("lb1"), 0u);
    EXPECT_EQ(s.owed_demotes.count("lb3"), 1u);  // not reached: told once it is back
    EXPECT_FALSE(decide(s, nodes(U, U, D), Policy{}, clock.now).plan);  // lb1 stays master
  }
}

TEST(Decide, ResumeAfterPromoteOnlyPublishes) {
  FakeClock clock;
  ClusterState s = with_master("lb1", 3);
  auto d = decide(s, nodes(D, U, U), Policy{}, clock.now);
  begin_plan(s, *d.plan);
  plan_promoted(s, "lb2", clock.now);  // persisted; crashed before publishing
  auto again = decide(s, nodes(D, U, U), Policy{}, clock.now);
  ASSERT_TRUE(again.plan);
  EXPECT_TRUE(again.plan->promoted);
  EXPECT_EQ(again.plan->candidates, std::vector<std::string>{"lb2"});
  EXPECT_EQ(s.master, "lb2");
}

TEST(Decide, ReturningOldMasterIsDemotedBeforeItRejoins) {
  FakeClock clock;
  ClusterState s = with_master("lb1", 3);
  auto d = decide(s, nodes(D, U, U), Policy{}, clock.now);
  begin_plan(s, *d.plan);
  plan_promoted(s, "lb2", clock.now);
  plan_published(s);
  ASSERT_EQ(s.owed_demotes.count("lb1"), 1u);
  // While it is down nothing is owed yet; it is out of service either way.
  EXPECT_FALSE(decide(s, nodes(D, U, U), Policy{}, clock.now).plan);
  auto views = nodes(U, U, U);
  EXPECT_FALSE(in_service(views[0], s));  // up, but it has not stepped down yet
  auto back = decide(s, views, Policy{}, clock.advance(1000));
  ASSERT_TRUE(back.plan);
  EXPECT_EQ(back.plan->kind, Plan::Kind::Demote);
  EXPECT_EQ(back.plan->demote, std::vector<std::string>{"lb1"});
  EXPECT_EQ(back.plan->epoch, 4u);  // stepping down does not change the master
  demote_done(s, "lb1");
  EXPECT_TRUE(in_service(views[0], s));
  EXPECT_FALSE(decide(s, views, Policy{}, clock.now).plan);  // lb2 stays master
}

TEST(Decide, BootstrapPicksTheBestNodeWhenThereIsNoMaster) {
  FakeClock clock;
  ClusterState s;
  EXPECT_FALSE(decide(s, nodes(K, K, K), Policy{}, clock.now).plan);
  auto d = decide(s, nodes(D, U, U), Policy{}, clock.now);
  ASSERT_TRUE(d.plan);
  EXPECT_EQ(d.plan->kind, Plan::Kind::Bootstrap);
  EXPECT_EQ(d.plan->epoch, 1u);
  EXPECT_EQ(d.plan->candidates.front(), "lb2");
}

TEST(ManualPromote, GracefulWhenTheMasterIsUp) {
  ClusterState s = with_master("lb1", 3);
  auto p = plan_promote(s, nodes(U, U, U), "lb3");
  ASSERT_TRUE(std::holds_alternative<Plan>(p));
  const auto& plan = std::get<Plan>(p);
  EXPECT_EQ(plan.kind, Plan::Kind::Switchover);
  EXPECT_EQ(plan.demote, std::vector<std::string>{"lb1"});
  EXPECT_EQ(plan.candidates, std::vector<std::string>{"lb3"});
  EXPECT_EQ(plan.epoch, 4u);
  begin_plan(s, plan);
  demote_done(s, "lb1");
  plan_promoted(s, "lb3", 1);
  EXPECT_EQ(s.owed_demotes.count("lb1"), 0u);  // demoted first: nothing owed
  EXPECT_EQ(s.last_failover_ms, 0);            // a switchover is not an automatic failover
}

TEST(ManualPromote, MasterDownMeansTheOldMasterOwesAStepDown) {
  ClusterState s = with_master("lb1", 3);
  auto p = plan_promote(s, nodes(D, U, U), "lb2");
  const auto& plan = std::get<Plan>(p);
  EXPECT_TRUE(plan.demote.empty());
  begin_plan(s, plan);
  plan_promoted(s, "lb2", 1);
  EXPECT_EQ(s.owed_demotes.at("lb1"), 4u);
}

TEST(ManualPromote, RefusedWithAReason) {
  ClusterState s = with_master("lb1", 3);
  s.drained = {"lb3"};
  struct Case {
    std::vector<NodeView> n;
    std::string node, reason;
  } cases[] = {
      {nodes(U, U, U), "lb9", "unknown node"},
      {nodes(U, U, U), "lb1", "already the master"},
      {nodes(U, U, U), "lb3", "drained"},
      {nodes(U, D, U), "lb2", "is down"},
      {nodes(U, K, U), "lb2", "is unknown"},
      {{{"lb1", 0, U, false}, {"lb2", 10, U, true}}, "lb2", "damped"},
  };
  for (const auto& c : cases) {
    auto p = plan_promote(s, c.n, c.node);
    ASSERT_TRUE(std::holds_alternative<std::string>(p)) << c.node;
    EXPECT_NE(std::get<std::string>(p).find(c.reason), std::string::npos)
        << std::get<std::string>(p);
  }
}

TEST(Drain, AReplicaJustLeavesService) {
  ClusterState s = with_master("lb1", 3);
  auto v = nodes(U, U, U);
  auto r = apply_drain(s, v, "lb3");
  ASSERT_TRUE(std::holds_alternative<std::optional<Plan>>(r));
  EXPECT_FALSE(std::get<std::optional<Plan>>(r));
  EXPECT_FALSE(in_service(v[2], s));
  EXPECT_EQ(s.epoch, 3u);
  EXPECT_TRUE(std::holds_alternative<std::string>(apply_drain(s, v, "lb3")));  // twice
  EXPECT_FALSE(apply_undrain(s, v, "lb3"));
  EXPECT_TRUE(in_service(v[2], s));
  EXPECT_TRUE(apply_undrain(s, v, "lb3"));  // not drained any more
}

TEST(Drain, TheMasterHandsOverGracefully) {
  ClusterState s = with_master("lb1", 3);
  auto r = apply_drain(s, nodes(U, U, U), "lb1");
  const auto& plan = std::get<std::optional<Plan>>(r);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->demote, std::vector<std::string>{"lb1"});
  EXPECT_EQ(plan->candidates.front(), "lb2");
  EXPECT_EQ(plan->epoch, 4u);
  EXPECT_TRUE(s.drained.count("lb1"));
}

TEST(Drain, RefusedWhenNobodyCanTakeOver) {
  ClusterState s = with_master("lb1", 3);
  auto r = apply_drain(s, nodes(U, D, D), "lb1");
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_FALSE(s.drained.count("lb1"));
}

// The cause comes from the plans the rules themselves make, so a reworded reason that
// would silently turn a drain into a "manual_promote" fails here.
TEST(FailoverCause, NamesWhyThePlanMovesTheMasterRole) {
  ClusterState s = with_master("lb1", 3);
  auto down = decide(s, nodes(D, U, U), Policy{}, 0);
  ASSERT_TRUE(down.plan);
  EXPECT_STREQ(failover_cause(*down.plan), "master_down");

  std::vector<NodeView> damped = nodes(U, U, U);
  damped[0].damped = true;
  auto held = decide(s, damped, Policy{}, 0);
  ASSERT_TRUE(held.plan);
  EXPECT_STREQ(failover_cause(*held.plan), "master_damped");

  auto promote = plan_promote(s, nodes(U, U, U), "lb2");
  ASSERT_TRUE(std::holds_alternative<Plan>(promote));
  EXPECT_STREQ(failover_cause(std::get<Plan>(promote)), "manual_promote");

  ClusterState d = s;
  auto drain = apply_drain(d, nodes(U, U, U), "lb1");
  const auto& drain_plan = std::get<std::optional<Plan>>(drain);
  ASSERT_TRUE(drain_plan);
  EXPECT_STREQ(failover_cause(*drain_plan), "drain");

  auto boot = decide(ClusterState{}, nodes(U, U, U), Policy{}, 0);
  ASSERT_TRUE(boot.plan);
  EXPECT_EQ(failover_cause(*boot.plan), nullptr);
  Plan demote;
  demote.kind = Plan::Kind::Demote;
  EXPECT_EQ(failover_cause(demote), nullptr);
}

TEST(History, IsBounded) {
  ClusterState s;
  for (int i = 0; i < 600; ++i) s.record({i, "+up", "lb1", 0, ""});
  EXPECT_EQ(s.history.size(), ClusterState::kHistoryLimit);
  EXPECT_EQ(s.history.back().at_ms, 599);
}

}  // namespace
}  // namespace sentinel::cluster
