// The durable replication log of one zone, in the state dir next to its journal:
// "<zone>.replication" (for "api.example.test.": api.example.test.replication). Every node
// keeps it: the primary appends each entry it sequences, a replica each entry it applies,
// so any node can become the primary and still send a returning node what it missed.
// Frames: [u32 magic][u32 length][payload][8 bytes of SHA-256(payload)]; a torn tail is cut
// off on open. fdatasync'd before the update is acknowledged. Thread-safe: the zone service
// appends, the push loops read.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/replication/replication_entry.h"

namespace dnsd::replication {

class ReplicationLog {
 public:
  // Opens or creates the log; nullptr with `error` if the file cannot be read or created.
  static std::unique_ptr<ReplicationLog> open(const std::string& state_dir, const std::string& zone_text,
                                              std::string& error);
  ~ReplicationLog();
  ReplicationLog(const ReplicationLog&) = delete;
  ReplicationLog& operator=(const ReplicationLog&) = delete;

  // Appends entry `e` (its seq must be last_seq() + 1) and fdatasyncs; false with `error`.
  bool append(const ReplicationEntry& e, std::string& error);
  // Drops every entry after `seq` (a replica told by a new primary that its tail is not
  // in the one order) and fdatasyncs.
  bool truncate_after(uint64_t seq, std::string& error);

  uint64_t last_seq() const;
  std::optional<Marker> last_marker() const;
  // Entry `seq` (1-based), or nullopt when the log does not hold it.
  std::optional<ReplicationEntry> entry(uint64_t seq) const;
  // The marker entry `seq` left (seq 0: none), or nullopt when not held.
  std::optional<std::optional<Marker>> marker_at(uint64_t seq) const;
  const std::string& path() const { return path_; }

 private:
  ReplicationLog() = default;
  bool rewrite(std::string& error);

  mutable std::mutex mutex_;
  std::string path_;
  int fd_ = -1;
  std::vector<ReplicationEntry> entries_;  // entries_[i].seq == i + 1
};

// A frame around `payload`, and the payloads of the whole frames at the front of `data`
// (`good_end`: where the last whole frame ends).
std::vector<uint8_t> frame(const std::vector<uint8_t>& payload);
std::vector<std::vector<uint8_t>> unframe(const std::vector<uint8_t>& data, size_t& good_end);

}  // namespace dnsd::replication
