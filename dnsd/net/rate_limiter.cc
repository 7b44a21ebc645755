// Response rate limiting.
#include "dnsd/net/rate_limiter.h"

#include <netinet/in.h>

#include <cstring>

namespace dnsd::net {

RateLimiter::RateLimiter(uint32_t rate, uint32_t slip, size_t slots)
    : rate_(rate), slip_(slip), table_(rate ? slots : 0) {}

RateLimiter::Verdict RateLimiter::check(const sockaddr_storage& client, uint64_t now_s,
                                        bool valid_cookie) {
  if (!rate_ || valid_cookie) return Verdict::Send;  // RFC 7873 5.2.5: a proven source
  uint64_t hi = 0, lo = 0;
  if (client.ss_family == AF_INET) {
    uint32_t a = ntohl(reinterpret_cast<const sockaddr_in&>(client).sin_addr.s_addr);
    lo = (a & 0xFFFFFF00u) | (uint64_t{4} << 32);  // /24
  } else if (client.ss_family == AF_INET6) {
    const uint8_t* b = reinterpret_cast<const sockaddr_in6&>(client).sin6_addr.s6_addr;
    std::memcpy(&hi, b, 8);
    hi &= htobe64(0xFFFFFFFFFFFFFF00ull);  // /56
    lo = uint64_t{6} << 32;
  }
  uint64_t h = (hi ^ (lo * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
  Bucket& b = table_[(h >> 17) % table_.size()];
  if (b.key_hi != hi || b.key_lo != lo || b.second != now_s) {
    b = Bucket{hi, lo, now_s, 0, 0};
  }
  if (b.used < rate_) {
    ++b.used;
    return Verdict::Send;
  }
  ++b.limited;
  if (slip_ != 0 && b.limited % slip_ == 0) return Verdict::Slip;
  return Verdict::Drop;
}

size_t truncate_for_slip(uint8_t* msg, size_t len) {
  if (len < 12) return len;
  size_t end = 12;
  if (msg[4] == 0 && msg[5] == 1) {
    size_t p = 12;
    while (p < len && msg[p] != 0 && (msg[p] & 0xC0) == 0) p += 1u + msg[p];
    if (p < len && msg[p] == 0 && p + 5 <= len) end = p + 5;
    else end = 12;
  }
  msg[2] |= 0x02;  // TC
  for (size_t i = (end == 12 ? 4 : 6); i < 12; ++i) msg[i] = 0;
  return end;
}

}  // namespace dnsd::net
