// The one table that describes every sentinel.toml key: section, name, type, default,
// range, reload behaviour and a one-line doc. Validation (sentinel_config.cc and
// node_config_reader.cc read through it), `sentinel check`, `sentinel keys`, the man page
// and the conf/ test use it. The generic parts live in dnsd/common/key_table.h.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <toml++/toml.h>

#include "dnsd/common/config_error.h"
#include "dnsd/common/key_table.h"
#include "sentinel/config/sentinel_config.h"

namespace sentinel::config {

// How a key's TOML value is checked and converted.
enum class ValueKind : uint8_t {
  Bool,
  Integer,        // range [min, max]
  Number,         // integer or float, at least min
  Duration,       // "500ms", "10s", "2m"; at least min milliseconds
  Choice,         // one of `choices` ("a|b|c")
  Selector,       // a Choice that selects which other keys of its table apply (check type)
  Id,             // 1..max characters, no spaces or quotes
  Text,           // any string
  Secret,         // a string of at least min characters, never echoed in messages
  Path,           // made absolute relative to the config file's folder
  Address,        // "addr:port"; "addr" too when default_port != 0
  AddressList,    // a list of Address, min..max entries (stored as their canonical texts)
  ZoneName,       // absolute DNS name, lowercased, not the root
  OwnerName,      // a name below the zone ("master"), lowercased, no "@" or "*"
  OwnerNames,     // a list of OwnerName
  Label,          // one DNS label, lowercased: a node name
  Ipv4List,       // ["192.0.2.1", ...]
  Ipv6List,       // ["2001:db8::1", ...]
  Url,            // http:// or https://
  UrlList,        // a list of Url, min..max entries
  IdList,         // a list of Id (max characters each), min..16 entries, no duplicates
  Command,        // non-empty ["path", "args"...]; a path with '/' made absolute as Path
  External,       // read by a dedicated reader ([[key]]: dnsd::common::parse_key_table;
                  // checks and tunnel: inline tables whose own keys are in this table)
};

enum class Reload : uint8_t { Reloadable, RestartOnly };

using Value = std::variant<bool, int64_t, double, std::string, std::vector<std::string>, Millis,
                           dnsd::common::SocketAddress>;

// Where a value goes: the config (flat sections), or the [[node]] / check being read.
struct Target {
  SentinelConfig* config;
  NodeConfig* node;
  CheckConfig* check;
};
struct ConstTarget {
  const SentinelConfig& config;
  const NodeConfig* node;
  const CheckConfig* check;
};

struct KeySpec {
  std::string_view section;  // "cluster", "node", "node.checks", ...
  std::string_view name;
  ValueKind kind;
  bool required;
  std::string_view default_text;  // TOML syntax; "" when required or when there is none
  int64_t min, max;               // see ValueKind
  std::string_view choices;       // Choice: "auto|manual"
  uint16_t default_port;          // Address: 0 = port required
  Reload reload;
  std::string_view doc;
  void (*store)(Target, Value&&);    // null when a dedicated reader places the value
  std::string (*show)(ConstTarget);  // the effective value in TOML syntax; null: no default

  std::string dotted() const { return std::string(section) + "." + std::string(name); }
};

struct SectionSpec {
  std::string_view name;
  std::string_view header;  // as written in sentinel.toml
  bool required;
  std::string_view doc;
};

std::span<const SectionSpec> sections();
std::span<const KeySpec> key_table();
const SectionSpec* find_section(std::string_view name);
const KeySpec* find_key_spec(std::string_view section, std::string_view name);

// `sentinel keys`: one line per key, "section.name reload|restart default".
std::string key_table_text();
std::vector<dnsd::common::KeyDoc> key_docs();
std::vector<dnsd::common::SectionDoc> section_docs();

// Where the value being converted comes from, for messages and relative paths.
struct ValueContext {
  const std::string& file;
  const std::string& base_dir;
  const std::string& key;  // as messages name it: "cluster.ttl", "node[1].port"
};

// Checks `node` against the key's kind and range; on failure adds one error (file:line,
// key, value, reason) and returns nullopt.
std::optional<Value> convert_value(const KeySpec& spec, const toml::node& node,
                                   const ValueContext& ctx, dnsd::common::ErrorList& errors);

// A path relative to the config file's folder, made absolute-ish.
std::string resolve_path(const std::string& base_dir, const std::string& p);

}  // namespace sentinel::config
