// Builds the immutable Catalog (all zones + node identity) from a validated Config:
// reads each zone's master file, injects the node's self names, validates.
#pragma once
#include <functional>
#include <memory>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::zone {

class Catalog;

// Called with each zone's snapshot once the master file is read: the zone service replays
// the journal here (replacing the snapshot). Adds to `errors` on failure.
using ContentHook = std::function<void(const config::ZoneConfig&, std::shared_ptr<const ZoneSnapshot>&,
                                       common::ErrorList&)>;

// On any zone error returns nullptr with every problem in `errors` (file:line: reason).
std::shared_ptr<const Catalog> build_catalog(const config::Config& config,
                                             common::ErrorList& errors,
                                             const ContentHook& hook = {});

}  // namespace dnsd::zone
