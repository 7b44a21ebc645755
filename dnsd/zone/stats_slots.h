// Stable small numbers for zones by name, for the workers' per-zone query counters: a
// zone keeps its slot across reloads (even when the zone order changes), so a counter
// never moves to another zone's name. Slot 0 is "no zone"; a zone past the last slot
// counts there too. Thread-safe.
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace dnsd::zone {

class StatsSlots {
 public:
  explicit StatsSlots(size_t capacity) : capacity_(capacity) {}

  // The slot of `name` (text, absolute), given one on its first call; 0 when all are taken.
  uint16_t slot_for(const std::string& name);
  // names()[slot - 1] is the zone of `slot`: every zone given one since start.
  std::vector<std::string> names() const;

 private:
  size_t capacity_;  // slots including slot 0
  mutable std::mutex mutex_;
  std::vector<std::string> names_;
};

}  // namespace dnsd::zone
