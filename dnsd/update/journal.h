// The per-zone journal: every acknowledged update, appended and fdatasync'd before the
// answer leaves, replayed on start, compacted into a snapshot file from time to time.
//
// Files in state_dir, for zone "api.example.test.":
//   api.example.test.journal   header (magic, base file serial) + framed entries
//   api.example.test.snapshot  framed full zone content + the base file serial
// Each frame is [u32 magic][u32 length][payload][8 bytes of SHA-256(payload)], so a
// torn tail (crash mid-write) is detected and cut off at the last whole entry.
//
// The operator's zone file is never written. The journal and snapshot apply only on top
// of the zone file whose SOA serial they were started from ("base"); when the operator
// raises the file's serial, the file wins: snapshot and journal are discarded.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/xfr/xfr_writer.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::update {

struct JournalEntry {
  uint32_t serial_from = 0;
  uint32_t serial_to = 0;
  xfr::XfrDiff diff;
};

// Encoding, exposed for tests and fuzzing.
std::vector<uint8_t> encode_entry(const JournalEntry& e);
bool decode_entry(const uint8_t* p, size_t len, JournalEntry& out);

class Journal {
 public:
  // What happened while loading, for the log.
  struct LoadReport {
    size_t replayed = 0;
    bool torn_tail = false;     // cut back to the last whole entry
    bool file_won = false;      // zone file serial changed: journal/snapshot discarded
    bool used_snapshot = false;
    std::string error;          // I/O problem (empty = fine)
  };

  // Opens (creating if needed) the journal of `zone_origin` in `state_dir` and brings
  // `zone` (loaded from the zone file) up to date with the snapshot and entries.
  static std::unique_ptr<Journal> open(const std::string& state_dir, const std::string& zone_origin,
                                       std::shared_ptr<const zone::ZoneSnapshot>& zone,
                                       LoadReport& report);
  ~Journal();

  // Appends one entry and fdatasyncs it. Returns false (with `error`) if it is not durable:
  // the caller must then not acknowledge the update.
  bool append(const JournalEntry& e, std::string& error);

  // Writes a snapshot of `zone` and empties the journal (keeps the base serial).
  bool compact(const zone::ZoneSnapshot& zone, std::string& error);

  // Diffs taking a secondary from `serial` to the current one; false if not available.
  bool diffs_since(uint32_t serial, std::vector<xfr::XfrDiff>& out) const;

  size_t entry_count() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  Journal() = default;
  std::string journal_path_, snapshot_path_;
  int fd_ = -1;
  uint32_t base_serial_ = 0;
  size_t bytes_ = 0;
  std::vector<JournalEntry> entries_;
};

}  // namespace dnsd::update
