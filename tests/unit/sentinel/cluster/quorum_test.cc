// The quorum rules, table-driven on a fake clock: SDOWN/ODOWN with a quorum, minority
// partitions, the leader's lease on the local monotonic clock, etcd unavailable, remote
// state faults, the fencing order and the fence hook.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "sentinel/cluster/quorum.h"
#include "tests/unit/sentinel/cluster/fake_clock.h"

namespace sentinel::cluster {
namespace {
using testing::FakeClock;
constexpr Health U = Health::Up, D = Health::Down, K = Health::Unknown;

// Opinions of s1, s2, s3 (in that order) of one node; K with an empty id = no opinion (the
// sentinel is dead: its lease took its opinions along).
std::vector<Opinion> of(const std::string& node, std::vector<Health> hs) {
  std::vector<Opinion> out;
  for (size_t i = 0; i < hs.size(); ++i)
    out.push_back({"s" + std::to_string(i + 1), node, hs[i], "", 0});
  return out;
}

TEST(Objective, QuorumOfLiveSentinelsDecides) {
  struct Case {
    const char* name;
    std::vector<Health> opinions;
    int quorum;
    Health want;
  };
  for (const Case& c : std::vector<Case>{
           {"all see it up", {U, U, U}, 2, U},
           {"one SDOWN of three is no ODOWN (minority)", {D, U, U}, 2, U},
           {"two SDOWN of three is ODOWN", {D, D, U}, 2, D},
           {"all down", {D, D, D}, 2, D},
           {"quorum 3 needs all three: no quorum either way", {D, D, U}, 3, K},
           {"quorum 3, one undecided", {D, D, K}, 3, K},
           {"only one live sentinel, quorum 2: never down", {D}, 2, K},
           {"two live, both down", {D, D}, 2, D},
           {"two live, split", {D, U}, 2, K},
           {"no opinion at all", {}, 2, K},
           {"quorum 1: one is enough (the operator's choice)", {D, U, U}, 1, D},
       }) {
    EXPECT_EQ(objective(of("lb1", c.opinions), "lb1", c.quorum).health, c.want) << c.name;
  }
}

TEST(Objective, ListsWhoSeesWhatAndIgnoresOtherNodesAndDuplicates) {
  auto ops = of("lb1", {D, U, D});
  ops.push_back({"s1", "lb1", D, "again", 0});
  ops.push_back({"s2", "lb2", D, "", 0});
  auto o = objective(ops, "lb1", 2);
  EXPECT_EQ(o.health, D);
  EXPECT_EQ(o.down_by, (std::vector<std::string>{"s1", "s3"}));
  EXPECT_EQ(o.up_by, (std::vector<std::string>{"s2"}));
}

// A sentinel cut off from a healthy master sees it down; the others do not: no failover.
TEST(Quorum, MinorityPartitionNeverFailsOver) {
  FakeClock clock;
  ClusterState s;
  s.master = "lb1";
  s.epoch = 4;
  std::vector<NodeView> local{{"lb1", 0, D, false}, {"lb2", 10, U, false}};
  auto ops = of("lb1", {D, U, U});
  auto more = of("lb2", {U, U, U});
  ops.insert(ops.end(), more.begin(), more.end());
  auto d = decide(s, objective_views(local, ops, 2), Policy{}, clock.now);
  EXPECT_FALSE(d.plan);
  // A quorum agrees: the same sentinel now fails over.
  ops[1].health = D;
  d = decide(s, objective_views(local, ops, 2), Policy{}, clock.now);
  ASSERT_TRUE(d.plan);
  EXPECT_EQ(d.plan->kind, Plan::Kind::Failover);
  EXPECT_EQ(d.plan->epoch, 5u);
  EXPECT_EQ(d.plan->candidates, (std::vector<std::string>{"lb2"}));
}

TEST(Quorum, CandidateMustBeUpForAQuorumToo) {
  FakeClock clock;
  ClusterState s;
  s.master = "lb1";
  std::vector<NodeView> local{{"lb1", 0, D, false}, {"lb2", 10, U, false}};
  auto ops = of("lb1", {D, D, D});
  auto lb2 = of("lb2", {U, D, D});  // only this sentinel sees lb2 up
  ops.insert(ops.end(), lb2.begin(), lb2.end());
  auto d = decide(s, objective_views(local, ops, 2), Policy{}, clock.now);
  EXPECT_FALSE(d.plan);
  EXPECT_NE(d.waiting.find("no node is in service"), std::string::npos) << d.waiting;
}

TEST(Lease, ActingStopsAtRenewalPlusLeaseMinusMarginOnTheLocalClock) {
  FakeClock mono{1000};
  Lease l{true, mono.now, 2000, lease_margin(2000)};
  EXPECT_EQ(l.margin_ms, 200);
  struct Step {
    TimeMs advance;
    bool want;
  };
  for (const Step& s : std::vector<Step>{{0, true}, {1000, true}, {799, true}, {1, false},
                                         {5000, false}}) {
    mono.advance(s.advance);
    EXPECT_EQ(may_act(l, mono.now), s.want) << "at +" << mono.now - 1000;
  }
  // A renewal (sent now) moves the deadline; etcd answering later changes nothing.
  l.renewed_mono = mono.now;
  EXPECT_TRUE(may_act(l, mono.now + 1799));
  EXPECT_FALSE(may_act(l, mono.now + 1800));
  EXPECT_EQ(act_deadline(l), mono.now + 1800);
}

TEST(Lease, MarginIsATenthAtLeast100ms) {
  EXPECT_EQ(lease_margin(5000), 500);
  EXPECT_EQ(lease_margin(500), 100);
}

TEST(EtcdTtl, LargestWholeSecondsThatHandTheLeadOnWithinLeasePlusAProbeRound) {
  struct Row { TimeMs lease, interval, ttl; };
  for (const Row& r : std::vector<Row>{
           {2000, 200, 1000},    // the tests' settings: 1 s + 500 ms step + 200 ms <= 2.2 s
           {5000, 1000, 5000},   // the defaults: 5.7 s <= 6 s, the full lease
           {5000, 200, 4000},
           {3000, 700, 3000},    // interval >= step + notice: the full lease
           {3000, 699, 2000},
           {1000, 200, 1000},    // never below 1 s (the bound is then not met: documented)
           {600000, 1000, 600000}}) {
    TimeMs ttl = etcd_ttl_ms(r.lease, r.interval);
    EXPECT_EQ(ttl, r.ttl) << r.lease << " " << r.interval;
    EXPECT_EQ(ttl % 1000, 0);
    EXPECT_LE(ttl, r.lease);
    // Killed right after a keepalive, the key goes at most ttl + the expiry step later.
    if (r.lease + r.interval >= 1000 + kEtcdExpiryStepMs + kTakeOverNoticeMs) {
      EXPECT_LE(ttl + kEtcdExpiryStepMs + kTakeOverNoticeMs, r.lease + r.interval) << r.lease;
    }
  }
}

TEST(EtcdTtl, RoundsAndKeepalivesLeaveTwoMissesBeforeTheLocalDeadline) {
  for (TimeMs lease : {1000, 2000, 5000, 10000, 60000}) {
    for (TimeMs interval : {100, 200, 1000}) {
      TimeMs ttl = etcd_ttl_ms(lease, interval);
      TimeMs round = round_period_ms(lease, ttl);
      EXPECT_GE(round, 100);
      EXPECT_LE(round, ttl / 3);
      // Rounds every `round` (plus 10 ms of work each): a keepalive is sent whenever due,
      // and no two in a row are more than a third of the TTL apart.
      TimeMs last = 0, now = 0, worst = 0;
      for (int i = 0; i < 200; ++i) {
        now += round + 10;
        if (keepalive_due(now, last, ttl, round)) {
          worst = std::max(worst, now - last);
          last = now;
        }
      }
      EXPECT_LE(worst, ttl / 3 + 10) << lease << " " << interval;
      EXPECT_LT(2 * worst, ttl - lease_margin(ttl)) << lease << " " << interval;
    }
  }
}

TEST(EtcdTtl, KeepaliveDueOnlyWhenTheNextRoundWouldBeTooLate) {
  EXPECT_FALSE(keepalive_due(1000, 1000, 3000, 500));  // just renewed
  EXPECT_FALSE(keepalive_due(1499, 1000, 3000, 500));
  EXPECT_TRUE(keepalive_due(1501, 1000, 3000, 500));   // the next round would be past 1 s
  EXPECT_TRUE(keepalive_due(1001, 1000, 1000, 333));   // TTL 1 s: every round
}

TEST(Lease, NotHeldNeverActs) {
  Lease l{false, 1000, 5000, 500};
  EXPECT_FALSE(may_act(l, 1000));
  EXPECT_EQ(act_deadline(l), 0);
}

TEST(Coordination, WhoMayActAndWhyNot) {
  FakeClock mono{10'000};
  Lease held{true, mono.now, 2000, 200};
  struct Case {
    const char* name;
    Coordination c;
    TimeMs at;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{
           {"leader, fresh lease", {true, "", "s1", held}, mono.now + 100, ""},
           {"leader, lease run out locally (etcd still says s1)", {true, "", "s1", held},
            mono.now + 1800, "leader lease expired on the local clock"},
           {"etcd unavailable", {false, "http://127.0.0.1:2379: timeout", "", {}}, mono.now,
            "coordination unavailable: http://127.0.0.1:2379: timeout"},
           {"etcd unavailable: even a leader with a fresh lease decides nothing",
            {false, "timeout", "s1", held}, mono.now + 100, "coordination unavailable: timeout"},
           {"follower", {true, "", "s2", {}}, mono.now, "s2 leads"},
           {"nobody leads", {true, "", "", {}}, mono.now, "no leader yet"},
       }) {
    std::string got = act_blocker(c.c, c.at);
    if (c.want.empty()) {
      EXPECT_EQ(got, "") << c.name;
    } else {
      EXPECT_EQ(got.rfind(c.want, 0), 0u) << c.name << ": " << got;
    }
  }
}

TEST(RemoteState, LowerEpochOrGarbageIsAFaultNewerIsAdopted) {
  ClusterState local;
  local.epoch = 5;
  ClusterState lower = local, same = local, newer = local;
  lower.epoch = 3;
  newer.epoch = 6;
  EXPECT_EQ(judge_remote(local, std::nullopt, "bad JSON at 1", false).verdict, RemoteVerdict::Fault);
  auto j = judge_remote(local, lower, "", false);
  EXPECT_EQ(j.verdict, RemoteVerdict::Fault);
  EXPECT_EQ(j.why, "epoch 3 below the known epoch 5");
  EXPECT_EQ(judge_remote(local, same, "", true).verdict, RemoteVerdict::Keep);
  EXPECT_EQ(judge_remote(local, same, "", false).verdict, RemoteVerdict::Adopt);  // drain
  EXPECT_EQ(judge_remote(local, newer, "", false).verdict, RemoteVerdict::Adopt);
}

Plan failover() {
  Plan p;
  p.kind = Plan::Kind::Failover;
  p.epoch = 5;
  p.old_master = "lb1";
  p.candidates = {"lb2", "lb3"};
  return p;
}

std::vector<std::string> names(const std::vector<FenceStep>& steps) {
  std::vector<std::string> out;
  for (const auto& s : steps)
    out.push_back(std::string(fence_step_name(s.kind)) + " " + s.node + (s.required ? "!" : ""));
  return out;
}

TEST(Fencing, StepDownAndFenceComeBeforeAnyPromote) {
  using V = std::vector<std::string>;
  EXPECT_EQ(names(failover_steps(failover(), {})), (V{"step-down lb1", "promote lb2", "promote lb3"}));
  EXPECT_EQ(names(failover_steps(failover(), {true, false})),
            (V{"step-down lb1", "fence lb1", "promote lb2", "promote lb3"}));
  EXPECT_EQ(names(failover_steps(failover(), {true, true})),
            (V{"step-down lb1", "fence lb1!", "promote lb2", "promote lb3"}));
  Plan boot = failover();
  boot.kind = Plan::Kind::Bootstrap;
  boot.old_master.clear();
  EXPECT_EQ(names(failover_steps(boot, {true, true})), (V{"promote lb2", "promote lb3"}));
  Plan resumed = failover();
  resumed.promoted = true;
  EXPECT_TRUE(failover_steps(resumed, {true, true}).empty());
}

TEST(Fencing, AFailedStepDownStaysOwedASuccessfulOneDoesNot) {
  FakeClock clock;
  for (bool ok : {true, false}) {
    ClusterState s;
    s.master = "lb1";
    s.epoch = 4;
    begin_plan(s, failover());
    step_down_outcome(s, "lb1", ok);
    plan_promoted(s, "lb2", clock.now);
    EXPECT_EQ(s.master, "lb2");
    EXPECT_EQ(s.owed_demotes.count("lb1"), ok ? 0u : 1u) << (ok ? "stepped down" : "failed");
    if (!ok) {
      EXPECT_EQ(s.owed_demotes.at("lb1"), 5u);
    }
  }
}

}  // namespace
}  // namespace sentinel::cluster
