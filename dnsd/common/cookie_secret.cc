// Cookie secret files: hex lines, validated with file:line errors.
#include "dnsd/common/cookie_secret.h"

#include "dnsd/common/secret_file.h"

#include <sys/random.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace dnsd::common {
namespace {

constexpr uintmax_t kMaxFileBytes = 4096;
constexpr const char* kHowTo = "generate one with `openssl rand -hex 16`";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// Why `text` is not a 128-bit hex secret, or "" when it is (then `out` holds it).
std::string parse_secret(const std::string& text, CookieSecret& out) {
  for (size_t i = 0; i < text.size(); ++i)
    if (hex_digit(text[i]) < 0)
      return "character " + std::to_string(i + 1) + " is not a hex digit; a secret is 32 hex "
             "digits (128 bits), " + kHowTo;
  if (text.size() != 32)
    return "has " + std::to_string(text.size()) + " hex digits; a secret is exactly 32 (128 "
           "bits), " + kHowTo;
  for (size_t i = 0; i < 16; ++i)
    out.bytes[i] = static_cast<uint8_t>(hex_digit(text[2 * i]) << 4 | hex_digit(text[2 * i + 1]));
  return "";
}

}  // namespace

std::optional<CookieSecrets> read_cookie_secret_file(const std::string& path,
                                                     const std::string& ctx_file, int ctx_line,
                                                     const std::string& ctx_key,
                                                     const std::string& shown, ErrorList& errors) {
  auto text = read_secret_file(path, kMaxFileBytes, "a secret file", ctx_file, ctx_line,
                               ctx_key, shown, errors);
  if (!text) return std::nullopt;
  std::istringstream in(*text);
  CookieSecrets out;
  size_t before = errors.size();
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string text = trim(line);
    if (text.empty() || text[0] == '#') continue;
    if (out.count == 2) {
      errors.add(path, number, "cookie secret", "",
                 "a third secret: the file holds the current secret and at most one previous "
                 "one (RFC 9018 5)");
      continue;
    }
    CookieSecret s;
    std::string why = parse_secret(text, s);
    if (!why.empty()) {
      errors.add(path, number, "cookie secret", "", why);
      continue;
    }
    if (out.count == 1 && s == out.keys[0]) {
      errors.add(path, number, "cookie secret", "", "the same secret as the line above");
      continue;
    }
    out.keys[out.count++] = s;
  }
  if (errors.size() != before) return std::nullopt;
  if (out.count == 0) {
    errors.add(ctx_file, ctx_line, ctx_key, shown, path + " holds no secret; " + kHowTo);
    return std::nullopt;
  }
  return out;
}

CookieSecrets random_cookie_secrets() {
  CookieSecrets out;
  size_t got = 0;
  while (got < sizeof out.keys[0].bytes) {
    ssize_t n = getrandom(out.keys[0].bytes + got, sizeof out.keys[0].bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(std::string("getrandom: ") + std::strerror(errno));
    got += static_cast<size_t>(n);
  }
  out.count = 1;
  return out;
}

}  // namespace dnsd::common
