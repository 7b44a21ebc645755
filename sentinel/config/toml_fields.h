// Typed reads of one TOML table with file:line errors and unknown-key detection.
#pragma once
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/common/config_error.h"
#include "dnsd/common/duration.h"

namespace sentinel::config {

class TomlFields {
 public:
  // `prefix` names the table in messages: "cluster", "node[1]", "node[1].checks[0]".
  TomlFields(const toml::table& table, std::string file, std::string prefix,
             dnsd::common::ErrorList& errors)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)), errors_(errors) {}

  // Reports every key of the table not in `known` as an error (usually a typo).
  void reject_unknown(std::initializer_list<std::string_view> known);

  std::optional<std::string> str(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max);
  std::optional<bool> boolean(std::string_view key);
  std::optional<dnsd::common::Millis> duration(std::string_view key, dnsd::common::Millis min);
  std::optional<double> number(std::string_view key, double min);
  std::optional<std::vector<std::string>> strings(std::string_view key);
  const toml::node* node(std::string_view key) const { return table_.get(key); }

  void error(std::string_view key, std::string value, std::string reason);
  int line_of(std::string_view key) const;
  std::string full_key(std::string_view key) const;
  const std::string& file() const { return file_; }

 private:
  const toml::table& table_;
  std::string file_;
  std::string prefix_;
  dnsd::common::ErrorList& errors_;
};

}  // namespace sentinel::config
