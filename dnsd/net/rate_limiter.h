// Response rate limiting (the RRL operators know from NSD/Knot, in its simplest form):
// one token bucket per client prefix (IPv4 /24, IPv6 /56) refilled every second. Over the
// rate, every `slip`-th response goes out truncated (TC, so a real client retries over TCP)
// and the rest are dropped; spoofed floods get no amplification. Per worker, no locks:
// a fixed table where a colliding prefix simply takes over the slot. A response to a query
// with a valid server cookie (RFC 7873 5.2.5) is always sent and not counted: its source
// address is proven, so it cannot be a spoofed victim (Unbound and BIND exempt them too).
#pragma once
#include <sys/socket.h>

#include <cstdint>
#include <vector>

namespace dnsd::net {

class RateLimiter {
 public:
  enum class Verdict : uint8_t { Send, Slip, Drop };

  // `rate` responses per second per prefix (0 = off), `slip` as in dnsd.toml [rrl].
  RateLimiter(uint32_t rate, uint32_t slip, size_t slots = 16384);

  bool enabled() const { return rate_ != 0; }
  // One response about to go to `client` at `now_s` (seconds, monotonic); `valid_cookie`:
  // the query carried a valid server cookie (answer::Result::valid_cookie).
  Verdict check(const sockaddr_storage& client, uint64_t now_s, bool valid_cookie);

 private:
  struct Bucket {
    uint64_t key_hi = 0, key_lo = 0;
    uint64_t second = 0;
    uint32_t used = 0;
    uint32_t limited = 0;  // responses over the rate this second, for the slip cadence
  };
  uint32_t rate_;
  uint32_t slip_;
  std::vector<Bucket> table_;
};

// Turns a response into its minimal truncated form (header + question, TC set), in place.
// Returns the new length.
size_t truncate_for_slip(uint8_t* msg, size_t len);

}  // namespace dnsd::net
