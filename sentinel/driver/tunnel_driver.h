// Tells a node's tunnel server to become master or step down (docs/tunnel-hook-protocol.md):
// http (HMAC-signed POST), exec (a command), none. Blocking; bounded by a timeout.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::driver {

struct DriverCall {
  std::string event;   // "promote" | "demote"
  std::string node;    // the node being told
  std::string master;  // the master after this change
  uint64_t epoch = 0;
  std::string zone;    // "api.example.com"
  int64_t ts = 0;      // unix seconds
};

struct DriverResult {
  bool ok = false;
  std::string detail;  // "HTTP 200", "exit 0", "timeout after 5s", ...
};

// The JSON body of the http driver, keys in the order docs/tunnel-hook-protocol.md shows.
std::string driver_body(const DriverCall& call);
// "sha256=<hex HMAC-SHA256(secret, ts + "." + body)>".
std::string driver_signature(const std::vector<uint8_t>& secret, int64_t ts,
                             const std::string& body);

DriverResult call_http_driver(const config::TunnelConfig& t, const DriverCall& call,
                              std::chrono::milliseconds timeout);
DriverResult call_exec_driver(const config::TunnelConfig& t, const DriverCall& call,
                              std::chrono::milliseconds timeout);

// Dispatches on t.driver ("none" always succeeds).
DriverResult call_driver(const config::TunnelConfig& t, const DriverCall& call,
                         std::chrono::milliseconds timeout);

}  // namespace sentinel::driver
