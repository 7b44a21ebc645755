// AXFR query and response reading.
#include "dnsd/replication/axfr_reader.h"

#include "dnsd/wire/byte_append.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/wire_reader.h"

namespace dnsd::replication {

std::vector<uint8_t> build_axfr_query(const std::string& origin, uint16_t id) {
  std::vector<uint8_t> m;
  wire::append_u16(m, id);
  wire::append_u16(m, 0);
  wire::append_u16(m, 1);
  wire::append_u16(m, 0);
  wire::append_u16(m, 0);
  wire::append_u16(m, 0);
  m.insert(m.end(), origin.begin(), origin.end());
  wire::append_u16(m, wire::type::AXFR);
  wire::append_u16(m, wire::klass::IN);
  return m;
}

AxfrReader::Progress AxfrReader::add(const std::vector<uint8_t>& message, std::string& error) {
  auto bad = [&](const std::string& why) {
    error = "AXFR: " + why;
    return Progress::Error;
  };
  if (done_) return bad("a message after the closing SOA");
  wire::WireReader r(message.data(), message.size());
  uint16_t id = r.u16(), flags = r.u16(), qd = r.u16(), an = r.u16();
  r.skip(4);
  if (!r.ok() || id != id_ || !(flags & wire::flag::QR)) return bad("not a response to our query");
  if (uint8_t rcode = flags & 0xF; rcode != wire::rcode::NOERROR)
    return bad("answered rcode " + std::to_string(rcode) +
               (rcode == wire::rcode::REFUSED ? " (is the replication key allowed to transfer the zone?)" : ""));
  wire::NameBuf name;
  for (uint16_t i = 0; i < qd && r.ok(); ++i) {
    r.name(name);
    r.skip(4);
  }
  for (uint16_t i = 0; i < an; ++i) {
    r.name(name);
    wire::lowercase(name);
    uint16_t type = r.u16();
    r.skip(2);  // class
    uint32_t ttl = r.u32();
    uint16_t rdlen = r.u16();
    const uint8_t* rd = r.bytes(rdlen);
    if (!r.ok()) return bad("a truncated message");
    if (done_) return bad("records after the closing SOA");
    xfr::XfrRecord rec{std::string(name.view()), type, ttl, std::string(reinterpret_cast<const char*>(rd), rdlen)};
    bool soa = type == wire::type::SOA && rec.owner == origin_;
    if (records_.empty() && !soa) return bad("the first record is not the zone's SOA");
    if (soa && !records_.empty()) done_ = true;  // the closing SOA is not kept
    else records_.push_back(std::move(rec));
  }
  return done_ ? Progress::Done : Progress::More;
}

}  // namespace dnsd::replication
