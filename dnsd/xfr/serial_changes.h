// Which zones a new catalog serves with a different SOA serial than the one it replaces:
// each of those sends NOTIFY (every change of the served serial does, RFC 1996 3.1),
// whether it came from an update, a SIGHUP or `dnsdctl reload ZONE` that loaded a zone
// file with a newer serial, or the start (before = null: every zone, as BIND does on load).
#pragma once
#include <vector>

#include "dnsd/zone/catalog.h"

namespace dnsd::xfr {

// Entries of `after` (pointers into it) whose zone is new or whose serial changed.
std::vector<const zone::ZoneEntry*> zones_with_new_serial(const zone::Catalog* before,
                                                          const zone::Catalog& after);

}  // namespace dnsd::xfr
