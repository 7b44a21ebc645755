// Journal: loading (snapshot + replay), durable appends, compaction, and the rules for
// failures (see journal.h).
#include "dnsd/update/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

#include "dnsd/common/atomic_file.h"
#include "dnsd/update/journal_state.h"
#include "dnsd/update/serial_rule.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_edit.h"

namespace dnsd::update {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), {});
}

std::string_view bytes_of(const std::vector<uint8_t>& v) {
  return {reinterpret_cast<const char*>(v.data()), v.size()};
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

}  // namespace

void Journal::distrust(std::string reason) {
  if (untrusted_reason_.empty()) untrusted_reason_ = std::move(reason);
}

bool Journal::reopen(std::string& error) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(journal_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ >= 0) return true;
  error = journal_path_ + ": open: " + std::strerror(errno);
  return false;
}

std::unique_ptr<Journal> Journal::open(const std::string& state_dir, const std::string& origin,
                                       std::shared_ptr<const zone::ZoneSnapshot>& zone,
                                       LoadReport& report, const common::FileOps& io) {
  std::unique_ptr<Journal> j(new Journal(io));
  std::string stem = state_file_stem(state_dir, origin);
  j->journal_path_ = stem + "journal";
  j->snapshot_path_ = stem + "snapshot";
  const uint32_t file_serial = zone->serial();
  j->base_serial_ = file_serial;

  const std::vector<uint8_t> snap = read_file(j->snapshot_path_);
  const std::vector<uint8_t> data = read_file(j->journal_path_);
  const JournalScan scan = scan_journal(data);

  // Which dynamic state is on disk, and which zone file serial it was started from.
  bool have_snap = !snap.empty();
  uint32_t snap_base = 0;
  if (have_snap && !snapshot_base(snap, snap_base)) {
    report.error = j->snapshot_path_ + ": damaged snapshot (torn or bad checksum); it holds "
                   "acknowledged updates, so the zone is not served without it: restore it, or "
                   "delete it and the journal to serve the zone file alone";
    return j;
  }
  if (!data.empty() && !scan.has_header) {
    report.error = j->journal_path_ + ": damaged journal header; the journal may hold "
                   "acknowledged updates, so the zone is not served without it: move it aside "
                   "(with the snapshot) to serve the zone file alone";
    return j;
  }
  // A journal restarted when the zone file last won makes an older snapshot stale.
  if (have_snap && scan.has_header && snap_base != scan.base_serial) have_snap = false;
  const bool have_state = have_snap || scan.has_header;
  const uint32_t state_base = have_snap ? snap_base : scan.base_serial;

  std::string err;
  if (have_state && state_base != file_serial) {
    // The operator changed the zone file's serial: the file wins only if that cannot take
    // the serial the world has seen backwards (RFC 1982 order).
    uint32_t served = state_base;
    if (have_snap) {
      auto s = decode_snapshot(snap, origin, j->snapshot_path_, zone->self(), err);
      if (!s) {
        report.error = err;
        return j;
      }
      served = s->serial();
    }
    if (!scan.entries.empty() && serial_lt(served, scan.entries.back().serial_to))
      served = scan.entries.back().serial_to;
    ZoneFileVerdict verdict = judge_zone_file(file_serial, state_base, served, j->journal_path_);
    if (verdict.kind == ZoneFileVerdict::Refused && have_snap) {
      // The snapshot is a whole copy of the state: serve it (and the entries on top), as a
      // reload keeps serving, and leave the file aside until its serial is raised.
      report.refused_file = verdict.message;
      j->base_serial_ = state_base;
    } else if (verdict.kind == ZoneFileVerdict::Refused) {
      report.error = verdict.message + "; state_dir holds no snapshot of the served state to "
                     "serve instead (the journal applies only on top of the file it started from)";
      return j;
    } else {
      report.file_won = true;
      have_snap = false;
    }
  }

  bool fresh = !have_state || report.file_won;
  if (!fresh) {
    if (have_snap) {
      auto s = decode_snapshot(snap, origin, j->snapshot_path_, zone->self(), err);
      if (!s) {
        report.error = err;
        return j;
      }
      zone = s;
      report.used_snapshot = true;
      j->has_snapshot_ = true;
    }
    // Replay the chain of entries on top; entries older than the snapshot are in it.
    zone::ZoneEdit edit(zone);
    size_t good_end = scan.header_end;
    bool gap = false;
    for (size_t k = 0; k < scan.entries.size(); ++k) {
      const JournalEntry& e = scan.entries[k];
      uint32_t cur = edit.serial();
      if (e.serial_from == cur) {
        apply_entry(e, edit);
        ++report.replayed;
      } else if (!serial_lt(e.serial_from, cur)) {
        gap = true;  // nothing after a gap in the chain can apply
        break;
      }
      j->entries_.push_back(e);
      good_end = scan.entry_ends[k];
    }
    if (report.replayed) zone = edit.commit();
    j->bytes_ = good_end;
    if (!scan.has_header) {
      fresh = true;  // snapshot without a journal: start one on top of it
    } else if (good_end < data.size()) {
      report.torn_tail = true;
      if (gap || scan.whole_frames_after_break) {
        // Not a crash mid-append: keep the whole file for the operator, then cut.
        report.damaged_copy = j->journal_path_ + ".damaged-" + std::to_string(std::time(nullptr));
        if (!common::write_file_atomic(report.damaged_copy, bytes_of(data), err, io))
          j->distrust("cannot keep the damaged journal aside: " + err);
      }
      int fd = ::open(j->journal_path_.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || io.ftruncate(fd, off_t(good_end)) != 0 || io.fdatasync(fd) != 0)
        j->distrust(j->journal_path_ + ": cannot cut back the torn tail: " + std::strerror(errno));
      if (fd >= 0) ::close(fd);
    }
  }
  if (fresh) {
    // A new journal first, then the stale snapshot goes: a crash in between leaves a
    // snapshot whose base differs from the journal's, which is ignored (above).
    std::vector<uint8_t> header = encode_journal_header(file_serial);
    j->entries_.clear();
    j->bytes_ = header.size();
    if (common::replace_file(j->journal_path_, bytes_of(header), err, io) != common::Replace::Durable)
      j->distrust(err);
    else if (report.file_won && ::unlink(j->snapshot_path_.c_str()) != 0 && errno != ENOENT)
      j->distrust(j->snapshot_path_ + ": cannot remove the stale snapshot: " + std::strerror(errno));
  }
  if (!j->reopen(err)) j->distrust(err);
  report.untrusted = j->untrusted_reason_;
  return j;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

bool Journal::append(const JournalEntry& e, std::string& error) {
  if (!trusted()) {
    error = journal_path_ + " is not trusted since: " + untrusted_reason_;
    return false;
  }
  std::vector<uint8_t> f = encode_entry(e);
  if (!common::write_all(io_, fd_, f.data(), f.size())) {
    error = journal_path_ + ": write: " + std::strerror(errno);
    // Cut the partial entry off, durably, before anything else may follow it.
    if (io_.ftruncate(fd_, off_t(bytes_)) != 0 || io_.fdatasync(fd_) != 0)
      distrust(error + "; cutting the partial entry back failed: " + std::strerror(errno));
    return false;
  }
  if (io_.fdatasync(fd_) != 0) {
    // The kernel may have dropped the pages: the file is no longer what we wrote.
    error = journal_path_ + ": fdatasync: " + std::strerror(errno);
    distrust(error);
    return false;
  }
  bytes_ += f.size();
  entries_.push_back(e);
  return true;
}

bool Journal::compact(const zone::ZoneSnapshot& zone, std::string& error) {
  // 1. The snapshot, written aside and renamed. Until the new journal is in place the old
  //    one stays valid on top of either snapshot (replay skips entries the snapshot holds).
  std::vector<uint8_t> snap = encode_snapshot(base_serial_, zone);
  if (common::replace_file(snapshot_path_, bytes_of(snap), error, io_) != common::Replace::Durable)
    return false;
  // 2. A new, empty journal in place of the old one.
  std::vector<uint8_t> header = encode_journal_header(base_serial_);
  switch (common::replace_file(journal_path_, bytes_of(header), error, io_)) {
    case common::Replace::Unchanged:
      return false;  // the old journal (and our descriptor on it) are still good
    case common::Replace::Uncertain:
      distrust(error);  // our descriptor is on the replaced file, the new one may vanish
      return false;
    case common::Replace::Durable:
      break;
  }
  entries_.clear();
  bytes_ = header.size();
  has_snapshot_ = true;
  if (!reopen(error)) {
    distrust(error);
    return false;
  }
  untrusted_reason_.clear();
  return true;
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

std::vector<Journal::EntrySummary> Journal::last_entries(size_t n) const {
  std::vector<EntrySummary> out;
  size_t first = entries_.size() > n ? entries_.size() - n : 0;
  for (size_t i = first; i < entries_.size(); ++i) {
    const JournalEntry& e = entries_[i];
    out.push_back({e.serial_from, e.serial_to, e.diff.added.size(), e.diff.deleted.size()});
  }
  return out;
}

}  // namespace dnsd::update
