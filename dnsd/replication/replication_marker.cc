// _replication marker text, TXT RDATA and the hash chain.
#include "dnsd/replication/replication_marker.h"

#include <openssl/evp.h>

#include <charconv>

namespace dnsd::replication {

std::string marker_owner(const std::string& origin) { return std::string("\x0c_replication", 13) + origin; }

std::string format_marker(const Marker& m) {
  return "seq=" + std::to_string(m.seq) + " primary=" + m.primary + " hash=" + m.hash;
}

std::optional<Marker> parse_marker(std::string_view text) {
  auto field = [&](std::string_view key, std::string_view& out) {
    if (text.substr(0, key.size()) != key) return false;
    text.remove_prefix(key.size());
    size_t sp = text.find(' ');
    out = text.substr(0, sp);
    text.remove_prefix(sp == text.npos ? text.size() : sp + 1);
    return !out.empty();
  };
  std::string_view seq, primary, hash;
  if (!field("seq=", seq) || !field("primary=", primary) || !field("hash=", hash) || !text.empty())
    return std::nullopt;
  Marker m;
  auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), m.seq);
  if (ec != std::errc() || end != seq.data() + seq.size() || m.seq == 0) return std::nullopt;
  if (hash.size() != 16 || hash.find_first_not_of("0123456789abcdef") != hash.npos) return std::nullopt;
  for (char c : primary)
    if (!isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return std::nullopt;
  m.primary = std::string(primary);
  m.hash = std::string(hash);
  return m;
}

std::string txt_rdata(std::string_view text) {
  if (text.size() > 255) text = text.substr(0, 255);
  std::string r(1, static_cast<char>(text.size()));
  r += text;
  return r;
}

std::optional<std::string> txt_text(std::string_view rdata) {
  if (rdata.empty() || static_cast<uint8_t>(rdata[0]) + 1u != rdata.size()) return std::nullopt;
  return std::string(rdata.substr(1));
}

std::string chain_hash(const std::string& previous, const std::vector<uint8_t>& changes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, previous.data(), previous.size());
  EVP_DigestUpdate(ctx, changes.data(), changes.size());
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 8; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace dnsd::replication
