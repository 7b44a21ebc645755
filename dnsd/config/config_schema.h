// The one table that describes every dnsd.toml key: section, name, type, default, range,
// reload behaviour and a one-line doc. Validation, --check and the conf/ test use it.
#pragma once
#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/duration.h"
#include "dnsd/common/key_table.h"
#include "dnsd/config/config.h"

namespace dnsd::config {

// How a key's TOML value is checked and converted.
enum class ValueKind : uint8_t {
  Bool,
  Integer,          // range [min, max]
  String,           // length [min, max]
  Label,            // one DNS label: letters, digits, '-', '_'; "" allowed when min == 0
  Choice,           // one of `choices` ("a|b|c")
  Duration,         // "500ms", "10s", "2m", "1h"; milliseconds in [min, max]
  SystemUser,       // "" or the name of an existing user (checked now, not after binding)
  Directory,        // a path, made absolute relative to the config file's folder; if it
                    // exists it must be a directory
  ExistingFile,     // as Directory, and the file must exist
  OptionalFile,     // "" (not set) or as ExistingFile
  SocketPath,       // "" (the default place), "off", or a path made absolute as Directory;
                    // at most max bytes (a unix socket address holds 107)
  ZoneName,         // absolute DNS name, lowercased
  OptionalAddress,  // "addr:port" or "" (off)
  AddressList,      // ["addr:port", ...]; port optional when default_port != 0; count [min, max]
  SourceAddresses,  // ["addr" or "addr:port", ...]: local addresses to send from, at most
                    // one per family, port 0 (the default) = any; each must be an address
                    // of this host (it is bound once to check) or a wildcard
  Ipv4List,
  Ipv6List,
  RelativeNames,  // ["@", "*", "www", "*.eu"]
  AbsoluteNames,  // ["ns1.example.com", ...]: stored lowercase and absolute ("ns1.example.com.")
  KeyRefs,        // names of [[key]] tables, stored lowercase and absolute ("sentinel.")
  KeyRef,         // one [[key]] name, or "" (none); stored lowercase and absolute
  ReplicaList,    // ["lb1=127.0.0.11:53", ...]: a [node] name = an address (port 53 if absent)
  External,       // checked by another parser ([[key]] -> common::parse_key_table)
};

enum class Reload : uint8_t { Reloadable, RestartOnly };

// A converted value, ready to be stored in Config.
using Value = std::variant<bool, int64_t, std::string, std::vector<std::string>, common::Millis,
                           std::optional<common::SocketAddress>, std::vector<common::SocketAddress>,
                           std::vector<in_addr>, std::vector<in6_addr>>;

// Where a value goes: the config, and the [[zone]] being read (null outside [[zone]]).
struct Target {
  Config& config;
  ZoneConfig* zone;
};
struct ConstTarget {
  const Config& config;
  const ZoneConfig* zone;
};

struct KeySpec {
  std::string_view section;  // "server", "zone", ...
  std::string_view name;     // "listen"
  ValueKind kind;
  bool required;
  std::string_view default_text;  // the default in TOML syntax; "" when required
  int64_t min, max;               // see ValueKind
  std::string_view choices;       // Choice: "trace|debug|info|warn|error"
  uint16_t default_port;          // AddressList / OptionalAddress: 0 = port required
  Reload reload;
  std::string_view doc;
  void (*store)(Target, Value&&);    // null for External
  std::string (*show)(ConstTarget);  // the effective value in TOML syntax; null for External

  std::string dotted() const { return std::string(section) + "." + std::string(name); }
};

struct SectionSpec {
  std::string_view name;
  bool array;  // [[zone]] / [[key]] rather than [server]
  std::string_view doc;
};

std::span<const SectionSpec> sections();
std::span<const KeySpec> key_table();
const SectionSpec* find_section(std::string_view name);
const KeySpec* find_key_spec(std::string_view section, std::string_view name);

// The table for `dnsd --keys`: one line per key, "section.name reload|restart default",
// the default in TOML syntax or "(required)"/"(none)".
std::string key_table_text();

// The table as the shared renderers (man page, markdown) take it.
std::vector<common::KeyDoc> key_docs();
std::vector<common::SectionDoc> section_docs();

// Dotted names of restart-only keys whose effective values differ between a running
// config and a newly loaded one (a reload applies everything else and logs these).
std::vector<std::string> restart_only_changes(const Config& running, const Config& next);

}  // namespace dnsd::config
