// Builds the immutable Catalog (all zones + node identity) from a validated Config:
// reads each zone's master file with ldns, injects the node's self names, validates.
#pragma once
#include <memory>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config.h"

namespace dnsd::zone {

class Catalog;

// On any zone error returns nullptr with every problem in `errors` (file:line: reason).
std::shared_ptr<const Catalog> build_catalog(const config::Config& config,
                                             common::ErrorList& errors);

}  // namespace dnsd::zone
