// Query decoding: header, one question, then a walk over the remaining sections to find
// and validate the OPT pseudo-RR (RFC 6891 6.1.1: at most one, owner root, additional only).
#include "dnsd/answer/query_parser.h"

#include <new>
#include <type_traits>

#include "dnsd/answer/cookie.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/wire_reader.h"

namespace dnsd::answer {
namespace {

enum class Options : uint8_t { Ok, Malformed, BadOption };

// Parses the OPT rdata options: Malformed if they do not exactly fill it, BadOption if they
// do but one's content is invalid (any COOKIE of a bad length).
Options parse_opt_options(wire::WireReader& r, uint16_t rdlen, ParsedQuery& q) {
  size_t end = r.pos() + rdlen;
  bool bad_option = false;
  while (r.ok() && r.pos() < end) {
    if (end - r.pos() < 4) return Options::Malformed;
    uint16_t code = r.u16();
    uint16_t olen = r.u16();
    if (end - r.pos() < olen) return Options::Malformed;
    if (code == wire::edns::NSID) q.nsid_requested = true;  // RFC 5001: request has no data
    if (code == wire::edns::COOKIE) {
      if (!cookie_length_ok(olen)) {
        bad_option = true;  // RFC 7873 5.2.2: FORMERR
      } else if (!q.cookie) {  // one cookie per query; later ones are ignored
        q.cookie = r.data() + r.pos();
        q.cookie_len = static_cast<uint8_t>(olen);
      }
    }
    r.skip(olen);
  }
  if (!r.ok() || r.pos() != end) return Options::Malformed;
  return bad_option ? Options::BadOption : Options::Ok;
}

}  // namespace

void parse_query(const uint8_t* data, size_t len, ParsedQuery& q) noexcept {
  // Every field back to its initializer, the name buffers' bytes left as they are (only
  // the first `length` of them are ever read): `q = ParsedQuery{}` zeroed ~800 bytes.
  static_assert(std::is_trivially_destructible_v<ParsedQuery>);
  new (&q) ParsedQuery;
  if (len < wire::kHeaderSize) return;  // Drop: nothing to echo an ID into
  // The header is there: its six words without a bounds check each.
  auto header_word = [data](size_t i) { return static_cast<uint16_t>(data[2 * i] << 8 | data[2 * i + 1]); };
  q.id = header_word(0);
  q.flags = header_word(1);
  uint16_t qdcount = header_word(2), ancount = header_word(3), nscount = header_word(4),
           arcount = header_word(5);
  wire::WireReader r(data, len);
  r.seek(wire::kHeaderSize);
  if (q.flags & wire::flag::QR) return;  // a response: drop
  q.opcode = static_cast<uint8_t>((q.flags >> 11) & 0xF);
  if (q.opcode != wire::opcode::QUERY && q.opcode != wire::opcode::NOTIFY &&
      q.opcode != wire::opcode::UPDATE) {
    q.decision = Decision::NotImp;
    return;
  }
  q.decision = Decision::FormErr;
  if (qdcount != 1) return;  // RFC 1035 allows more, but nobody can answer that; NOTIFY/UPDATE too
  if (!r.name(q.qname)) return;
  q.qtype = r.u16();
  q.qclass = r.u16();
  if (!r.ok()) return;
  q.has_question = true;
  q.question_end = r.pos();
  wire::copy_lowercase(q.qname, q.qname_lower);

  // Walk answer/authority (UPDATE prerequisites and updates live there) and additional.
  wire::NameBuf owner;
  bool bad_option = false;
  uint32_t total = static_cast<uint32_t>(ancount) + nscount + arcount;
  for (uint32_t i = 0; i < total; ++i) {
    size_t rr_start = r.pos();
    if (!r.name(owner)) return;
    uint16_t type = r.u16();
    uint16_t klass = r.u16();
    uint32_t ttl = r.u32();
    uint16_t rdlen = r.u16();
    if (!r.ok() || r.remaining() < rdlen) return;
    bool additional = i >= static_cast<uint32_t>(ancount) + nscount;
    if (type == wire::type::OPT) {
      if (!additional || q.has_edns || owner.length != 1) return;  // RFC 6891 6.1.1
      q.has_edns = true;
      q.edns_payload = klass < 512 ? 512 : klass;  // RFC 6891 6.2.5
      q.edns_version = static_cast<uint8_t>(ttl >> 16);
      q.edns_do = (ttl & 0x8000) != 0;
      Options o = parse_opt_options(r, rdlen, q);
      if (o == Options::Malformed) return;
      bad_option = o == Options::BadOption;
      continue;
    }
    if (type == wire::type::TSIG) {
      // RFC 8945 5.1: TSIG must be the last record, in the additional section.
      if (!additional || i + 1 != total) return;
      q.tsig_offset = rr_start;
    }
    r.skip(rdlen);
  }
  if (!r.ok()) return;
  q.decision = bad_option ? Decision::BadOption : Decision::Ok;
}

}  // namespace dnsd::answer
