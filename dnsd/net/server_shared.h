// What every query thread reads (the UDP threads and the TCP workers): the catalog, the
// grace flag, the query log switch, the TCP limits, the rate limiter's share and the
// slow-path hand-off. Set up before Server::start(); the atomics may change any time.
#pragma once
#include <atomic>
#include <cstdint>

#include "dnsd/answer/stop_answer.h"
#include "dnsd/net/slow_path.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::net {

struct ServerShared {
  explicit ServerShared(const zone::CatalogHolder& h) : holder(h) {}
  const zone::CatalogHolder& holder;
  std::atomic<bool> grace{false};       // stop_grace window
  std::atomic<answer::StopAnswer> grace_answer{answer::StopAnswer::Refused};  // ... answering this
  std::atomic<bool> log_queries{false};  // [log] queries: fill the query log rings
  std::atomic<unsigned> tcp_clients{0};
  unsigned tcp_max_clients = 1000;
  uint64_t tcp_idle_ms = 10'000;
  uint32_t rrl_rate = 0;  // per UDP socket: [rrl] responses_per_second / workers
  uint32_t rrl_slip = 2;
  SlowPathHandler slow_path;  // set before start(); empty = slow-path messages are dropped
};

}  // namespace dnsd::net
