// Reads an RFC 1035 master file into a sealed ZoneBuilder and checks the zone rules (one
// SOA at the apex, NS at the apex, CNAME alone at its node, data inside the zone).
#pragma once
#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "dnsd/zone/zone_builder.h"
#include "dnsd/zone/zone_content.h"

namespace dnsd::zone {

// `origin` is the zone name as lowercase wire. Every problem is added to `errors` as
// file:line: reason; returns nullopt if there was any.
std::optional<ZoneBuilder> load_zone_file(const std::string& path, const std::string& origin,
                                          common::ErrorList& errors);

// The zone rules for one owner after a change (an update): the apex keeps one SOA and its
// NS, no SOA below it, a CNAME stands alone. `file` only labels the messages.
void check_owner_rules(const std::string& origin, const std::string& owner, const NodeContent& node,
                       const std::string& file, common::ErrorList& errors);

}  // namespace dnsd::zone
