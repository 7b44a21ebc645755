// DNS cookies, the server side: RFC 7873 5.2 decisions and RFC 9018 server cookies
// (version 1 | reserved | 32-bit timestamp | SipHash-2-4 of client cookie | version |
// reserved | timestamp | client address, keyed with the shared 128-bit secret).
// Pure and allocation-free: the caller passes the time and the client's address.
#pragma once
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

#include "dnsd/common/cookie_secret.h"

namespace dnsd::answer {

// The query's source address as hashed into its server cookie (RFC 9018 4.4).
struct ClientAddress {
  uint8_t length = 0;  // 4 (IPv4), 16 (IPv6), 0 = unknown: no cookie is made
  uint8_t bytes[16] = {};
};

// An IPv4-mapped IPv6 source (a dual-stack socket) is its IPv4 address, as another node
// with a plain IPv4 socket would see it, so both compute the same cookie.
ClientAddress client_address(const sockaddr* sa) noexcept;

inline constexpr size_t kClientCookieSize = 8;    // RFC 7873 4.1
inline constexpr size_t kServerCookieSize = 16;   // RFC 9018 4.2
inline constexpr size_t kResponseCookieSize = kClientCookieSize + kServerCookieSize;
inline constexpr size_t kCookieOptionSize = 4 + kResponseCookieSize;  // code, length, data

// RFC 7873 5.2.2: a COOKIE option of any other length is malformed (FORMERR): a client
// cookie alone (8) or with a server cookie of 8 to 32 bytes.
constexpr bool cookie_length_ok(size_t n) { return n == 8 || (n >= 16 && n <= 40); }

enum class CookieVerdict : uint8_t {
  ClientOnly,  // RFC 7873 5.2.3: no server cookie; answer with a fresh one
  Invalid,     // RFC 7873 5.2.4: a server cookie we cannot accept; as ClientOnly
  Valid,       // RFC 7873 5.2.5: ours, recent; echoed unchanged
  Renewed,     // RFC 7873 5.2.5 + RFC 9018 4.3: ours but old or from the previous
               // secret; answered with a fresh one
};

inline bool is_valid(CookieVerdict v) {
  return v == CookieVerdict::Valid || v == CookieVerdict::Renewed;
}

// RFC 9018 4.4: the 16-byte server cookie for `client_cookie` (8 bytes) made at `now`.
void make_server_cookie(const uint8_t* client_cookie, const ClientAddress& client,
                        const common::CookieSecret& secret, uint32_t now, uint8_t* out) noexcept;

// Judges the COOKIE option data `cookie` (`len` bytes, cookie_length_ok) of a query from
// `client` at `now` (seconds since the epoch) and writes the response's option data, the
// client cookie and a server cookie, into `out` (kResponseCookieSize bytes).
// `secrets.count` must be at least 1.
CookieVerdict judge_cookie(const uint8_t* cookie, size_t len, const ClientAddress& client,
                           const common::CookieSecrets& secrets, uint32_t now,
                           uint8_t* out) noexcept;

}  // namespace dnsd::answer
