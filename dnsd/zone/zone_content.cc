// Mutable zone content.
#include "dnsd/zone/zone_content.h"

#include <algorithm>

#include "dnsd/wire/dns_constants.h"

namespace dnsd::zone {

bool RRsetContent::add(const std::string& rdata) {
  if (std::find(rdatas.begin(), rdatas.end(), rdata) != rdatas.end()) return false;
  rdatas.push_back(rdata);
  return true;
}

const RRsetContent* ZoneContent::find(const std::string& owner, uint16_t type) const {
  auto n = nodes.find(owner);
  if (n == nodes.end()) return nullptr;
  auto r = n->second.find(type);
  return r == n->second.end() ? nullptr : &r->second;
}

static bool skip_wire_name(const std::string& s, size_t& p) {
  while (p < s.size()) {
    uint8_t c = static_cast<uint8_t>(s[p]);
    if (c == 0) {
      ++p;
      return true;
    }
    if (c > 63) return false;
    p += 1u + c;
  }
  return false;
}

bool parse_soa(const std::string& rdata, SoaFields& out, size_t* fields_offset) {
  size_t p = 0;
  if (!skip_wire_name(rdata, p) || !skip_wire_name(rdata, p)) return false;
  if (rdata.size() != p + 20) return false;
  auto rd = [&](size_t at) {
    const auto* b = reinterpret_cast<const uint8_t*>(rdata.data()) + at;
    return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
           static_cast<uint32_t>(b[2]) << 8 | b[3];
  };
  out.serial = rd(p);
  out.refresh = rd(p + 4);
  out.retry = rd(p + 8);
  out.expire = rd(p + 12);
  out.minimum = rd(p + 16);
  if (fields_offset) *fields_offset = p;
  return true;
}

uint32_t ZoneContent::serial() const {
  const RRsetContent* soa = find(origin, wire::type::SOA);
  if (!soa || soa->rdatas.empty()) return 0;
  SoaFields f;
  return parse_soa(soa->rdatas.front(), f) ? f.serial : 0;
}

}  // namespace dnsd::zone
