// TSIG (RFC 8945) over raw wire bytes with OpenSSL HMAC: verify a signed request, sign
// responses (single and multi-message, 5.3.1), and the error forms (BADKEY/BADSIG/BADTIME).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dnsd/common/tsig_key.h"

namespace dnsd::update {

namespace tsig_error {
inline constexpr uint16_t NOERROR = 0, BADSIG = 16, BADKEY = 17, BADTIME = 18, BADTRUNC = 22;
}

// The TSIG record of a request, as parsed.
struct TsigRecord {
  std::string key_name;   // lowercase wire
  std::string algorithm;  // lowercase wire
  uint64_t time_signed = 0;
  uint16_t fudge = 0;
  std::vector<uint8_t> mac;
  uint16_t original_id = 0;
  uint16_t error = 0;
  std::vector<uint8_t> other;
};

struct TsigVerification {
  enum class Status : uint8_t { Unsigned, Ok, FormErr, BadKey, BadSig, BadTime };
  Status status = Status::Unsigned;
  const common::TsigKey* key = nullptr;  // set when the key was found (Ok, BadSig, BadTime)
  TsigRecord record;
  size_t unsigned_length = 0;  // request length without its TSIG RR
};

// Verifies the TSIG RR starting at `tsig_offset` (0 = unsigned) against `keys` at `now`
// (seconds since the epoch).
TsigVerification verify_request(const uint8_t* msg, size_t len, size_t tsig_offset,
                                const std::vector<common::TsigKey>& keys, uint64_t now);

// Signs responses. The first message covers the request MAC (RFC 8945 5.3); each later
// one covers the previous response MAC and only the timers (5.3.1).
class TsigSigner {
 public:
  TsigSigner(const common::TsigKey& key, const TsigRecord& request, uint64_t now,
             uint16_t error = tsig_error::NOERROR);
  // Appends the TSIG RR to `msg` (and bumps ARCOUNT).
  void sign(std::vector<uint8_t>& msg);

 private:
  const common::TsigKey& key_;
  std::vector<uint8_t> prior_mac_;
  uint16_t original_id_;
  uint64_t now_;
  uint16_t error_;
  bool first_ = true;
};

// Verifies the responses to a request this process signed, in order (RFC 8945 5.3.1): the
// first covers the request's MAC, each later one the previous response's MAC and only its
// timers. Every message must be signed (dnsd signs each message of a transfer).
class TsigResponseVerifier {
 public:
  TsigResponseVerifier(const common::TsigKey& key, std::vector<uint8_t> request_mac, uint64_t now);
  // True when `msg` ends with a TSIG RR of the key, with a right MAC, no TSIG error and a
  // time within its fudge of now; false with `error` otherwise.
  bool verify(const std::vector<uint8_t>& msg, std::string& error);

 private:
  const common::TsigKey& key_;
  std::vector<uint8_t> prior_mac_;
  uint64_t now_;
  bool first_ = true;
};

// For BADKEY/BADSIG: appends an unsigned TSIG (empty MAC) carrying `error` (RFC 8945 5.3.2).
void append_unsigned_tsig(std::vector<uint8_t>& msg, const TsigRecord& request, uint16_t error,
                          uint64_t now);

// Signs a request (RFC 8945 4.3.1: the MAC covers the message and the TSIG variables),
// appending the TSIG RR; fudge 300 s.
void sign_request(std::vector<uint8_t>& msg, const common::TsigKey& key, uint64_t now);

// HMAC of `data` with the key's algorithm.
std::vector<uint8_t> hmac(const common::TsigKey& key, const uint8_t* data, size_t len);

}  // namespace dnsd::update
