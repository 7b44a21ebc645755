// DNS names as written in dnsd.toml: syntax checks and normalization.
#include "dnsd/common/dns_name_text.h"

#include <cctype>

namespace dnsd::common {
namespace {

constexpr size_t kMaxLabel = 63;  // RFC 1035 section 2.3.4
constexpr size_t kMaxName = 255;  // RFC 1035 section 2.3.4, wire form

std::string lower(std::string_view text) {
  std::string s;
  s.reserve(text.size());
  for (char c : text) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Checks dot-separated labels (no leading/trailing dot). `wildcard_ok` lets the first
// label be exactly "*".
bool check_labels(std::string_view s, bool wildcard_ok, std::string& reason) {
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty()) {
      reason = "empty label (two dots in a row, or a leading dot)";
      return false;
    }
    if (label.size() > kMaxLabel) {
      reason = "label \"" + std::string(label) + "\" is longer than 63 bytes (RFC 1035 2.3.4)";
      return false;
    }
    if (label == "*") {
      if (!wildcard_ok || !first) {
        reason = wildcard_ok ? "'*' is only allowed as the leftmost label (RFC 4592 2.1.1)"
                             : "a wildcard is not allowed in a zone name";
        return false;
      }
    } else {
      for (char c : label) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
          reason = std::string("invalid character '") + c +
                   "' (labels use letters, digits, '-' and '_')";
          return false;
        }
      }
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
    first = false;
  }
}

}  // namespace

size_t wire_length(std::string_view normalized) {
  if (normalized == "@" || normalized.empty()) return 0;
  std::string_view s = normalized;
  bool absolute = s.back() == '.';
  if (absolute) s.remove_suffix(1);
  // Each label costs its length plus one length byte; dots stand in for those bytes
  // except the first label's, and an absolute name also carries the root byte.
  return s.size() + 1 + (absolute ? 1 : 0);
}

std::optional<std::string> normalize_absolute_name(std::string_view text, std::string& reason) {
  std::string s = lower(text);
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s.empty()) {
    reason = "must be a domain name (the root zone is not supported)";
    return std::nullopt;
  }
  if (!check_labels(s, false, reason)) return std::nullopt;
  s += '.';
  if (wire_length(s) > kMaxName) {
    reason = "longer than 255 bytes in wire form (RFC 1035 2.3.4)";
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> normalize_relative_name(std::string_view text, std::string& reason) {
  if (text == "@") return std::string("@");
  if (text.empty()) {
    reason = "must be \"@\", \"*\" or a name relative to the zone such as \"www\"";
    return std::nullopt;
  }
  if (text.back() == '.') {
    reason = "must be relative to the zone (no trailing dot): \"@\", \"*\", \"www\", \"*.eu\"";
    return std::nullopt;
  }
  std::string s = lower(text);
  if (!check_labels(s, true, reason)) return std::nullopt;
  if (wire_length(s) > kMaxName) {
    reason = "longer than 255 bytes in wire form (RFC 1035 2.3.4)";
    return std::nullopt;
  }
  return s;
}

}  // namespace dnsd::common
