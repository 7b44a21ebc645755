// Per-worker counters (relaxed atomics written by one worker, summed on read).
#pragma once
#include <atomic>
#include <cstdint>

namespace dnsd::net {

struct WorkerStats {
  std::atomic<uint64_t> udp_queries{0};
  std::atomic<uint64_t> tcp_queries{0};
  std::atomic<uint64_t> responses_by_rcode[17]{};  // 0..15, 16 = BADVERS
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> tcp_accepted{0};
  std::atomic<uint64_t> tcp_rejected{0};
  std::atomic<uint64_t> tcp_timeouts{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rrl_dropped{0};
  std::atomic<uint64_t> rrl_slipped{0};

  void count_rcode(uint8_t rcode) {
    responses_by_rcode[rcode > 16 ? 16 : rcode].fetch_add(1, std::memory_order_relaxed);
  }
};

struct StatsTotals {
  uint64_t udp_queries = 0, tcp_queries = 0, truncated = 0, dropped = 0;
  uint64_t tcp_accepted = 0, tcp_rejected = 0, tcp_timeouts = 0, errors = 0;
  uint64_t rrl_dropped = 0, rrl_slipped = 0;
  uint64_t responses_by_rcode[17] = {};
};

}  // namespace dnsd::net
