// Fixed one-second windows for the query log cap.
#include "dnsd/net/query_log_cap.h"

namespace dnsd::net {

void QueryLogCap::roll(uint64_t now_ms) {
  if (!started_) {
    started_ = true;
    window_start_ = now_ms;
    return;
  }
  if (now_ms - window_start_ < 1000) return;
  due_ += not_logged_;
  not_logged_ = 0;
  written_ = 0;
  window_start_ = now_ms;
}

bool QueryLogCap::admit(uint64_t now_ms) {
  roll(now_ms);
  if (written_ < rate_) {
    ++written_;
    return true;
  }
  ++not_logged_;
  return false;
}

uint64_t QueryLogCap::take_summary(uint64_t now_ms) {
  roll(now_ms);
  uint64_t n = due_;
  due_ = 0;
  return n;
}

}  // namespace dnsd::net
