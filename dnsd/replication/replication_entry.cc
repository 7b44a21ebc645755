// Replication entries: encoding, the replication update, the marker query.
#include "dnsd/replication/replication_entry.h"

#include "dnsd/wire/byte_append.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/wire_reader.h"

namespace dnsd::replication {
namespace {

namespace T = wire::type;
namespace K = wire::klass;
using wire::append_u16;
using wire::append_u32;

void put_str(std::vector<uint8_t>& v, const std::string& s) {
  append_u16(v, static_cast<uint16_t>(s.size()));
  v.insert(v.end(), s.begin(), s.end());
}
void put_records(std::vector<uint8_t>& v, const std::vector<xfr::XfrRecord>& rrs) {
  append_u32(v, static_cast<uint32_t>(rrs.size()));
  for (const auto& r : rrs) {
    put_str(v, r.owner);
    append_u16(v, r.type);
    append_u32(v, r.ttl);
    put_str(v, r.rdata);
  }
}
void put_u64(std::vector<uint8_t>& v, uint64_t x) {
  append_u32(v, static_cast<uint32_t>(x >> 32));
  append_u32(v, static_cast<uint32_t>(x));
}

struct Reader {
  const uint8_t* p;
  size_t len, pos = 0;
  bool ok = true;
  bool need(size_t n) { return ok = ok && len - pos >= n; }
  uint16_t u16() { if (!need(2)) return 0; uint16_t x = static_cast<uint16_t>(p[pos] << 8 | p[pos + 1]); pos += 2; return x; }
  uint32_t u32() { uint32_t hi = u16(); return hi << 16 | u16(); }
  uint64_t u64() { uint64_t hi = u32(); return hi << 32 | u32(); }
  std::string str() {
    uint16_t n = u16();
    if (!need(n)) return {};
    std::string s(reinterpret_cast<const char*>(p + pos), n);
    pos += n;
    return s;
  }
  bool records(std::vector<xfr::XfrRecord>& out) {
    uint32_t n = u32();
    if (!ok || n > len) return ok = false;  // each record takes bytes: a bigger count is damage
    for (uint32_t i = 0; i < n && ok; ++i) {
      xfr::XfrRecord r;
      r.owner = str();
      r.type = u16();
      r.ttl = u32();
      r.rdata = str();
      out.push_back(std::move(r));
    }
    return ok;
  }
};

void put_name(std::vector<uint8_t>& v, const std::string& wire_name) { v.insert(v.end(), wire_name.begin(), wire_name.end()); }
void put_rr(std::vector<uint8_t>& v, const std::string& owner, uint16_t type, uint16_t klass, uint32_t ttl,
            const std::string& rdata) {
  put_name(v, owner);
  append_u16(v, type);
  append_u16(v, klass);
  append_u32(v, ttl);
  put_str(v, rdata);
}

}  // namespace

std::vector<uint8_t> ReplicationEntry::changes_bytes() const {
  std::vector<uint8_t> v;
  put_u64(v, seq);
  put_records(v, deleted);
  put_records(v, added);
  return v;
}

std::vector<uint8_t> encode_entry(const ReplicationEntry& e) {
  std::vector<uint8_t> v;
  put_u64(v, e.seq);
  put_str(v, e.marker);
  put_str(v, e.soa_rdata);
  append_u32(v, e.soa_ttl);
  put_records(v, e.deleted);
  put_records(v, e.added);
  return v;
}

std::optional<ReplicationEntry> decode_entry(const uint8_t* p, size_t len) {
  Reader r{p, len};
  ReplicationEntry e;
  e.seq = r.u64();
  e.marker = r.str();
  e.soa_rdata = r.str();
  e.soa_ttl = r.u32();
  if (!r.records(e.deleted) || !r.records(e.added) || r.pos != len) return std::nullopt;
  auto m = parse_marker(e.marker);
  if (!m || m->seq != e.seq) return std::nullopt;
  return e;
}

ReplicationEntry next_entry(const std::optional<Marker>& previous, const std::string& primary,
                            std::vector<xfr::XfrRecord> deleted, std::vector<xfr::XfrRecord> added,
                            std::string soa_rdata, uint32_t soa_ttl) {
  ReplicationEntry e;
  e.seq = previous ? previous->seq + 1 : 1;
  e.deleted = std::move(deleted);
  e.added = std::move(added);
  e.soa_rdata = std::move(soa_rdata);
  e.soa_ttl = soa_ttl;
  Marker m{e.seq, primary, chain_hash(previous ? previous->hash : "", e.changes_bytes())};
  e.marker = format_marker(m);
  return e;
}

std::vector<uint8_t> build_replication_update(const ReplicationEntry& e, const std::string& previous_marker,
                                              const std::string& origin, uint16_t id) {
  const std::string owner = marker_owner(origin);
  std::vector<uint8_t> m;
  append_u16(m, id);
  append_u16(m, static_cast<uint16_t>(wire::opcode::UPDATE << 11));
  size_t updates = e.deleted.size() + e.added.size() + (e.soa_rdata.empty() ? 0 : 1) + 2;
  append_u16(m, 1);  // zone
  append_u16(m, 1);  // prerequisite: the marker as it was
  append_u16(m, static_cast<uint16_t>(updates));
  append_u16(m, 0);
  put_name(m, origin);
  append_u16(m, T::SOA);
  append_u16(m, K::IN);
  if (previous_marker.empty()) put_rr(m, owner, T::TXT, K::NONE, 0, "");  // RRset does not exist
  else put_rr(m, owner, T::TXT, K::IN, 0, txt_rdata(previous_marker));    // exactly this RRset
  for (const auto& r : e.deleted) put_rr(m, r.owner, r.type, K::NONE, 0, r.rdata);
  for (const auto& r : e.added) put_rr(m, r.owner, r.type, K::IN, r.ttl, r.rdata);
  if (!e.soa_rdata.empty()) put_rr(m, origin, T::SOA, K::IN, e.soa_ttl, e.soa_rdata);
  put_rr(m, owner, T::TXT, K::ANY, 0, "");
  put_rr(m, owner, T::TXT, K::IN, 0, txt_rdata(e.marker));
  return m;
}

std::optional<ReplicationEntry> entry_from_update(const update::UpdateMessage& m, std::string& reason) {
  const std::string owner = marker_owner(m.zone);
  if (m.prerequisites.size() != 1 || m.prerequisites[0].owner != owner || m.prerequisites[0].type != T::TXT) {
    reason = "a replication update must have exactly one prerequisite, on the _replication TXT";
    return std::nullopt;
  }
  ReplicationEntry e;
  bool marker = false;
  for (const auto& rr : m.updates) {
    if (rr.owner == owner) {
      if (rr.type != T::TXT) { reason = "a replication update may only write TXT at _replication"; return std::nullopt; }
      if (rr.klass == K::IN) {
        auto text = txt_text(rr.rdata);
        auto mk = text ? parse_marker(*text) : std::nullopt;
        if (!mk || marker) { reason = "the new _replication TXT is not one valid marker"; return std::nullopt; }
        e.seq = mk->seq;
        e.marker = *text;
        marker = true;
      }
      continue;
    }
    if (rr.type == T::SOA && rr.owner == m.zone && rr.klass == K::IN) {
      e.soa_rdata = rr.rdata;
      e.soa_ttl = rr.ttl;
    } else if (rr.klass == K::NONE) {
      e.deleted.push_back({rr.owner, rr.type, 0, rr.rdata});
    } else if (rr.klass == K::IN) {
      e.added.push_back({rr.owner, rr.type, rr.ttl, rr.rdata});
    } else {
      reason = "a replication update only deletes and adds single RRs";
      return std::nullopt;
    }
  }
  if (!marker) {
    reason = "a replication update must set the new _replication TXT";
    return std::nullopt;
  }
  return e;
}

namespace {

std::vector<uint8_t> question(const std::string& name, uint16_t type, uint16_t id) {
  std::vector<uint8_t> m;
  append_u16(m, id);
  append_u16(m, 0);
  append_u16(m, 1);
  append_u16(m, 0);
  append_u16(m, 0);
  append_u16(m, 0);
  put_name(m, name);
  append_u16(m, type);
  append_u16(m, K::IN);
  return m;
}

}  // namespace

std::vector<uint8_t> build_marker_query(const std::string& origin, uint16_t id) {
  return question(marker_owner(origin), T::TXT, id);
}

std::vector<uint8_t> build_soa_query(const std::string& origin, uint16_t id) { return question(origin, T::SOA, id); }

namespace {

// One answer record of a response, as walk_answers hands it over: the owner (lowercased),
// the type and where the rdata lies in the message.
struct AnswerRecord {
  std::string_view owner;
  uint16_t type;
  size_t rdata;
  uint16_t rdlen;
};

// Checks that `response` answers query `id` authoritatively with NOERROR (or NXDOMAIN when
// `nxdomain_ok`), then calls `visit` for each answer record until it returns false.
// False with `error` (its text begins with `what`: "SOA " or "") when the header or a
// record does not hold.
template <typename Visit>
bool walk_answers(const std::vector<uint8_t>& response, uint16_t id, bool nxdomain_ok, const char* what,
                  std::string& error, Visit&& visit) {
  wire::WireReader r(response.data(), response.size());
  uint16_t rid = r.u16(), flags = r.u16(), qd = r.u16(), an = r.u16();
  r.skip(4);
  if (!r.ok() || rid != id || !(flags & wire::flag::QR)) {
    error = std::string("not a response to our ") + what + "query";
    return false;
  }
  uint8_t rcode = flags & 0xF;
  bool rcode_ok = rcode == wire::rcode::NOERROR || (nxdomain_ok && rcode == wire::rcode::NXDOMAIN);
  if (!(flags & wire::flag::AA) || !rcode_ok) {
    error = std::string(what) + (*what ? "query " : "") + "answered rcode " + std::to_string(rcode) +
            (flags & wire::flag::AA ? "" : " without AA");
    return false;
  }
  wire::NameBuf name;
  for (uint16_t i = 0; i < qd; ++i) {
    r.name(name);
    r.skip(4);
  }
  for (uint16_t i = 0; i < an && r.ok(); ++i) {
    r.name(name);
    wire::lowercase(name);
    uint16_t type = r.u16();
    r.skip(6);
    uint16_t rdlen = r.u16();
    size_t rdata = r.pos();
    r.skip(rdlen);
    if (!r.ok()) break;
    if (!visit(AnswerRecord{name.view(), type, rdata, rdlen})) return true;
  }
  if (!r.ok()) {
    error = std::string("truncated ") + what + "answer";
    return false;
  }
  return true;
}

}  // namespace

bool read_soa_serial(const std::vector<uint8_t>& response, uint16_t id, const std::string& origin,
                     uint32_t& serial, std::string& error) {
  bool found = false;
  bool walked = walk_answers(response, id, false, "SOA ", error, [&](const AnswerRecord& rr) {
    if (rr.type != T::SOA || rr.owner != origin) return true;
    // MNAME and RNAME (possibly compressed), then the serial.
    wire::WireReader f(response.data(), rr.rdata + rr.rdlen);
    f.seek(rr.rdata);
    wire::NameBuf name;
    f.name(name);
    f.name(name);
    uint32_t s = f.u32();
    if (!f.ok()) return true;
    serial = s;
    found = true;
    return false;
  });
  if (!walked) return false;
  if (!found) error = "no SOA in the answer";
  return found;
}

bool read_marker_answer(const std::vector<uint8_t>& response, uint16_t id, std::optional<Marker>& out,
                        std::string& error) {
  out.reset();
  bool bad = false;
  bool walked = walk_answers(response, id, true, "", error, [&](const AnswerRecord& rr) {
    if (rr.type != T::TXT) return true;
    auto text = txt_text(std::string_view(reinterpret_cast<const char*>(response.data() + rr.rdata), rr.rdlen));
    auto m = text ? parse_marker(*text) : std::nullopt;
    if (!m) {
      bad = true;
      return false;
    }
    out = m;
    return true;
  });
  if (!walked) return false;
  if (bad) {
    out.reset();
    error = "its _replication TXT is not a marker";
    return false;
  }
  return true;
}

}  // namespace dnsd::replication
