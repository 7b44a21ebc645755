// When a stopping dnsd may exit before the end of stop_grace (issue 19): once the node has
// left the apex NS set of every zone it answers self names for, and resolvers can no longer
// hold a copy of the set that still names it.
//
// Why: in the grace window every resolver leaves the node within 1 ms of asking it, but
// Knot Resolver picks a random address of the NS set it holds for 1 query in 20 and waits
// 40 ms on one that is gone, for as long as the node is in the NS set it cached
// (docs/operations.md "Why Knot Resolver waits 40 ms after a stop"). sentinel takes a node
// whose DNS check fails (the grace answer fails it) out of the apex NS set and pushes that
// to every dnsd, the stopping one included. From then on a resolver's cached copy lives at
// most the old set's TTL, but Knot Resolver keeps every record at least cache.min_ttl (5 s
// by default): [server] stop_leave_wait, 5 s by default. The extra 1 s covers a resolver
// that fetched the old set just before the push and clock granularity.
//
// Pure: the caller reads the NS sets (ns_views) and gives the loop's clock in ms.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dnsd::zone {
class Catalog;
class ZoneSnapshot;
}  // namespace dnsd::zone

namespace dnsd::service {

// What one zone's apex NS set says about this node.
struct NsView {
  std::string zone;          // the zone's name as text ("api.example.com."), for the log
  bool names_node = false;   // an NS target's in-zone A/AAAA is one of [node] ipv4/ipv6
  uint32_t ttl = 0;          // the apex NS set's TTL (0: no NS set)
};

// The apex NS set of `z` against this node. With `ns_names` ([node] ns: lowercase absolute
// text names, "ns1.example.com.") a target names the node exactly when it is one of them,
// in the zone or not: the operator said so, as sentinel's [[node]] ns does. Without, the
// node's addresses (its SelfSpec, from [node]) decide: a target names it when its A/AAAA
// in the zone is one of them, or when it is a self name (exactly, or by a self wildcard
// "*" where the target has no data), whose A/AAAA are them; an out-of-zone target never
// does, as dnsd cannot see where it points.
NsView read_apex_ns(const zone::ZoneSnapshot& z, const std::vector<std::string>& ns_names = {});

// read_apex_ns of every zone with self names, in catalog order.
std::vector<NsView> ns_views(const zone::Catalog& c, const std::vector<std::string>& ns_names = {});

struct StopLeaveZone {
  std::string zone;
  bool named_at_start = false;
  // Followed for the early end: named at the stop, or not named then while dnsd knows its
  // own NS names ([node] ns), so that the set not naming it means sentinel took it out
  // (a drain, or a check that failed before the stop).
  bool followed = false;
  uint32_t ttl_while_named = 0;      // the largest NS TTL seen while the set named the node
  std::optional<int64_t> unnamed_since;  // loop ms since which the set has not named it
};

struct StopLeave {
  int64_t grace_start = 0;   // loop ms of the stop signal
  int64_t stop_grace = 0;    // ms: [server] stop_grace, the longest the window lasts
  int64_t min_wait = 5000;   // ms: [server] stop_leave_wait
  std::vector<StopLeaveZone> zones;
};

// The state at the stop signal, from the NS sets as they are then. `own_names_known`:
// [node] ns is set, so a set that does not name the node is one it is out of; it counts as
// left at the signal (when it left is not known: a resolver may still hold the set from
// before, so the wait runs from the signal with the set's TTL now).
StopLeave begin_stop_leave(int64_t now, int64_t stop_grace, int64_t min_wait,
                           const std::vector<NsView>& views, bool own_names_known = false);

// Takes in the NS sets as they are `now` (after a zone changed, or on the coarse timer).
// A zone missing from `views` (removed by a reload) keeps its last state.
void observe(StopLeave& s, const std::vector<NsView>& views, int64_t now);

struct StopVerdict {
  bool exit = false;
  int64_t exit_at = 0;  // loop ms when the window ends if nothing changes
  std::string why;      // the log line when `exit`
};

// Exit now, or keep answering until `exit_at` (re-ask after the next change or tick).
StopVerdict decide(const StopLeave& s, int64_t now);

}  // namespace dnsd::service
