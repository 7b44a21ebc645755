// Journal and snapshot encoding (see journal_codec.h for the frame layout).
#include "dnsd/update/journal_codec.h"

#include <openssl/sha.h>

#include <cstring>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_builder.h"

namespace dnsd::update {
namespace {

constexpr uint32_t kHeaderMagic = 0x444A4831;    // "DJH1"
constexpr uint32_t kEntryMagic = 0x444A4531;     // "DJE1"
constexpr uint32_t kSnapshotMagic = 0x444A5331;  // "DJS1"
constexpr size_t kMaxFrame = 256u << 20;

struct Out {
  std::vector<uint8_t> b;
  void u16(uint16_t v) { b.push_back(uint8_t(v >> 8)), b.push_back(uint8_t(v)); }
  void u32(uint32_t v) { u16(uint16_t(v >> 16)), u16(uint16_t(v)); }
  void str(const std::string& s) { u32(uint32_t(s.size())), b.insert(b.end(), s.begin(), s.end()); }
  void rec(const xfr::XfrRecord& r) { str(r.owner), u16(r.type), u32(r.ttl), str(r.rdata); }
};

struct In {
  const uint8_t* p;
  size_t n, i = 0;
  bool ok = true;
  bool need(size_t k) { return ok = ok && n - i >= k; }
  uint16_t u16() { if (!need(2)) return 0; uint16_t v = uint16_t(p[i] << 8 | p[i + 1]); i += 2; return v; }
  uint32_t u32() { uint32_t hi = u16(); return hi << 16 | u16(); }
  std::string str() {
    uint32_t len = u32();
    if (!need(len)) return {};
    std::string s(reinterpret_cast<const char*>(p + i), len);
    i += len;
    return s;
  }
  xfr::XfrRecord rec() {
    xfr::XfrRecord r;
    r.owner = str();
    r.type = u16();
    r.ttl = u32();
    r.rdata = str();
    return r;
  }
};

std::vector<uint8_t> frame(uint32_t magic, const std::vector<uint8_t>& payload) {
  Out o;
  o.u32(magic);
  o.u32(uint32_t(payload.size()));
  o.b.insert(o.b.end(), payload.begin(), payload.end());
  unsigned char sum[SHA256_DIGEST_LENGTH];
  SHA256(payload.data(), payload.size(), sum);
  o.b.insert(o.b.end(), sum, sum + 8);
  return o.b;
}

// Reads one frame at `pos` of `data` (`size` bytes); false if it is torn or corrupt.
bool read_frame(const uint8_t* data, size_t size, size_t& pos, uint32_t magic, In& payload) {
  In h{data + pos, size - pos};
  if (h.u32() != magic || !h.ok) return false;
  uint32_t len = h.u32();
  if (!h.ok || len > kMaxFrame || !h.need(size_t(len) + 8)) return false;
  const uint8_t* body = data + pos + 8;
  unsigned char sum[SHA256_DIGEST_LENGTH];
  SHA256(body, len, sum);
  if (std::memcmp(sum, body + len, 8) != 0) return false;
  payload = In{body, len};
  pos += 8 + size_t(len) + 8;
  return true;
}

bool decode_payload(In& in, JournalEntry& out) {
  out.serial_from = in.u32();
  out.serial_to = in.u32();
  out.diff.soa_ttl = in.u32();
  out.diff.soa_before_rdata = in.str();
  out.diff.soa_after_rdata = in.str();
  for (auto* list : {&out.diff.deleted, &out.diff.added}) {
    uint32_t n = in.u32();
    if (!in.ok || n > in.n / 14) return false;  // a record takes at least 14 bytes
    list->clear();
    for (uint32_t i = 0; i < n && in.ok; ++i) list->push_back(in.rec());
  }
  return in.ok && in.i == in.n;
}

// A name from the file that can belong to the zone (a damaged or hostile file may hold anything).
bool ours(const std::string& owner, const std::string& origin) {
  return owner.size() <= wire::kMaxNameLength && wire::is_subdomain(owner, origin);
}

}  // namespace

std::vector<uint8_t> encode_entry(const JournalEntry& e) {
  Out o;
  o.u32(e.serial_from);
  o.u32(e.serial_to);
  o.u32(e.diff.soa_ttl);
  o.str(e.diff.soa_before_rdata);
  o.str(e.diff.soa_after_rdata);
  o.u32(uint32_t(e.diff.deleted.size()));
  for (const auto& r : e.diff.deleted) o.rec(r);
  o.u32(uint32_t(e.diff.added.size()));
  for (const auto& r : e.diff.added) o.rec(r);
  return frame(kEntryMagic, o.b);
}

bool decode_entry(const uint8_t* p, size_t len, JournalEntry& out) {
  size_t pos = 0;
  In in{nullptr, 0};
  if (!read_frame(p, len, pos, kEntryMagic, in) || pos != len) return false;
  return decode_payload(in, out);
}

std::vector<uint8_t> encode_journal_header(uint32_t base_serial) {
  Out o;
  o.u32(base_serial);
  return frame(kHeaderMagic, o.b);
}

JournalScan scan_journal(const std::vector<uint8_t>& data) {
  JournalScan s;
  size_t pos = 0;
  In in{nullptr, 0};
  if (!read_frame(data.data(), data.size(), pos, kHeaderMagic, in)) return s;
  s.has_header = true;
  s.base_serial = in.u32();
  s.header_end = s.good_end = pos;
  while (pos < data.size()) {
    JournalEntry e;
    if (!read_frame(data.data(), data.size(), pos, kEntryMagic, in) || !decode_payload(in, e)) break;
    s.entries.push_back(std::move(e));
    s.good_end = pos;
    s.entry_ends.push_back(pos);
  }
  // A crash mid-append leaves one partial frame; a whole frame further on means damage
  // that cut acknowledged entries off: say so, so the file is kept for the operator.
  for (size_t at = s.good_end + 1; at + 8 <= data.size(); ++at) {
    size_t p = at;
    JournalEntry e;
    if (data[at] == uint8_t(kEntryMagic >> 24) &&
        read_frame(data.data(), data.size(), p, kEntryMagic, in) && decode_payload(in, e)) {
      s.whole_frames_after_break = true;
      break;
    }
  }
  return s;
}

std::vector<uint8_t> encode_snapshot(uint32_t base_serial, const zone::ZoneSnapshot& zone) {
  Out o;
  o.u32(base_serial);
  uint32_t sets = 0;
  zone.for_each_node([&](std::string_view, const zone::NodeContent& node) { sets += uint32_t(node.size()); });
  o.u32(sets);
  zone.for_each_node([&](std::string_view owner, const zone::NodeContent& node) {
    for (const auto& [type, set] : node) {
      o.str(std::string(owner));
      o.u16(type);
      o.u32(set.ttl);
      o.u32(uint32_t(set.rdatas.size()));
      for (const auto& rd : set.rdatas) o.str(rd);
    }
  });
  return frame(kSnapshotMagic, o.b);
}

bool snapshot_base(const std::vector<uint8_t>& data, uint32_t& base_serial) {
  size_t pos = 0;
  In in{nullptr, 0};
  if (!read_frame(data.data(), data.size(), pos, kSnapshotMagic, in)) return false;
  base_serial = in.u32();
  return in.ok;
}

std::shared_ptr<const zone::ZoneSnapshot> decode_snapshot(
    const std::vector<uint8_t>& data, const std::string& origin, const std::string& path,
    std::shared_ptr<const zone::SelfSpec> self, std::string& error) {
  size_t pos = 0;
  In in{nullptr, 0};
  if (!read_frame(data.data(), data.size(), pos, kSnapshotMagic, in)) {
    error = path + ": damaged snapshot (torn or bad checksum)";
    return nullptr;
  }
  in.u32();  // base serial: see snapshot_base()
  zone::ZoneBuilder z(origin);
  uint32_t sets = in.u32();
  for (uint32_t i = 0; i < sets && in.ok; ++i) {
    std::string owner = in.str();
    uint16_t type = in.u16();
    uint32_t ttl = in.u32();
    uint32_t n = in.u32();
    for (uint32_t k = 0; k < n && in.ok; ++k) {
      std::string rd = in.str();
      if (in.ok && ours(owner, origin)) z.add(owner, type, ttl, rd, 0);
    }
  }
  if (!in.ok) {
    error = path + ": damaged snapshot (truncated content)";
    return nullptr;
  }
  common::ErrorList rules;
  z.seal();
  z.check_rules(path, rules);
  if (!rules.empty()) {
    error = "snapshot breaks the zone rules: " + rules.errors().front().to_string();
    return nullptr;
  }
  return z.build(std::move(self));
}

}  // namespace dnsd::update
