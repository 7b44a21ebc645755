// UPDATE message parsing.
#include "dnsd/update/update_message.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/wire/wire_reader.h"

namespace dnsd::update {
namespace {

bool append_name(const uint8_t* msg, size_t len, size_t& pos, std::string& out) {
  wire::NameBuf n;
  if (!wire::read_name(msg, len, pos, n)) return false;
  out.append(n.view());
  return true;
}

bool read_rr(wire::WireReader& r, const uint8_t* msg, size_t end, UpdateRR& rr) {
  wire::NameBuf owner;
  if (!r.name(owner)) return false;
  wire::lowercase(owner);
  rr.owner.assign(owner.view());
  rr.type = r.u16();
  rr.klass = r.u16();
  rr.ttl = r.u32();
  uint16_t rdlen = r.u16();
  if (!r.ok() || r.remaining() < rdlen) return false;
  size_t pos = r.pos();
  r.skip(rdlen);
  if (rdlen == 0) return true;
  return read_rdata(msg, end, pos, rr.type, rdlen, rr.rdata);
}

}  // namespace

bool read_rdata(const uint8_t* msg, size_t len, size_t pos, uint16_t type, uint16_t rdlen,
                std::string& out) {
  using namespace wire::type;
  size_t end = pos + rdlen;
  if (end > len) return false;
  out.clear();
  size_t p = pos;
  switch (type) {
    case NS:
    case CNAME:
    case PTR:
      if (!append_name(msg, end, p, out)) return false;
      break;
    case MX:
      if (rdlen < 3) return false;
      out.append(reinterpret_cast<const char*>(msg + p), 2);
      p += 2;
      if (!append_name(msg, end, p, out)) return false;
      break;
    case SOA:
      if (!append_name(msg, end, p, out) || !append_name(msg, end, p, out) || end - p != 20)
        return false;
      out.append(reinterpret_cast<const char*>(msg + p), 20);
      p += 20;
      break;
    case A:
      if (rdlen != 4) return false;
      out.assign(reinterpret_cast<const char*>(msg + p), 4);
      p = end;
      break;
    case AAAA:
      if (rdlen != 16) return false;
      out.assign(reinterpret_cast<const char*>(msg + p), 16);
      p = end;
      break;
    case TXT: {
      for (size_t q = p; q < end; q += 1u + msg[q])
        if (q + 1u + msg[q] > end) return false;
      out.assign(reinterpret_cast<const char*>(msg + p), rdlen);
      p = end;
      break;
    }
    case SRV: {
      // Target is never compressed (RFC 2782) but must be a valid name.
      if (rdlen < 7) return false;
      size_t q = p + 6;
      std::string target;
      if (!append_name(msg, end, q, target) || q != end) return false;
      out.assign(reinterpret_cast<const char*>(msg + p), 6);
      out += target;
      p = end;
      break;
    }
    default:
      out.assign(reinterpret_cast<const char*>(msg + p), rdlen);
      p = end;
  }
  return p == end;
}

bool parse_update(const uint8_t* msg, size_t end, UpdateMessage& out) {
  wire::WireReader r(msg, end);
  r.skip(4);
  uint16_t zocount = r.u16(), prcount = r.u16(), upcount = r.u16();
  r.u16();  // additional: TSIG (excluded by `end`) or nothing we use
  if (!r.ok() || zocount != 1) return false;
  wire::NameBuf zone;
  if (!r.name(zone)) return false;
  wire::lowercase(zone);
  out.zone.assign(zone.view());
  out.zone_type = r.u16();
  out.zone_class = r.u16();
  if (!r.ok()) return false;
  // Every RR takes at least 11 bytes: refuse counts the message cannot hold before allocating.
  if ((static_cast<size_t>(prcount) + upcount) * 11 > r.remaining()) return false;
  out.prerequisites.resize(prcount);
  for (auto& rr : out.prerequisites)
    if (!read_rr(r, msg, end, rr)) return false;
  out.updates.resize(upcount);
  for (auto& rr : out.updates)
    if (!read_rr(r, msg, end, rr)) return false;
  return r.ok();
}

}  // namespace dnsd::update
