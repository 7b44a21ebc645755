// Reading a config file and parsing its TOML, with the errors operators need
// (file, line, column, reason). Shared by dnsd.toml and sentinel.toml.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "dnsd/common/config_error.h"

namespace dnsd::common {

// The whole file; nullopt (with the reason in `errors`) if it is missing, a directory or
// unreadable.
std::optional<std::string> read_config_text(const std::string& path, ErrorList& errors);

// Parses `text` (read from `path`, used in messages); a syntax error names line and column.
std::optional<toml::table> parse_toml(const std::string& text, const std::string& path,
                                      ErrorList& errors);

}  // namespace dnsd::common
