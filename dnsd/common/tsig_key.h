// TSIG keys ([[key]] tables) shared by dnsd and sentinel: name, algorithm, secret bytes.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::common {

enum class TsigAlgorithm : uint8_t { HmacSha256, HmacSha384, HmacSha512 };

struct TsigKey {
  std::string name;             // lowercase, absolute: "sentinel."
  TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256;
  std::vector<uint8_t> secret;  // decoded bytes
};

// "hmac-sha256" etc.; false for anything else (hmac-md5 is refused on purpose).
bool parse_tsig_algorithm(std::string_view text, TsigAlgorithm& out);
// Algorithm name as it appears on the wire, e.g. "hmac-sha256.".
const char* tsig_algorithm_name(TsigAlgorithm a);

// Standard base64 (RFC 4648), whitespace ignored; false on invalid input.
bool base64_decode(std::string_view text, std::vector<uint8_t>& out);
std::string base64_encode(const uint8_t* data, size_t len);

}  // namespace dnsd::common
