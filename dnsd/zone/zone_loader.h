// Reads an RFC 1035 master file with ldns into ZoneContent and checks the zone rules
// (one SOA at the apex, NS at the apex, CNAME alone at its node, data inside the zone).
#pragma once
#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "dnsd/zone/zone_content.h"

namespace dnsd::zone {

// `origin` is the zone name as lowercase wire. Every problem is added to `errors` as
// file:line: reason; returns nullopt if there was any.
std::optional<ZoneContent> load_zone_file(const std::string& path, const std::string& origin,
                                          common::ErrorList& errors);

// Zone-level rules, also used after an update. `file` only labels the messages.
void check_zone_rules(const ZoneContent& zone, const std::string& file, common::ErrorList& errors);

}  // namespace dnsd::zone
