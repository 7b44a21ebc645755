// Walks the TOML tables of dnsd.toml against the key table: unknown keys and sections,
// required keys, conversion and storing. Internal to dnsd/config.
#pragma once
#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config_schema.h"

namespace dnsd::config {

struct Reader {
  const std::string& file;      // as given, for messages
  const std::string& base_dir;  // absolute folder of the file
  common::ErrorList& errors;
};

// Entries of a table in the order they appear in the file (toml++ sorts them by name),
// so errors come out top to bottom.
std::vector<std::pair<std::string, const toml::node*>> in_source_order(const toml::table& t);

// Reads one [section] or one element of [[section]] into `target`. `prefix` is how its
// keys are named in messages: "server." or "zone[2].". `table_line` locates missing keys.
void read_table(const toml::table& table, std::string_view section, const std::string& prefix,
                int table_line, Target target, Reader& reader);

// Reports every required key of `section` as missing (the section itself is absent).
void report_missing_section(std::string_view section, Reader& reader);

// " (did you mean \"workers\"?)" when `word` is a likely typo of a candidate, else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace dnsd::config
