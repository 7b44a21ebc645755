// Per-thread counters, one set per TCP worker and one per UDP socket thread: each written
// by its own thread only (bump(): a relaxed load and store), summed on read by
// Server::stats() (relaxed loads).
#pragma once
#include <atomic>
#include <cstdint>
#include <vector>

#include "dnsd/net/query_counters.h"

namespace dnsd::net {

struct WorkerStats {
  std::atomic<uint64_t> udp_queries{0};  // every datagram read, slow path included
  std::atomic<uint64_t> tcp_queries{0};  // every framed TCP message, slow path included
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> dropped{0};
  std::atomic<uint64_t> tcp_accepted{0};
  std::atomic<uint64_t> tcp_rejected{0};
  std::atomic<uint64_t> tcp_timeouts{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> rrl_dropped{0};
  std::atomic<uint64_t> rrl_slipped{0};
  QueryCounters answered;  // the answers the worker sent, by zone, qtype, rcode, transport
};

struct StatsTotals {
  uint64_t udp_queries = 0, tcp_queries = 0, truncated = 0, dropped = 0;
  uint64_t tcp_accepted = 0, tcp_rejected = 0, tcp_timeouts = 0, errors = 0;
  uint64_t rrl_dropped = 0, rrl_slipped = 0;
  std::vector<ZoneCells> answered;  // by zone stats slot (0 = outside every zone)
};

}  // namespace dnsd::net
