// What every daemon's config key table has in common: a description of each key (section,
// name, type, default, range, choices, reload, doc) and the renderings built from it: the
// `--keys` listing, the man page's key entries and a markdown reference. Each daemon keeps
// its own ValueKinds, converters and setters (dnsd/config/config_schema.h,
// sentinel/config/sentinel_keys.h) and hands its table here as KeyDoc rows.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::common {

struct KeyDoc {
  std::string section;  // "server", "node.checks"
  std::string name;     // "listen"
  std::string type;     // "integer", "duration", "address list", ...
  bool required = false;
  std::string default_text;  // TOML syntax; "" = none (or required)
  std::string range;         // "0..256", "1..64 characters", "" = no limit
  std::string choices;       // "a|b|c", "" = not a choice
  bool reloadable = false;
  std::string doc;

  std::string dotted() const { return section + "." + name; }
  // "(required)", "(none)" or default_text.
  std::string default_or_marker() const;
};

struct SectionDoc {
  std::string name;  // as dotted() starts: "node.checks"
  std::string header;  // how it is written in TOML: "[[node]] checks = [{ ... }]"
  std::string doc;
};

// One line per key: "section.name reload|restart default" (`dnsd --keys`, `sentinel keys`).
std::string key_list_text(std::span<const KeyDoc> keys);

// roff escaping of running text: backslashes, leading dots and quotes, hyphens.
std::string roff_escape(std::string_view text);

// The man page body of a key table: one .SS per section, one .TP per key with its type,
// default, range or choices, reload or restart, and doc.
std::string key_table_roff(std::span<const SectionDoc> sections, std::span<const KeyDoc> keys);

// The same as markdown: a heading per section and a table row per key.
std::string key_table_markdown(std::string_view title, std::span<const SectionDoc> sections,
                               std::span<const KeyDoc> keys);

// Lookups in a daemon's own section and key tables (anything with `name`, and for keys
// `section`): nullptr when absent.
template <class Section>
const Section* find_by_name(std::span<const Section> table, std::string_view name) {
  for (const auto& s : table)
    if (s.name == name) return &s;
  return nullptr;
}
template <class Key>
const Key* find_key_in(std::span<const Key> table, std::string_view section,
                       std::string_view name) {
  for (const auto& k : table)
    if (k.section == section && k.name == name) return &k;
  return nullptr;
}

}  // namespace dnsd::common
