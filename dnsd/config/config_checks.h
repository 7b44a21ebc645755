// Rules of dnsd.toml that span keys or sections: duplicate zones and keys, key
// references, self names against the zone and [node]. Internal to dnsd/config.
#pragma once
#include <toml++/toml.h>

#include <set>
#include <string>
#include <vector>

#include "dnsd/config/config.h"
#include "dnsd/config/config_reader.h"

namespace dnsd::config {

// One [[zone]] as read, with the TOML table it came from (for element lines).
struct ZoneSource {
  const toml::table* table;
  size_t index;
};

// Every [[key]] name that was declared, valid or not (normalized), so a key with a bad
// secret is reported once rather than again by every zone that references it.
std::set<std::string> declared_key_names(const toml::array* keys);

// Duplicate [[key]] names (the later one is reported).
void check_duplicate_keys(const toml::array* keys, Reader& reader);

// Duplicate zones, self name lengths, update_keys/transfer_keys naming a declared key.
void check_zones(const Config& config, const std::vector<ZoneSource>& sources,
                 const std::set<std::string>& declared_keys, Reader& reader);

// Reads server.cookie_secret_file (already checked to exist) into server.cookie_secrets;
// errors name the secret file's lines.
void read_cookie_secrets(Config& config, const toml::node* server_section, Reader& reader);

// Self names answer with [node] addresses, and sentinel reaches a node by its name.
void check_node(const Config& config, const toml::node* node_section, Reader& reader);

}  // namespace dnsd::config
