// Probe start times from the planned schedule.
#include "sentinel/daemon/probe_schedule.h"

#include <algorithm>

namespace sentinel::daemon {

uint64_t first_round_spread(uint64_t interval_ms) { return std::min<uint64_t>(interval_ms, 1000); }

int64_t jitter_span(uint64_t interval_ms) { return static_cast<int64_t>(interval_ms / 10); }

uint64_t next_start(uint64_t planned, uint64_t interval_ms, int64_t jitter, uint64_t now) {
  int64_t span = jitter_span(interval_ms);
  jitter = std::clamp(jitter, -span, span);
  // interval + jitter is at least 0.9 interval: never negative.
  uint64_t next = planned + static_cast<uint64_t>(static_cast<int64_t>(interval_ms) + jitter);
  if (interval_ms > 0 && next + interval_ms <= now)
    next += (now - next) / interval_ms * interval_ms;  // now - interval < next <= now
  return next;
}

}  // namespace sentinel::daemon
