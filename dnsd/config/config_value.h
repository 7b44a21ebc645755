// Checks one TOML value against its KeySpec and converts it to a Value, with
// file:line: key = value: reason errors.
#pragma once
#include <toml++/toml.h>

#include <optional>
#include <string>

#include "dnsd/common/config_error.h"
#include "dnsd/config/config_schema.h"

namespace dnsd::config {

// What a conversion needs to know besides the value.
struct ValueContext {
  const std::string& file;      // the config file, as given, for messages
  const std::string& base_dir;  // absolute folder of the config file, for relative paths
  std::string key;              // the key as shown in messages: "server.listen", "zone[1].self"
};

// nullopt after adding at least one error to `errors`.
std::optional<Value> convert_value(const KeySpec& spec, const toml::node& node,
                                   const ValueContext& ctx, common::ErrorList& errors);

// A node as written, in TOML syntax, shortened for messages: "\"10x\"", "70000", "[...]".
std::string show_node(const toml::node& node);

// Source line of a node (0 when toml++ does not know it).
int line_of(const toml::node& node);

// `path` made absolute against `base_dir` and normalized ("../zones/x" -> "/etc/zones/x").
std::string resolve_path(const std::string& base_dir, const std::string& path);

}  // namespace dnsd::config
