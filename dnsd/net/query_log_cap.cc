// Fixed one-second windows for the query log cap.
#include "dnsd/net/query_log_cap.h"

namespace dnsd::net {

// A window opens at the first line after the last one ended, so a burst gets a whole
// window (at most `rate` lines) however it falls against the clock.
void QueryLogCap::roll(uint64_t now_ms) {
  if (!open_ || now_ms - window_start_ < 1000) return;
  due_ += not_logged_;
  not_logged_ = 0;
  written_ = 0;
  open_ = false;
}

bool QueryLogCap::admit(uint64_t now_ms) {
  roll(now_ms);
  if (!open_) {
    open_ = true;
    window_start_ = now_ms;
  }
  if (written_ < rate_) {
    ++written_;
    return true;
  }
  ++not_logged_;
  return false;
}

void QueryLogCap::lost(uint64_t n, uint64_t now_ms) {
  if (n == 0) return;
  roll(now_ms);
  if (!open_) {
    open_ = true;
    window_start_ = now_ms;
  }
  not_logged_ += n;
}

uint64_t QueryLogCap::take_summary(uint64_t now_ms) {
  roll(now_ms);
  uint64_t n = due_;
  due_ = 0;
  return n;
}

}  // namespace dnsd::net
