// [[key]] tables of dnsd.toml and sentinel.toml -> TsigKey, with file:line errors.
#pragma once
#include <optional>
#include <string>
#include <toml++/toml.h>

#include "dnsd/common/config_error.h"
#include "dnsd/common/tsig_key.h"

namespace dnsd::common {

// Parses one [[key]] table: name, algorithm, and exactly one of secret / secret_file
// (secret_file relative to `base_dir`; the file holds base64, or a BIND/tsig-keygen
// `key "name" { algorithm ...; secret "..."; };` block). Unknown keys are errors.
// `index` is the table's position, used in messages as key[index].name etc.
std::optional<TsigKey> parse_key_table(const toml::table& table, const std::string& file,
                                       const std::string& base_dir, size_t index,
                                       ErrorList& errors);

}  // namespace dnsd::common
