// Blocking DNS exchanges with one dnsd (UDP with TCP fallback, or TCP), bounded by a
// timeout; used from the sentinel's executor thread, never from the probe loop.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "dnsd/common/address.h"

namespace sentinel::records {

struct Exchange {
  bool ok = false;
  std::string error;  // "timeout", "connection refused", ...
  std::vector<uint8_t> response;
};

// Sends `query` and returns the first response whose ID matches. Over UDP a truncated
// (TC) response is retried over TCP.
Exchange dns_exchange(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& query,
                      std::chrono::milliseconds timeout, bool tcp);

// Sends `query` over one TCP connection and hands each response message (RFC 7766 length
// prefix removed) to `on_message` until it returns false: the answer is complete (a zone
// transfer spans several messages). False with `error` on a connection error, a close
// before the end, or when `timeout`, which covers the whole stream, passes.
bool dns_stream(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& query,
                std::chrono::milliseconds timeout,
                const std::function<bool(std::vector<uint8_t>&&)>& on_message, std::string& error);

}  // namespace sentinel::records
