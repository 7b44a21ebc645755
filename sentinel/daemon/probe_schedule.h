// When each check's probes start: pure functions of the planned schedule (milliseconds on
// the loop's clock), so a loop that ran late (a /metrics scrape, a CPU taken by someone
// else) does not move the probes that were due meanwhile onto one instant for good.
#pragma once
#include <cstdint>

namespace sentinel::daemon {

// The first start of a check is drawn uniformly from [now, now + first_round_spread]: the
// first round is spread over an interval (at most 1 s), as the later rounds are.
uint64_t first_round_spread(uint64_t interval_ms);

// The jitter span of one check: each next start moves by up to +-10 % of the interval.
int64_t jitter_span(uint64_t interval_ms);

// The planned start after the one planned at `planned`: one interval plus `jitter` later
// (clamped to +-jitter_span), counted from the plan, not from when the loop got round to
// the probe. It may already be past at `now` (the loop or the probe ran late): the probe
// then starts at once, and the plan after it is again one interval on, so the check keeps
// its place in the round. Rounds missed entirely (a stall longer than an interval) are
// dropped, not caught up: the result is never more than one interval before `now`.
uint64_t next_start(uint64_t planned, uint64_t interval_ms, int64_t jitter, uint64_t now);

}  // namespace sentinel::daemon
