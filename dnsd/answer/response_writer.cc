// RRset and RDATA writing for responses.
#include "dnsd/answer/response_writer.h"

#include "dnsd/wire/dns_constants.h"

namespace dnsd::answer {
namespace {

// Length of an uncompressed wire name at p (bounded by len), 0 if malformed.
size_t name_length(const uint8_t* p, size_t len) noexcept {
  size_t i = 0;
  while (i < len) {
    uint8_t c = p[i];
    if (c == 0) return i + 1;
    if (c > 63) return 0;
    i += 1u + c;
  }
  return 0;
}

std::string_view as_view(const uint8_t* p, size_t n) noexcept {
  return {reinterpret_cast<const char*>(p), n};
}

}  // namespace

void ResponseWriter::owner(const Owner& o) noexcept {
  if (o.pointer) w_.pointer(o.pointer);
  else w_.name(o.wire);
}

void ResponseWriter::rdata(uint16_t type, const uint8_t* p, uint16_t len) noexcept {
  using namespace wire::type;
  switch (type) {
    case NS:
    case CNAME:
    case PTR: {
      size_t n = name_length(p, len);
      if (n == len) return w_.name(as_view(p, n));
      break;
    }
    case MX: {
      size_t n = len > 2 ? name_length(p + 2, len - 2u) : 0;
      if (n && n + 2 == len) {
        w_.bytes(p, 2);
        return w_.name(as_view(p + 2, n));
      }
      break;
    }
    case SOA: {
      size_t m = name_length(p, len);
      size_t r = m ? name_length(p + m, len - m) : 0;
      if (m && r && m + r + 20 == len) {
        w_.name(as_view(p, m));
        w_.name(as_view(p + m, r));
        return w_.bytes(p + m + r, 20);
      }
      break;
    }
    default:
      break;
  }
  w_.bytes(p, len);  // every other type, and anything that did not parse, goes out as is
}

bool ResponseWriter::rrset(Section s, const Owner& o, const zone::ZoneSnapshot::RRset& set, uint32_t ttl) noexcept {
  auto start = w_.mark();
  const uint8_t* blob = zone::ZoneSnapshot::rdata(set);
  // Start at a rotated index (round-robin answers) and wrap: no heap, one extra pass.
  uint16_t first = set.count > 1 ? static_cast<uint16_t>(rotation_ % set.count) : 0;
  const uint8_t* p = blob;
  for (uint16_t i = 0; i < first; ++i) p += 2u + (static_cast<uint16_t>(p[0] << 8 | p[1]));
  for (uint16_t i = 0; i < set.count; ++i) {
    if (i == set.count - first) p = blob;  // wrapped around
    uint16_t len = static_cast<uint16_t>(p[0] << 8 | p[1]);
    owner(o);
    size_t rdlen_at = w_.rr_fixed(set.type, wire::klass::IN, ttl);
    rdata(set.type, p + 2, len);
    if (!w_.ok()) {
      w_.rewind(start);
      return false;
    }
    w_.put_u16_at(rdlen_at, static_cast<uint16_t>(w_.size() - rdlen_at - 2));
    p += 2u + len;
  }
  counts_[static_cast<int>(s)] = static_cast<uint16_t>(counts_[static_cast<int>(s)] + set.count);
  return true;
}

}  // namespace dnsd::answer
