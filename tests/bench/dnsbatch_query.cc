// dnsbatch's query lines to wire format.
#include "tests/bench/dnsbatch_query.h"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

namespace dnsbatch {
namespace {

constexpr std::array<std::pair<std::string_view, uint16_t>, 15> kTypes{{
    {"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"MX", 15}, {"TXT", 16},
    {"AAAA", 28}, {"SRV", 33}, {"DS", 43}, {"DNSKEY", 48}, {"SVCB", 64}, {"HTTPS", 65},
    {"ANY", 255}, {"CAA", 257}}};

bool equal_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool parse_type(std::string_view t, uint16_t& out) {
  for (const auto& [name, code] : kTypes)
    if (equal_nocase(t, name)) return out = code, true;
  if (t.size() > 4 && equal_nocase(t.substr(0, 4), "TYPE")) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(t.data() + 4, t.data() + t.size(), v);
    if (ec == std::errc() && p == t.data() + t.size() && v <= 65535) return out = static_cast<uint16_t>(v), true;
  }
  return false;
}

std::string_view next_field(std::string_view& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return s = {}, std::string_view{};
  s.remove_prefix(b);
  size_t e = s.find_first_of(" \t\r");
  std::string_view f = s.substr(0, e);
  s.remove_prefix(e == std::string_view::npos ? s.size() : e);
  return f;
}

}  // namespace

bool encode_query_line(std::string_view line, std::vector<uint8_t>& wire, std::string& error) {
  std::string_view rest = line;
  std::string_view name = next_field(rest), type = next_field(rest);
  if (name.empty() || type.empty() || !next_field(rest).empty()) {
    error = "expected \"name type\"";
    return false;
  }
  uint16_t qtype = 0;
  if (!parse_type(type, qtype)) {
    error = "unknown type " + std::string(type);
    return false;
  }
  wire.assign({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0});  // ID 0, no flags, QDCOUNT 1
  if (name != ".") {
    if (name.back() == '.') name.remove_suffix(1);
    size_t total = 1;
    while (true) {
      size_t dot = name.find('.');
      std::string_view label = name.substr(0, dot);
      if (label.empty() || label.size() > 63) {
        error = "bad name: an empty label or one over 63 octets";
        return false;
      }
      total += label.size() + 1;
      wire.push_back(static_cast<uint8_t>(label.size()));
      wire.insert(wire.end(), label.begin(), label.end());
      if (dot == std::string_view::npos) break;
      name.remove_prefix(dot + 1);
    }
    if (total > 255) {
      error = "bad name: over 255 octets";
      return false;
    }
  }
  wire.push_back(0);
  wire.push_back(static_cast<uint8_t>(qtype >> 8));
  wire.push_back(static_cast<uint8_t>(qtype));
  wire.push_back(0);
  wire.push_back(1);  // IN
  return true;
}

const char* rcode_name(int rcode) {
  static constexpr const char* kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
  static const char* kOther[] = {"RCODE6", "RCODE7", "RCODE8", "RCODE9", "RCODE10",
                                 "RCODE11", "RCODE12", "RCODE13", "RCODE14", "RCODE15"};
  if (rcode >= 0 && rcode < 6) return kNames[rcode];
  if (rcode >= 6 && rcode < 16) return kOther[rcode - 6];
  return "RCODE?";
}

}  // namespace dnsbatch
