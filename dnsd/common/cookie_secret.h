// The DNS cookie server secret (RFC 9018 4.4: a 128-bit SipHash-2-4 key) and the file
// that holds it. Every node that answers for the same NS address shares the file, so each
// accepts the others' cookies. The first secret makes cookies; a second one is accepted
// while validating, so a secret can be rolled on every node without breaking clients
// (RFC 9018 5).
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "dnsd/common/config_error.h"

namespace dnsd::common {

struct CookieSecret {
  uint8_t bytes[16] = {};
  bool operator==(const CookieSecret&) const = default;
};

struct CookieSecrets {
  CookieSecret keys[2];  // keys[0] makes cookies; keys[0..count) validate them
  uint8_t count = 0;     // 0 = no secret: cookies are not answered
  bool operator==(const CookieSecrets&) const = default;
};

// Reads `path`: one secret per line as 32 hex digits, the current one first and at most
// one previous one after it; blank lines and lines starting with '#' are skipped. Problems
// are reported against the secret file's own lines (never echoing a secret), or against
// `ctx_file:ctx_line` (the config key `ctx_key` = `shown`) when the file cannot be read.
std::optional<CookieSecrets> read_cookie_secret_file(const std::string& path,
                                                     const std::string& ctx_file, int ctx_line,
                                                     const std::string& ctx_key,
                                                     const std::string& shown, ErrorList& errors);

// One secret from the kernel's random source (getrandom), for a node without a file.
CookieSecrets random_cookie_secrets();

}  // namespace dnsd::common
