// The rules of a quorum of sentinels (docs/sentinel.md "High availability"), as Redis
// Sentinel names them: each sentinel's own view of a node is SDOWN or up; a node is ODOWN
// (objectively down) once `quorum` live sentinels see it down. One sentinel leads; it may
// act only while its lease, measured on its own monotonic clock, has not run out. Pure: no
// I/O, time comes in as milliseconds.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sentinel/cluster/cluster_state.h"
#include "sentinel/cluster/failover.h"

namespace sentinel::cluster {

// One sentinel's view of one node, as it publishes it (under its lease: a dead sentinel's
// opinions vanish with its lease).
struct Opinion {
  std::string sentinel;
  std::string node;
  Health health = Health::Unknown;  // Down = this sentinel's SDOWN
  std::string evidence;             // the last probe's detail: "timeout", "SOA serial 7, AA"
  TimeMs at_ms = 0;                 // wall clock of the opinion
};

// What the live sentinels together say of one node.
struct Objective {
  Health health = Health::Unknown;  // Down = ODOWN, Up = a quorum sees it up, else Unknown
  std::vector<std::string> down_by, up_by, unknown_by;  // sentinel ids, sorted
};

// Down when at least `quorum` sentinels see the node down (ODOWN wins), Up when at least
// `quorum` see it up, Unknown otherwise: a minority never decides.
Objective objective(const std::vector<Opinion>& opinions, const std::string& node, int quorum);

// The views the failover rules decide on in coordinated mode: every node's health replaced
// by its objective health; damping stays this sentinel's own.
std::vector<NodeView> objective_views(const std::vector<NodeView>& local,
                                      const std::vector<Opinion>& opinions, int quorum);

// ---- leadership ---------------------------------------------------------------------------

// The leader's right to act. `renewed_mono` is the local monotonic time at which the last
// lease renewal that succeeded was *sent* (so etcd's own expiry is never earlier).
struct Lease {
  bool held = false;         // this sentinel holds the leader key
  TimeMs renewed_mono = 0;
  TimeMs lease_ms = 5000;
  TimeMs margin_ms = 500;    // room for clock-rate drift between this host and etcd's
};

// The margin subtracted from the lease: a tenth of it, at least 100 ms.
TimeMs lease_margin(TimeMs lease_ms);

// etcd 3.4 revokes expired leases in steps of 500 ms (its lessor's loop), and a follower
// needs a moment (the leader-key watch, one transaction) to take the key once it is gone.
constexpr TimeMs kEtcdExpiryStepMs = 500;
constexpr TimeMs kTakeOverNoticeMs = 200;

// The TTL asked of etcd for this sentinel's lease (whole seconds): the largest that still
// hands a dead leader's key on within `lease` + one probe `interval` whatever the instant
// of its death (its key goes at most TTL + the expiry step after its last keepalive, a
// watching follower takes it within the notice); at least 1 s, at most `lease`. So with
// lease 2 s, interval 200 ms the TTL is 1 s; with lease 5 s, interval 1 s it is 5 s.
TimeMs etcd_ttl_ms(TimeMs lease_ms, TimeMs interval_ms);

// Whether a keepalive must be sent in this round: waiting one more `round_ms` would leave
// more than a third of the TTL since the last renewal was sent, so two keepalives in a row
// may fail before the local deadline (TTL - margin) passes.
bool keepalive_due(TimeMs now_mono, TimeMs last_sent_mono, TimeMs ttl_ms, TimeMs round_ms);

// The period of the coordination rounds (read everything, campaign when nobody leads,
// keepalive when due): a sixth of the lease or a third of the TTL, whichever is shorter,
// within 100 ms .. 1 s. The leader-key watch wakes a round at once; rounds are its fallback.
TimeMs round_period_ms(TimeMs lease_ms, TimeMs ttl_ms);

// now < renewed + lease - margin, whatever etcd says later: a paused or cut-off leader
// stops on its own clock before another sentinel can take over.
bool may_act(const Lease& l, TimeMs now_mono);
// The monotonic time acting stops (0 when not held).
TimeMs act_deadline(const Lease& l);

// What this sentinel knows of the coordination right now.
struct Coordination {
  bool etcd_ok = false;       // the last round with etcd succeeded
  std::string etcd_error;     // why not, when not
  std::string leader;         // the leader key's sentinel id; empty = nobody leads
  Lease lease;                // this sentinel's leadership
};

// Why no decision or action is taken, empty when this sentinel may act now:
// "coordination unavailable: ...", "s1 leads", "no leader yet", "leader lease expired".
std::string act_blocker(const Coordination& c, TimeMs now_mono);

// ---- the cluster state in etcd ------------------------------------------------------------

// What to do with a state read from etcd, given the one this sentinel holds.
enum class RemoteVerdict : uint8_t { Adopt, Keep, Fault };
struct RemoteJudgement {
  RemoteVerdict verdict = RemoteVerdict::Keep;
  std::string why;  // for Fault: what was wrong ("epoch 3 below the known epoch 5")
};
// `parse_error` non-empty: the value was not a state sentinel writes. A lower epoch than the
// one this sentinel already knows is a fault (never adopted, never acted on); the same
// epoch and content is Keep; anything newer is adopted.
RemoteJudgement judge_remote(const ClusterState& local, const std::optional<ClusterState>& remote,
                             const std::string& parse_error, bool same_content);

// ---- fencing ------------------------------------------------------------------------------

// One step of a failover in coordinated mode, in the order they must run: the old master
// is told to step down (short timeout) and fenced before any candidate is promoted.
struct FenceStep {
  enum class Kind : uint8_t { StepDown, Fence, Promote };
  Kind kind;
  std::string node;
  bool required = false;  // Fence: no promote unless it succeeded
};
const char* fence_step_name(FenceStep::Kind k);

// The node's fence hook as the rules need to know it.
struct FenceSpec {
  bool hook = false;
  bool required = false;
};

// StepDown(old), Fence(old) when it has a hook, then Promote(each candidate) in order.
// Plans without an old master (bootstrap) or already promoted (a resumed plan) skip the
// fencing; a demote plan has no promote.
std::vector<FenceStep> failover_steps(const Plan& plan, const FenceSpec& old_master_fence);

// The step-down's outcome: done, or owed (the old master stays out of service and is told
// again once it is back, at this plan's epoch).
void step_down_outcome(ClusterState& s, const std::string& node, bool ok);

}  // namespace sentinel::cluster
