// The guards around automatic decisions, as Redis Sentinel has them: TILT (the wall clock
// jumped, so timers cannot be trusted for a while) and the warm-up (no decision before every
// node has a verdict or the longest check had time to reach one). Pure: time comes in.
#pragma once
#include <optional>
#include <string>

#include "sentinel/cluster/health.h"

namespace sentinel::cluster {

inline constexpr TimeMs kTiltJumpMs = 2000;    // a wall-clock jump larger than this ...
inline constexpr TimeMs kTiltHoldMs = 30000;   // ... stops automatic decisions for this long

// Between two ticks the wall clock moved `wall_delta`, the monotonic one `mono_delta`: the
// drift in ms when it is a jump that starts TILT, nullopt otherwise.
std::optional<TimeMs> tilt_jump(TimeMs wall_delta, TimeMs mono_delta);

// Automatic decisions wait until every node has a verdict (none is Unknown) or the longest
// check had time for rise/fall + 1 probes since the start.
bool warmed_up(bool all_known, TimeMs since_start_ms, TimeMs longest_verdict_ms);

// Whether an automatic plan (failover, bootstrap) that is not a resumed one may start now.
bool automatic_allowed(TimeMs now_mono, TimeMs tilt_until_mono);

}  // namespace sentinel::cluster
