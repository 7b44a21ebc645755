// The serial a zone's dynamic state in state_dir serves, read without changing anything,
// so `dnsd --check` can apply the zone file serial rule (serial_rule.h) before a start or
// a reload does. The same reading Journal::open does, minus the repairs.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::update {

// "<state_dir>/api.example.test." for zone "api.example.test." ('/' made '_'); the journal
// and snapshot are this plus "journal" / "snapshot".
std::string state_file_stem(const std::string& state_dir, const std::string& origin);

struct ServedState {
  bool present = false;   // a journal or snapshot exists
  uint32_t base = 0;      // the zone file serial it was started from
  uint32_t served = 0;    // the serial it serves
  std::string journal_path;
  std::string error;      // unreadable or damaged: the served serial is unknown
  bool unreadable = false;  // `error` is a read error (permissions), not damage
};

ServedState read_served_state(const std::string& state_dir, const std::string& origin,
                              std::shared_ptr<const zone::SelfSpec> self);

}  // namespace dnsd::update
