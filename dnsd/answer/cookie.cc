// Server cookies per RFC 9018 and the RFC 7873 5.2 cases.
#include "dnsd/answer/cookie.h"

#include <netinet/in.h>

#include <cstring>

#include "dnsd/common/siphash.h"

namespace dnsd::answer {
namespace {

constexpr uint8_t kVersion = 1;          // RFC 9018 4.2: the SipHash-2-4 method
constexpr int32_t kLifetime = 3600;      // RFC 9018 4.3: valid for an hour ...
constexpr int32_t kFutureSkew = 300;     // ... and at most five minutes ahead
constexpr int32_t kRenewAfter = 1800;    // RFC 9018 4.3: renew after half an hour

// Hash = SipHash-2-4(Client Cookie | Version | Reserved | Timestamp | Client-IP, Secret),
// with `head` = the server cookie's first 8 bytes (version, reserved, timestamp).
void server_hash(const uint8_t* client_cookie, const uint8_t* head, const ClientAddress& client,
                 const common::CookieSecret& secret, uint8_t* out) {
  uint8_t input[kClientCookieSize + 8 + 16];
  std::memcpy(input, client_cookie, kClientCookieSize);
  std::memcpy(input + kClientCookieSize, head, 8);
  std::memcpy(input + kClientCookieSize + 8, client.bytes, client.length);
  common::siphash24(secret.bytes, input, kClientCookieSize + 8 + client.length, out);
}

bool equal_hash(const uint8_t* a, const uint8_t* b) {
  uint8_t diff = 0;  // every byte compared: no early exit an attacker could time
  for (int i = 0; i < 8; ++i) diff |= a[i] ^ b[i];
  return diff == 0;
}

uint32_t timestamp_of(const uint8_t* server) {
  return static_cast<uint32_t>(server[4]) << 24 | static_cast<uint32_t>(server[5]) << 16 |
         static_cast<uint32_t>(server[6]) << 8 | server[7];
}

}  // namespace

ClientAddress client_address(const sockaddr* sa) noexcept {
  ClientAddress a;
  if (sa->sa_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(a.bytes, &sin->sin_addr, 4);
    a.length = 4;
  } else if (sa->sa_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
      std::memcpy(a.bytes, sin6->sin6_addr.s6_addr + 12, 4);
      a.length = 4;
    } else {
      std::memcpy(a.bytes, sin6->sin6_addr.s6_addr, 16);
      a.length = 16;
    }
  }
  return a;
}

void make_server_cookie(const uint8_t* client_cookie, const ClientAddress& client,
                        const common::CookieSecret& secret, uint32_t now, uint8_t* out) noexcept {
  // RFC 9018 4.2: version 1, three reserved bytes set to zero, then the timestamp.
  out[0] = kVersion;
  out[1] = out[2] = out[3] = 0;
  out[4] = static_cast<uint8_t>(now >> 24);
  out[5] = static_cast<uint8_t>(now >> 16);
  out[6] = static_cast<uint8_t>(now >> 8);
  out[7] = static_cast<uint8_t>(now);
  server_hash(client_cookie, out, client, secret, out + 8);
}

CookieVerdict judge_cookie(const uint8_t* cookie, size_t len, const ClientAddress& client,
                           const common::CookieSecrets& secrets, uint32_t now,
                           uint8_t* out) noexcept {
  std::memcpy(out, cookie, kClientCookieSize);  // RFC 7873 5.2: the client cookie is echoed
  auto fresh = [&](CookieVerdict v) {
    make_server_cookie(cookie, client, secrets.keys[0], now, out + kClientCookieSize);
    return v;
  };
  if (len == kClientCookieSize) return fresh(CookieVerdict::ClientOnly);
  const uint8_t* server = cookie + kClientCookieSize;
  // RFC 9018 4.2: only version 1 is defined, always 16 bytes. Anything else is some
  // other server's cookie (or garbage): invalid, which RFC 7873 5.2.4 answers as 5.2.3.
  if (len != kResponseCookieSize || server[0] != kVersion || client.length == 0)
    return fresh(CookieVerdict::Invalid);
  // RFC 9018 4.3: serial number arithmetic (RFC 1982) on the 32-bit timestamp.
  int32_t age = static_cast<int32_t>(now - timestamp_of(server));
  if (age > kLifetime || age < -kFutureSkew) return fresh(CookieVerdict::Invalid);
  for (uint8_t i = 0; i < secrets.count && i < 2; ++i) {
    uint8_t hash[8];
    server_hash(cookie, server, client, secrets.keys[i], hash);
    if (!equal_hash(hash, server + 8)) continue;
    // RFC 9018 4.3: renew a cookie older than half an hour; RFC 9018 5: a cookie made with
    // the previous secret is accepted but replaced by one made with the current secret.
    if (i != 0 || age > kRenewAfter) return fresh(CookieVerdict::Renewed);
    std::memcpy(out + kClientCookieSize, server, kServerCookieSize);
    return CookieVerdict::Valid;
  }
  return fresh(CookieVerdict::Invalid);
}

}  // namespace dnsd::answer
