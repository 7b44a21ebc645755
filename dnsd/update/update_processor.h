// RFC 2136 semantics on a zone snapshot: prerequisites (3.2), update prescan (3.4.1) and
// apply (3.4.2), the SOA serial bump (RFC 1982) and the journal diff. Copy-on-write
// (ZoneEdit): the work is O(owners named), not O(zone). All or nothing: on any failure
// the input snapshot is untouched and only an rcode comes back.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/update/update_message.h"
#include "dnsd/xfr/xfr_writer.h"
#include "dnsd/zone/zone_content.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::update {

struct UpdateResult {
  uint8_t rcode = 0;
  std::string reason;  // for the log when refused
  std::shared_ptr<const zone::ZoneSnapshot> snapshot;  // the new zone when something changed
  xfr::XfrDiff diff;   // what changed (for the journal and IXFR)
  bool changed = false;
};

// `self_owners`: lowercase wire names that belong to the node (never updatable).
UpdateResult apply_update(const UpdateMessage& msg,
                          const std::shared_ptr<const zone::ZoneSnapshot>& current,
                          const std::vector<std::string>& self_owners);

// RFC 1982 serial arithmetic: a < b.
bool serial_lt(uint32_t a, uint32_t b);

// The difference between two contents of the same zone (SOA handled by the caller's diff).
xfr::XfrDiff diff_contents(const zone::ZoneContent& before, const zone::ZoneContent& after);

}  // namespace dnsd::update
