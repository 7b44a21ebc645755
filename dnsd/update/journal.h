// The per-zone journal: every acknowledged update, appended and fdatasync'd before the
// answer leaves, replayed on start, compacted into a snapshot file from time to time.
//
// Files in state_dir, for zone "api.example.test.":
//   api.example.test.journal   header (base file serial) + framed entries (journal_codec.h)
//   api.example.test.snapshot  the full zone content + the base file serial
//
// The operator's zone file is never written. The journal and snapshot apply only on top
// of the zone file whose SOA serial they were started from ("base"); when the operator
// raises the file's serial above every serial already served, the file wins: snapshot and
// journal are reset. A file serial that is not above the served one is refused, so the SOA
// serial a client (or a secondary) was ever told about never goes back.
//
// Failures are never built upon (PostgreSQL's lesson from "fsyncgate"):
//   - a failed or short write is cut back to the last whole entry and fsync'd before
//     anything else is appended; if the cut-back fails, the journal is untrusted;
//   - a failed fdatasync makes the journal untrusted at once: the kernel may have dropped
//     the dirty pages, so the file no longer says what we think it says;
//   - an untrusted journal refuses every append until compact() has rewritten the state
//     from memory (snapshot written aside, fsync'd, renamed) and started a new journal.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/common/file_ops.h"
#include "dnsd/update/journal_codec.h"
#include "dnsd/xfr/xfr_writer.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::update {

class Journal {
 public:
  // What happened while loading, for the log.
  struct LoadReport {
    size_t replayed = 0;
    bool torn_tail = false;     // cut back to the last whole entry
    std::string damaged_copy;   // whole entries followed the break: the file was kept here
    bool file_won = false;      // zone file serial raised: journal/snapshot reset
    bool used_snapshot = false;
    std::string refused_file;   // the zone file was refused (serial rule); the snapshot and
                                // journal are served instead (empty = not refused)
    std::string error;          // the zone must not be served from this state (empty = fine)
    std::string untrusted;      // loaded, but the files could not be made durable: updates
                                // are refused until a rewrite succeeds (empty = fine)
  };

  // Opens (creating if needed) the journal of `zone_origin` in `state_dir` and brings
  // `zone` (loaded from the zone file) up to date with the snapshot and entries.
  static std::unique_ptr<Journal> open(const std::string& state_dir, const std::string& zone_origin,
                                       std::shared_ptr<const zone::ZoneSnapshot>& zone,
                                       LoadReport& report,
                                       const common::FileOps& io = common::system_file_ops());
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one entry and fdatasyncs it. Returns false (with `error`) if it is not durable:
  // the caller must then not acknowledge the update (see the failure rules above).
  bool append(const JournalEntry& e, std::string& error);

  // Writes `zone` (the in-memory state: every acknowledged update) as the snapshot and
  // starts an empty journal. Compaction, and the way back from an untrusted journal. If it
  // fails before the new files are in place, the previous snapshot + journal stay valid.
  bool compact(const zone::ZoneSnapshot& zone, std::string& error);

  // False after a failure that left the files in doubt; appends are refused until a
  // compact() succeeds.
  bool trusted() const { return untrusted_reason_.empty(); }

  // Whether state_dir holds a snapshot of the served state, so a zone file refused at
  // start-up (serial not newer) can be set aside and the state served on its own. The
  // service writes one (compact()) before the first entry of a fresh journal.
  bool has_snapshot() const { return has_snapshot_; }
  const std::string& untrusted_reason() const { return untrusted_reason_; }

  // Diffs taking a secondary from `serial` to the current one; false if not available.
  bool diffs_since(uint32_t serial, std::vector<xfr::XfrDiff>& out) const;

  // One entry as dnsdctl shows it.
  struct EntrySummary {
    uint32_t serial_from = 0, serial_to = 0;
    size_t added = 0, deleted = 0;  // records, the SOA not counted
  };
  // The last `n` entries (fewer if the journal holds fewer), oldest first.
  std::vector<EntrySummary> last_entries(size_t n) const;

  size_t entry_count() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }
  const std::string& path() const { return journal_path_; }

 private:
  explicit Journal(const common::FileOps& io) : io_(io) {}
  void distrust(std::string reason);
  bool reopen(std::string& error);

  const common::FileOps& io_;
  std::string journal_path_, snapshot_path_;
  int fd_ = -1;
  uint32_t base_serial_ = 0;
  bool has_snapshot_ = false;
  size_t bytes_ = 0;
  std::string untrusted_reason_;
  std::vector<JournalEntry> entries_;
};

}  // namespace dnsd::update
