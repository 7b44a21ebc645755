// answer(): decode, decide, look up, encode; with EDNS (RFC 6891), NSID (RFC 5001),
// DNS cookies (RFC 7873, RFC 9018), truncation (RFC 2181 9) and the CHAOS identity names.
#include "dnsd/answer/answer.h"

#include <algorithm>
#include <cstring>

#include "dnsd/answer/query_parser.h"
#include "dnsd/answer/response_writer.h"
#include "dnsd/answer/zone_resolver.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/wire_writer.h"
#include "dnsd/wire/response_header.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::answer {
namespace {

namespace T = wire::type;
namespace R = wire::rcode;

constexpr size_t kQuestionOffset = 12;

bool is_identity_name(const wire::NameBuf& n) {
  static constexpr char kIdServer[] = "\x02id\x06server";  // + root byte from the literal
  static constexpr char kHostnameBind[] = "\x08hostname\x04" "bind";
  return n.view() == std::string_view(kIdServer, sizeof kIdServer) ||
         n.view() == std::string_view(kHostnameBind, sizeof kHostnameBind);
}

class Builder {
 public:
  Builder(const ParsedQuery& q, const zone::Catalog& c, uint8_t* out, size_t limit)
      : q_(q), catalog_(c), w_(out, limit), rw_(w_, q.id),
        opt_(q.has_edns && q.decision == Decision::Ok) {}

  // Header with QR, the query's opcode/RD/CD; counts filled in by finish().
  void header() {
    w_.u16(q_.id);
    w_.u16(0);
    for (int i = 0; i < 4; ++i) w_.u16(0);
  }

  void question() {
    if (!q_.has_question) return;
    w_.bytes(q_.qname.data, q_.qname.length);
    w_.u16(q_.qtype);
    w_.u16(q_.qclass);
    w_.add_target(kQuestionOffset, q_.qname.length);
    qd_ = 1;
  }

  // RFC 7873 5.2: every answer to a query with a client cookie carries the client cookie
  // and a server cookie. BIND's default (require-server-cookie no) answers a missing or
  // invalid server cookie normally with a fresh one (5.2.3 and 5.2.4, the third choice);
  // so do we, over UDP and TCP alike: we never send BADCOOKIE, whose only use is to make
  // a UDP client without a valid cookie retry (Knot's opt-in mod-cookies does that).
  void cookie(const QueryContext& ctx) {
    if (!q_.cookie || catalog_.cookies.count == 0) return;  // no secret: cookies are off
    CookieVerdict v = judge_cookie(q_.cookie, q_.cookie_len, ctx.client, catalog_.cookies,
                                   ctx.now, cookie_);
    has_cookie_ = true;
    valid_cookie_ = is_valid(v);
  }

  // Keeps room for the OPT RR (with NSID and COOKIE) so answers never push it out.
  void reserve_opt() {
    if (!opt_) return;
    opt_size_ = 11 + (nsid() ? 4 + catalog_.identity.size() : 0) +
                (has_cookie_ ? kCookieOptionSize : 0);
    w_.set_limit(w_.limit() - std::min(opt_size_, w_.limit()));
  }

  void chaos() {
    aa_ = true;
    if (catalog_.identity.empty() || !is_identity_name(q_.qname_lower) ||
        (q_.qtype != T::TXT && q_.qtype != T::ANY)) {
      rcode_ = R::REFUSED;
      aa_ = false;
      return;
    }
    size_t n = std::min<size_t>(catalog_.identity.size(), 255);
    auto m = w_.mark();
    w_.pointer(kQuestionOffset);
    w_.u16(T::TXT);
    w_.u16(wire::klass::CH);
    w_.u32(0);
    w_.u16(static_cast<uint16_t>(n + 1));
    w_.u8(static_cast<uint8_t>(n));
    w_.bytes(catalog_.identity.data(), n);
    if (w_.ok()) rw_.add_count(Section::Answer, 1);
    else w_.rewind(m);
  }

  void lookup(const zone::ZoneSnapshot& z) {
    Resolution r = resolve(z, q_.qname_lower, q_.qtype, rw_);
    rcode_ = r.rcode;
    aa_ = r.authoritative;
    if (r.truncated) truncate();
  }

  void referral_to_apex(const zone::ZoneSnapshot& z, bool upward) {
    Resolution r = apex_referral(z, upward, rw_);
    rcode_ = r.rcode;
    aa_ = false;
    if (r.truncated) truncate();
  }

  void set_rcode(uint16_t rcode) { rcode_ = rcode; }
  void set_zone(int index) { zone_ = index; }

  // RFC 6891 6.1.1: a request with an OPT gets one back, also when an option in it is
  // malformed (BIND's DNS_R_OPTERR FORMERR does the same): a bare one, version 0, our
  // payload size, DO echoed (RFC 3225 3) and no options, for the query's are not to be
  // trusted: neither the bad cookie nor an NSID goes back.
  void bare_opt() {
    opt_ = true;
    bare_ = true;
  }

  void set_recursion_available() { ra_ = true; }

  // RFC 2181 9: drop every section but the question and set TC.
  void truncate() {
    tc_ = true;
    w_.rewind(after_question_);
    rw_.reset_counts();
  }
  void mark_question_end() { after_question_ = w_.mark(); }

  Result finish() {
    w_.set_limit(w_.limit() + opt_size_);
    uint16_t ar = rw_.count(Section::Additional);
    if (opt_) {
      write_opt();
      ++ar;
    }
    uint16_t flags = wire::response_flags(q_.flags, q_.opcode, static_cast<uint8_t>(rcode_ & 0xF),
                                          {.aa = aa_, .tc = tc_, .ra = ra_, .copy_cd = true});
    w_.put_u16_at(2, flags);
    w_.put_u16_at(4, qd_);
    w_.put_u16_at(6, rw_.count(Section::Answer));
    w_.put_u16_at(8, rw_.count(Section::Authority));
    w_.put_u16_at(10, ar);
    Result res;
    res.outcome = Outcome::Answered;
    res.length = w_.size();
    res.rcode = static_cast<uint8_t>(rcode_ > 15 ? rcode_ : rcode_ & 0xF);
    res.truncated = tc_;
    res.valid_cookie = valid_cookie_;
    res.qtype = q_.has_question ? q_.qtype : 0;
    res.zone = zone_;
    return res;
  }

 private:
  bool nsid() const { return !bare_ && q_.nsid_requested && !catalog_.identity.empty(); }

  void write_opt() {
    w_.u8(0);  // root owner
    w_.u16(T::OPT);
    w_.u16(catalog_.udp_payload);
    // TTL: extended rcode (upper 8 bits of 12), version 0, DO echoed (RFC 3225 3).
    uint32_t ttl = static_cast<uint32_t>((rcode_ >> 4) & 0xFF) << 24;
    if (q_.edns_do) ttl |= 0x8000;
    w_.u32(ttl);
    size_t rdlen = (nsid() ? 4 + catalog_.identity.size() : 0) +
                   (has_cookie_ ? kCookieOptionSize : 0);
    w_.u16(static_cast<uint16_t>(rdlen));
    if (nsid()) {
      w_.u16(wire::edns::NSID);
      w_.u16(static_cast<uint16_t>(catalog_.identity.size()));
      w_.bytes(catalog_.identity.data(), catalog_.identity.size());
    }
    if (has_cookie_) {
      w_.u16(wire::edns::COOKIE);
      w_.u16(static_cast<uint16_t>(kResponseCookieSize));
      w_.bytes(cookie_, kResponseCookieSize);
    }
  }

  const ParsedQuery& q_;
  const zone::Catalog& catalog_;
  wire::WireWriter w_;
  ResponseWriter rw_;
  wire::WireWriter::Mark after_question_{0, 0};
  size_t opt_size_ = 0;
  uint16_t rcode_ = 0;
  uint16_t qd_ = 0;
  int zone_ = -1;
  bool aa_ = false;
  bool ra_ = false;
  bool tc_ = false;
  bool opt_;            // the response carries an OPT RR
  bool bare_ = false;   // ... with no options
  bool has_cookie_ = false;
  bool valid_cookie_ = false;
  uint8_t cookie_[kResponseCookieSize];
};

size_t response_limit(const ParsedQuery& q, const zone::Catalog& c, const QueryContext& ctx,
                      size_t out_cap) {
  size_t limit = 512;
  if (ctx.transport == Transport::Tcp) limit = 65535;
  else if (q.has_edns) limit = std::max<size_t>(512, std::min<size_t>(q.edns_payload, c.udp_payload));
  return std::min(limit, out_cap);
}

// The stop_grace window's answer to an ordinary query (docs/operations.md "Maintenance" has
// what each resolver does with each). Only IN queries for our zones get anything but REFUSED.
void stop_answer(const ParsedQuery& q, const zone::Catalog& catalog, StopAnswer how, Builder& b) {
  int zi = q.opcode == wire::opcode::QUERY && q.qclass == wire::klass::IN
               ? catalog.find_zone_index(q.qname_lower)
               : -1;
  switch (how) {
    case StopAnswer::Lame:
      // An empty, non-authoritative NOERROR with RA set: "recursion lame".
      b.set_recursion_available();
      return;
    case StopAnswer::Referral:
    case StopAnswer::Upward:
      if (zi < 0) break;
      b.set_zone(zi);
      b.referral_to_apex(*catalog.zones[static_cast<size_t>(zi)].snapshot,
                         how == StopAnswer::Upward);
      return;
    case StopAnswer::NotAuth:
      if (zi < 0) break;
      b.set_zone(zi);
      b.set_rcode(R::NOTAUTH);
      return;
    case StopAnswer::Refused:
      break;
  }
  b.set_rcode(R::REFUSED);
}

}  // namespace

Result answer(const uint8_t* query, size_t query_len, const zone::Catalog& catalog,
              const QueryContext& ctx, uint8_t* out, size_t out_cap) noexcept {
  ParsedQuery q;
  parse_query(query, query_len, q);
  if (q.decision == Decision::Drop || out_cap < 512) return Result{};

  Builder b(q, catalog, out, response_limit(q, catalog, ctx, out_cap));
  b.header();
  if (q.decision == Decision::FormErr) {
    b.set_rcode(R::FORMERR);
    return b.finish();
  }
  if (q.decision == Decision::BadOption) {
    b.bare_opt();
    b.set_rcode(R::FORMERR);  // RFC 7873 5.2.2
    return b.finish();
  }
  if (q.decision == Decision::NotImp) {
    b.set_rcode(R::NOTIMP);
    return b.finish();
  }
  b.cookie(ctx);
  b.reserve_opt();
  b.question();
  b.mark_question_end();

  if (q.has_edns && q.edns_version > 0) {
    b.set_rcode(wire::rcode::BADVERS);  // RFC 6891 6.1.3
  } else if (q.opcode != wire::opcode::QUERY || q.tsig_offset != 0 || q.qtype == T::AXFR ||
             q.qtype == T::IXFR) {
    // UPDATE, NOTIFY, transfers and TSIG-signed queries go to the zone service thread, in
    // the stop_grace window too: they are sentinel's pushes and read-backs and replication,
    // and the push that takes this node out of the NS set is what lets it stop early
    // (service/stop_leave.h).
    Result slow;
    slow.outcome = Outcome::SlowPath;
    return slow;
  } else if (ctx.refuse_all) {
    stop_answer(q, catalog, ctx.stop_answer, b);
  } else if (q.qtype == T::OPT || q.qtype == T::TSIG) {
    b.set_rcode(R::FORMERR);
  } else if (q.qtype == T::MAILA || q.qtype == T::MAILB) {
    b.set_rcode(R::NOTIMP);
  } else if (q.qclass == wire::klass::CH) {
    b.chaos();
  } else if (q.qclass != wire::klass::IN) {
    b.set_rcode(R::REFUSED);
  } else if (int zi = catalog.find_zone_index(q.qname_lower); zi >= 0) {
    b.set_zone(zi);
    b.lookup(*catalog.zones[static_cast<size_t>(zi)].snapshot);
  } else {
    b.set_rcode(R::REFUSED);  // not ours, and we never recurse
  }
  return b.finish();
}

}  // namespace dnsd::answer
