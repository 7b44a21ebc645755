// SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012), the PRF
// of RFC 9018 server cookies. Ours rather than OpenSSL's EVP_MAC "SIPHASH" because that
// one allocates a context per call and the query path allocates nothing. Checked against
// the paper's reference vectors in tests/unit/dnsd/common/siphash_test.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace dnsd::common {

// The 64-bit tag of `data` under the 16-byte `key`, as the reference implementation
// returns it: out[0..7] is the tag in little-endian byte order.
void siphash24(const uint8_t key[16], const uint8_t* data, size_t len, uint8_t out[8]) noexcept;

}  // namespace dnsd::common
