// Reads one TOML table of sentinel.toml through the key table: unknown keys, types and
// ranges checked by each key's spec, errors with file:line, key, value and reason.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "sentinel/config/sentinel_keys.h"

namespace sentinel::config {

class TableReader {
 public:
  // `section` selects the key table's rows ("cluster", "node.checks"); `prefix` names the
  // table in messages ("cluster", "node[1].checks[0]").
  TableReader(const toml::table& table, const std::string& file, const std::string& base_dir,
              std::string section, std::string prefix, dnsd::common::ErrorList& errors)
      : table_(table), file_(file), base_(base_dir), section_(std::move(section)),
        prefix_(std::move(prefix)), errors_(errors) {}

  // Reports every key of the table that the section does not have (usually a typo).
  void reject_unknown();
  // Converts and stores every present key that has a setter; a missing required key with a
  // setter is an error ("is required").
  void store_all(Target target);
  // One key's converted value; nullopt when absent or invalid (then with an error).
  std::optional<Value> get(std::string_view key);

  const toml::node* node(std::string_view key) const { return table_.get(key); }
  void error(std::string_view key, std::string value, std::string reason);
  int line_of(std::string_view key) const;
  std::string full_key(std::string_view key) const;

 private:
  const toml::table& table_;
  const std::string& file_;
  const std::string& base_;
  std::string section_;
  std::string prefix_;
  dnsd::common::ErrorList& errors_;
};

}  // namespace sentinel::config
