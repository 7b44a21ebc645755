// The [log] queries_per_second cap on query log lines: at most `rate` lines in each
// one-second window (opened by the first line after the previous one ended); the rest are counted and reported once per window, so a flood cannot
// turn the log into the bottleneck. Pure: the caller passes a monotonic clock in ms.
#pragma once
#include <cstdint>

namespace dnsd::net {

class QueryLogCap {
 public:
  explicit QueryLogCap(uint32_t per_second) : rate_(per_second) {}
  void set_rate(uint32_t per_second) { rate_ = per_second; }
  uint32_t rate() const { return rate_; }

  // Whether one more line may be written at `now_ms`; false counts it as not logged.
  bool admit(uint64_t now_ms);
  // `n` lines that never reached the cap (a worker's queue was full): not logged either.
  void lost(uint64_t n, uint64_t now_ms);
  // The lines not logged in the windows that ended by `now_ms` since the last call:
  // non-zero at most once per second.
  uint64_t take_summary(uint64_t now_ms);

 private:
  void roll(uint64_t now_ms);

  uint32_t rate_;
  bool open_ = false;  // a window is running
  uint64_t window_start_ = 0;
  uint32_t written_ = 0;     // in the current window
  uint64_t not_logged_ = 0;  // in the current window
  uint64_t due_ = 0;         // in ended windows, not reported yet
};

}  // namespace dnsd::net
