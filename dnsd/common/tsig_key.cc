// TSIG algorithm names (RFC 8945 section 6) and base64 (RFC 4648 section 4) for key secrets.
#include "dnsd/common/tsig_key.h"

#include <array>
#include <cctype>

namespace dnsd::common {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, -1 otherwise.
constexpr std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = make_decode_table();

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

bool parse_tsig_algorithm(std::string_view text, TsigAlgorithm& out) {
  // Names compare case-insensitively like any DNS name, and the wire form's trailing dot
  // ("hmac-sha256.") is accepted too. Only the SHA-2 family of RFC 8945 section 6 is
  // offered: hmac-md5 is deliberately absent (MD5 is broken, RFC 6151).
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  if (lower == "hmac-sha256")
    out = TsigAlgorithm::HmacSha256;
  else if (lower == "hmac-sha384")
    out = TsigAlgorithm::HmacSha384;
  else if (lower == "hmac-sha512")
    out = TsigAlgorithm::HmacSha512;
  else
    return false;
  return true;
}

const char* tsig_algorithm_name(TsigAlgorithm a) {
  switch (a) {
    case TsigAlgorithm::HmacSha256:
      return "hmac-sha256.";
    case TsigAlgorithm::HmacSha384:
      return "hmac-sha384.";
    case TsigAlgorithm::HmacSha512:
      return "hmac-sha512.";
  }
  return "hmac-sha256.";
}

bool base64_decode(std::string_view text, std::vector<uint8_t>& out) {
  // Whitespace is dropped first (BIND key files and PEM-style wrapping split secrets over
  // lines); what remains must be canonical: groups of four, '=' only as final padding.
  std::string s;
  s.reserve(text.size());
  for (char c : text)
    if (!is_space(c)) s += c;
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!s.empty() && s.back() == '=') pad = (s.size() >= 2 && s[s.size() - 2] == '=') ? 2 : 1;
  std::vector<uint8_t> bytes;
  bytes.reserve(s.size() / 4 * 3);
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t group = 0;
    bool last = i + 4 == s.size();
    for (size_t j = 0; j < 4; ++j) {
      char c = s[i + j];
      int v = kDecode[static_cast<uint8_t>(c)];
      if (c == '=' && last && j >= 4 - pad)
        v = 0;
      else if (v < 0)
        return false;
      group = (group << 6) | static_cast<uint32_t>(v);
    }
    size_t n = last ? 3 - pad : 3;
    for (size_t j = 0; j < n; ++j) bytes.push_back(static_cast<uint8_t>(group >> (16 - 8 * j)));
  }
  out = std::move(bytes);
  return true;
}

std::string base64_encode(const uint8_t* data, size_t len) {
  std::string out;
  out.reserve((len + 2) / 3 * 4);
  for (size_t i = 0; i < len; i += 3) {
    size_t n = len - i < 3 ? len - i : 3;
    uint32_t group = static_cast<uint32_t>(data[i]) << 16;
    if (n > 1) group |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (n > 2) group |= data[i + 2];
    for (size_t j = 0; j < 4; ++j) out += j <= n ? kAlphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
  }
  return out;
}

}  // namespace dnsd::common
