// TILT and the warm-up as pure steps.
#include "sentinel/cluster/guards.h"

namespace sentinel::cluster {

std::optional<TimeMs> tilt_jump(TimeMs wall_delta, TimeMs mono_delta) {
  TimeMs drift = wall_delta - mono_delta;
  if (drift > kTiltJumpMs || drift < -kTiltJumpMs) return drift;
  return std::nullopt;
}

bool warmed_up(bool all_known, TimeMs since_start_ms, TimeMs longest_verdict_ms) {
  return all_known || since_start_ms > longest_verdict_ms;
}

bool automatic_allowed(TimeMs now_mono, TimeMs tilt_until_mono) {
  return now_mono >= tilt_until_mono;
}

}  // namespace sentinel::cluster
