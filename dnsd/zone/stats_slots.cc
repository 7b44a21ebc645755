// Zone name -> counter slot, first come first served, never reused.
#include "dnsd/zone/stats_slots.h"

namespace dnsd::zone {

uint16_t StatsSlots::slot_for(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<uint16_t>(i + 1);
  if (names_.size() + 1 >= capacity_) return 0;
  names_.push_back(name);
  return static_cast<uint16_t>(names_.size());
}

std::vector<std::string> StatsSlots::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return names_;
}

}  // namespace dnsd::zone
