// Journal and snapshot files.
#include "dnsd/update/journal.h"

#include "dnsd/common/atomic_file.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_builder.h"
#include "dnsd/zone/zone_edit.h"

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

// Reads one frame at `pos`; false if it is torn or corrupt.
bool read_frame(const std::vector<uint8_t>& data, size_t& pos, uint32_t magic, In& payload) {
  In h{data.data() + pos, data.size() - pos};
  if (h.u32() != magic || !h.ok) return false;
  uint32_t len = h.u32();
  if (!h.ok || len > kMaxFrame || !h.need(size_t(len) + 8)) return false;
  const uint8_t* body = data.data() + pos + 8;
  unsigned char sum[SHA256_DIGEST_LENGTH];
  SHA256(body, len, sum);
  if (std::memcmp(sum, body + len, 8) != 0) return false;
  payload = In{body, len};
  pos += 8 + size_t(len) + 8;
  return true;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

// Writes `data` to `path` atomically and durably (temp + fsync + rename + fsync dir).
bool write_atomic(const std::string& path, const std::vector<uint8_t>& data, std::string& error) {
  return dnsd::common::write_file_atomic(
      path, std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), error);
}

std::vector<uint8_t> header_frame(uint32_t base) {
  Out o;
  o.u32(base);
  return frame(kHeaderMagic, o.b);
}

// A name from the file that can belong to the zone (a damaged or hostile file may hold anything).
bool ours(const std::string& owner, const std::string& origin) {
  return owner.size() <= wire::kMaxNameLength && wire::is_subdomain(owner, origin);
}

void apply_entry(const JournalEntry& e, zone::ZoneEdit& z) {
  for (const auto& r : e.diff.deleted) {
    if (!ours(r.owner, z.origin())) continue;
    auto& node = z.mutable_node(r.owner);
    auto s = node.find(r.type);
    if (s == node.end()) continue;
    std::erase(s->second.rdatas, r.rdata);
    if (s->second.rdatas.empty()) node.erase(s);
  }
  for (const auto& r : e.diff.added) {
    if (!ours(r.owner, z.origin())) continue;
    auto& set = z.mutable_node(r.owner)[r.type];
    set.ttl = r.ttl;
    set.add(r.rdata);
  }
  auto& soa = z.mutable_node(z.origin())[wire::type::SOA];
  soa.rdatas = {e.diff.soa_after_rdata};
  soa.ttl = e.diff.soa_ttl;
}

std::string file_stem(const std::string& state_dir, const std::string& origin) {
  std::string text = wire::name_to_text(origin);  // "api.example.test."
  for (auto& c : text)
    if (c == '/' || c == '\\') c = '_';
  return state_dir + "/" + text;
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
  std::vector<uint8_t> data(p, p + len);
  size_t pos = 0;
  In in{nullptr, 0};
  if (!read_frame(data, pos, kEntryMagic, in)) return false;
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

std::unique_ptr<Journal> Journal::open(const std::string& state_dir, const std::string& origin,
                                       std::shared_ptr<const zone::ZoneSnapshot>& zone,
                                       LoadReport& report) {
  std::unique_ptr<Journal> j(new Journal());
  std::string stem = file_stem(state_dir, origin);
  j->journal_path_ = stem + "journal";
  j->snapshot_path_ = stem + "snapshot";
  uint32_t file_serial = zone->serial();
  j->base_serial_ = file_serial;

  std::vector<uint8_t> snap = read_file(j->snapshot_path_);
  if (!snap.empty()) {
    size_t pos = 0;
    In in{nullptr, 0};
    if (!read_frame(snap, pos, kSnapshotMagic, in)) {
      report.error = j->snapshot_path_ + ": corrupt snapshot ignored";
    } else if (in.u32() != file_serial) {
      report.file_won = true;
      unlink(j->snapshot_path_.c_str());
    } else {
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
      common::ErrorList rules;
      if (in.ok) {
        z.seal();
        z.check_rules(j->snapshot_path_, rules);
      }
      if (in.ok && rules.empty()) {
        zone = z.build(zone->self());
        report.used_snapshot = true;
      } else {
        report.error = j->snapshot_path_ + ": corrupt snapshot ignored";
      }
    }
  }

  std::vector<uint8_t> data = read_file(j->journal_path_);
  size_t pos = 0, good_end = 0;
  In in{nullptr, 0};
  bool fresh = true;
  if (read_frame(data, pos, kHeaderMagic, in)) {
    if (in.u32() == file_serial && !report.file_won) {
      fresh = false;
      good_end = pos;
      zone::ZoneEdit edit(zone);
      bool edited = false;
      while (pos < data.size()) {
        size_t start = pos;
        JournalEntry e;
        if (!read_frame(data, pos, kEntryMagic, in) ||
            !decode_entry(data.data() + start, pos - start, e)) {
          report.torn_tail = true;
          break;
        }
        uint32_t cur = edit.serial();
        if (e.serial_from == cur) {
          apply_entry(e, edit);
          edited = true;
          ++report.replayed;
        } else if (!serial_lt(e.serial_from, cur)) {
          report.torn_tail = true;  // a gap in the chain: nothing after it can apply
          break;
        }  // else: already in the snapshot
        j->entries_.push_back(std::move(e));
        good_end = pos;
      }
      if (edited) zone = edit.commit();
    } else {
      report.file_won = true;
    }
  }
  if (fresh) {
    if (report.file_won) unlink(j->snapshot_path_.c_str());
    std::string err;
    if (!write_atomic(j->journal_path_, header_frame(file_serial), err)) report.error = err;
    good_end = header_frame(file_serial).size();
  } else if (good_end < data.size()) {
    if (truncate(j->journal_path_.c_str(), off_t(good_end)) != 0)
      report.error = j->journal_path_ + ": cannot truncate torn tail: " + std::strerror(errno);
  }
  j->bytes_ = good_end;
  j->fd_ = ::open(j->journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (j->fd_ < 0) report.error = j->journal_path_ + ": " + std::strerror(errno);
  return j;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

bool Journal::append(const JournalEntry& e, std::string& error) {
  std::vector<uint8_t> f = encode_entry(e);
  if (fd_ < 0 || ::write(fd_, f.data(), f.size()) != ssize_t(f.size()) || fdatasync(fd_) != 0) {
    error = journal_path_ + ": " + std::strerror(errno);
    // A partial write is cut back on the next start (torn tail); don't build on it now.
    return false;
  }
  bytes_ += f.size();
  entries_.push_back(e);
  return true;
}

bool Journal::compact(const zone::ZoneSnapshot& zone, std::string& error) {
  Out o;
  o.u32(base_serial_);
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
  if (!write_atomic(snapshot_path_, frame(kSnapshotMagic, o.b), error)) return false;
  if (!write_atomic(journal_path_, header_frame(base_serial_), error)) return false;
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  bytes_ = header_frame(base_serial_).size();
  entries_.clear();
  return fd_ >= 0;
}

bool Journal::diffs_since(uint32_t serial, std::vector<xfr::XfrDiff>& out) const {
  out.clear();
  if (!entries_.empty() && entries_.back().serial_to == serial) return true;
  for (size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].serial_from != serial) continue;
    for (size_t k = i; k < entries_.size(); ++k) out.push_back(entries_[k].diff);
    return true;
  }
  return false;
}

}  // namespace dnsd::update
