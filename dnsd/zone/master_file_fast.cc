// The native parser of one record line. It only accepts what it can read exactly as
// ldns_rr_new_frm_str would (same tokens, same values, same wire); everything else, every
// error included, is left to ldns by returning false.
#include "dnsd/zone/master_file_fast.h"

#include "dnsd/common/ldns_include.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace dnsd::zone::detail {
namespace {

constexpr uint16_t kTypeA = 1, kTypeNS = 2, kTypeCNAME = 5, kTypeSOA = 6, kTypePTR = 12,
                   kTypeMX = 15, kTypeTXT = 16, kTypeAAAA = 28, kTypeSRV = 33;
constexpr uint16_t kClassIN = 1;

// ldns's limits on the record's leading tokens (rr.c: owner buffer of LDNS_MAX_DOMAINLEN,
// LDNS_TTL_DATALEN and LDNS_SYNTAX_DATALEN): a token that reaches one is an ldns error.
constexpr size_t kMaxNameText = 250;  // below ldns's 254 owner characters / 255 wire octets
constexpr size_t kMaxTtlToken = 20;
constexpr size_t kMaxClassToken = 15;
// ldns truncates the rdata text at LDNS_MAX_PACKETLEN; stay well below that.
constexpr size_t kMaxLine = 60000;

// Bytes a fast-path token may hold: printable ASCII except the ones that mean something to
// ldns's tokenizers and name/string parsers (quote, backslash, parentheses, semicolon).
constexpr std::array<bool, 256> make_plain() {
  std::array<bool, 256> t{};
  for (int c = 0x21; c < 0x7f; ++c) t[c] = true;
  for (char c : {'"', '\\', '(', ')', ';'}) t[static_cast<unsigned char>(c)] = false;
  return t;
}
constexpr std::array<bool, 256> kPlain = make_plain();

bool plain(std::string_view t) {
  for (char c : t)
    if (!kPlain[static_cast<unsigned char>(c)]) return false;
  return true;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Case-insensitive ASCII equality with an uppercase literal (strncasecmp in the C locale).
bool iequals(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

// Splits on blanks like ldns_bget_token with the "\t\n " delimiters (the line holds no
// newline): a token, then the blanks after it.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  void skip_blanks() {
    while (pos_ < s_.size() && is_blank(s_[pos_])) ++pos_;
  }
  std::string_view token() {
    size_t begin = pos_;
    while (pos_ < s_.size() && !is_blank(s_[pos_])) ++pos_;
    std::string_view t = s_.substr(begin, pos_ - begin);
    skip_blanks();
    return t;
  }
  // A token of plain bytes, or empty if there is none or it holds anything else.
  std::string_view plain_token() {
    std::string_view t = token();
    return plain(t) ? t : std::string_view();
  }
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  std::string_view rest() const { return s_.substr(pos_); }
  void advance(size_t n) { pos_ += n; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

uint16_t native_type(std::string_view t) {
  switch (t.size()) {
    case 1: return iequals(t, "A") ? kTypeA : 0;
    case 2: return iequals(t, "NS") ? kTypeNS : iequals(t, "MX") ? kTypeMX : 0;
    case 3:
      if (iequals(t, "TXT")) return kTypeTXT;
      if (iequals(t, "SRV")) return kTypeSRV;
      if (iequals(t, "SOA")) return kTypeSOA;
      return iequals(t, "PTR") ? kTypePTR : 0;
    case 4: return iequals(t, "AAAA") ? kTypeAAAA : 0;
    case 5: return iequals(t, "CNAME") ? kTypeCNAME : 0;
    default: return 0;
  }
}

void put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

void put32(std::string& out, uint32_t v) {
  put16(out, v >> 16);
  put16(out, v & 0xffff);
}

// Only plain decimal digits: strtol/strtoul (ldns's INT16/INT32) read them the same way.
bool decimal(std::string_view t, size_t max_digits, uint64_t max, uint32_t& v) {
  if (t.empty() || t.size() > max_digits) return false;
  uint64_t n = 0;
  for (char c : t) {
    if (!is_digit(c)) return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return false;
  v = static_cast<uint32_t>(n);
  return true;
}

// ldns_str2period on the token (ldns's TTL and PERIOD reader, units like 1h30m).
// `whole`: the token must be read to its end (a PERIOD field); a TTL need not be.
bool period(std::string_view t, bool whole, uint32_t& v) {
  char buf[32];
  if (t.empty() || t.size() >= sizeof buf) return false;
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  const char* end = nullptr;
  v = ldns_str2period(buf, &end);
  return !whole || *end == '\0';
}

// Appends the name `text` (plain bytes) as wire; a relative name gets `origin` appended
// as ldns_dname_cat does. False for what ldns may read otherwise: "@" inside a name (ldns
// takes a first label "@" for the origin), empty or long labels, over 255 octets.
bool append_name(std::string_view text, std::string_view origin, std::string& out) {
  if (text == "@") {
    out.append(origin);
    return true;
  }
  if (text.empty() || text.size() > kMaxNameText || text.find('@') != std::string_view::npos)
    return false;
  if (text == ".") {
    out.push_back('\0');
    return true;
  }
  size_t start = out.size();
  bool absolute = text.back() == '.';
  std::string_view body = absolute ? text.substr(0, text.size() - 1) : text;
  for (size_t b = 0;;) {
    size_t dot = body.find('.', b);
    size_t e = dot == std::string_view::npos ? body.size() : dot;
    size_t len = e - b;
    if (len == 0 || len > 63) return false;
    out.push_back(static_cast<char>(len));
    out.append(body.substr(b, len));
    if (dot == std::string_view::npos) break;
    b = dot + 1;
  }
  if (absolute) out.push_back('\0');
  else out.append(origin);
  return out.size() - start <= 255;
}

bool name_field(Cursor& c, std::string_view origin, std::string& out) {
  return append_name(c.plain_token(), origin, out);
}

bool int16_field(Cursor& c, std::string& out) {
  uint32_t v = 0;
  if (!decimal(c.plain_token(), 5, 0xffff, v)) return false;
  put16(out, v);
  return true;
}

// inet_pton is what ldns_str2rdf_a/aaaa call.
bool address_field(Cursor& c, int family, std::string& out) {
  std::string_view t = c.plain_token();
  char buf[64];
  unsigned char addr[16];
  if (t.empty() || t.size() >= sizeof buf) return false;
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = '\0';
  if (inet_pton(family, buf, addr) != 1) return false;
  out.append(reinterpret_cast<const char*>(addr), family == AF_INET ? 4 : 16);
  return true;
}

bool soa_fields(Cursor& c, std::string_view origin, std::string& out) {
  if (!name_field(c, origin, out) || !name_field(c, origin, out)) return false;
  uint32_t v = 0;
  if (!decimal(c.plain_token(), 10, 0xffffffffull, v)) return false;  // serial: INT32
  put32(out, v);
  for (int i = 0; i < 4; ++i) {  // refresh, retry, expire, minimum: PERIOD
    if (!period(c.plain_token(), true, v)) return false;
    put32(out, v);
  }
  return true;
}

// One "..." character-string at the cursor. The closing quote is found as ldns_bget_token
// finds it (a backslash escapes the next byte, "\\" escapes nothing), then the content is
// decoded as ldns_str2rdf_str does: \DDD (<= 255) or \X. An unterminated string, a bad
// escape or more than 255 octets is left to ldns.
bool quoted_string(Cursor& c, std::string& out) {
  std::string_view rest = c.rest();
  size_t close = 1;
  for (char lc = 0; close < rest.size(); ++close) {
    char ch = rest[close];
    if (ch == '"' && lc != '\\') break;
    lc = (ch == '\\' && lc == '\\') ? 0 : ch;
  }
  if (close >= rest.size()) return false;
  std::string_view s = rest.substr(1, close - 1);
  size_t len_at = out.size();
  out.push_back('\0');
  size_t n = 0;
  for (size_t j = 0; j < s.size(); ++n) {
    if (n >= 255) return false;
    char ch = s[j++];
    if (ch == '\\') {
      if (j + 2 < s.size() && is_digit(s[j]) && is_digit(s[j + 1]) && is_digit(s[j + 2])) {
        int v = (s[j] - '0') * 100 + (s[j + 1] - '0') * 10 + (s[j + 2] - '0');
        if (v > 255) return false;
        ch = static_cast<char>(v);
        j += 3;
      } else if (j < s.size() && !is_digit(s[j])) {
        ch = s[j++];
      } else {
        return false;
      }
    }
    out.push_back(ch);
  }
  out[len_at] = static_cast<char>(n);
  c.advance(close + 1);
  return true;
}

// TXT: one or more character-strings, quoted or plain tokens.
bool txt_fields(Cursor& c, std::string& out) {
  if (c.at_end()) return false;
  while (!c.at_end()) {
    if (c.peek() == '"') {
      if (!quoted_string(c, out)) return false;
      c.skip_blanks();
      continue;
    }
    std::string_view t = c.plain_token();
    if (t.empty() || t.size() > 255) return false;
    out.push_back(static_cast<char>(t.size()));
    out.append(t);
  }
  return true;
}

bool rdata_fields(Cursor& c, std::string_view origin, FastRecord& r) {
  std::string& out = r.rdata;
  switch (r.type) {
    case kTypeA: return address_field(c, AF_INET, out);
    case kTypeAAAA: return address_field(c, AF_INET6, out);
    case kTypeNS:
    case kTypeCNAME:
    case kTypePTR: return name_field(c, origin, out);
    case kTypeMX: return int16_field(c, out) && name_field(c, origin, out);
    case kTypeSRV:
      return int16_field(c, out) && int16_field(c, out) && int16_field(c, out) &&
             name_field(c, origin, out);
    case kTypeSOA: return soa_fields(c, origin, out);
    case kTypeTXT: return txt_fields(c, out);
    default: return false;
  }
}

// [TTL] [class] type, as ldns reads them: a token that starts with a digit is the TTL
// (ldns_str2period, trailing junk ignored), then an optional class, then the type. A class
// before the TTL, any class but IN and any other type are left to ldns.
bool ttl_class_type(Cursor& c, const FastContext& ctx, FastRecord& r) {
  std::string_view t = c.plain_token();
  if (t.empty() || t.size() > kMaxTtlToken) return false;
  if (is_digit(t[0])) {
    if (!period(t, false, r.ttl)) return false;
    t = c.plain_token();
    if (t.empty() || t.size() > kMaxClassToken) return false;
  } else {
    r.ttl = ctx.default_ttl != 0 ? ctx.default_ttl : 3600;  // ldns's LDNS_DEFAULT_TTL
  }
  r.klass = kClassIN;
  if (iequals(t, "IN")) t = c.plain_token();
  r.type = native_type(t);
  return r.type != 0;
}

}  // namespace

bool parse_fast(std::string_view line, const FastContext& ctx, FastRecord& out) {
  if (ctx.origin.empty() || line.empty() || line.size() > kMaxLine) return false;
  out.owner.clear();
  out.rdata.clear();
  Cursor c(line);
  if (is_blank(line[0])) {  // no owner: ldns takes the previous one
    if (ctx.prev.empty()) return false;
    out.owner.assign(ctx.prev);
    out.sets_prev = false;
    c.skip_blanks();
  } else {
    std::string_view t = c.plain_token();
    if (t.empty() || !append_name(t, ctx.origin, out.owner)) return false;
    out.sets_prev = true;
  }
  if (!ttl_class_type(c, ctx, out)) return false;
  return rdata_fields(c, ctx.origin, out) && c.at_end();
}

}  // namespace dnsd::zone::detail
