// Reads one TOML table of sentinel.toml through the key table.
#include "sentinel/config/table_reader.h"

namespace sentinel::config {

std::string TableReader::full_key(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

int TableReader::line_of(std::string_view key) const {
  const toml::node* n = table_.get(key);
  return static_cast<int>((n ? n->source() : table_.source()).begin.line);
}

void TableReader::error(std::string_view key, std::string value, std::string reason) {
  errors_.add(file_, line_of(key), full_key(key), std::move(value), std::move(reason));
}

void TableReader::reject_unknown() {
  for (const auto& [k, v] : table_) {
    if (find_key_spec(section_, k.str())) continue;
    errors_.add(file_, static_cast<int>(k.source().begin.line), full_key(k.str()), "",
                "unknown key (a typo?)");
  }
}

std::optional<Value> TableReader::get(std::string_view key) {
  const toml::node* n = table_.get(key);
  const KeySpec* spec = find_key_spec(section_, key);
  if (!n || !spec) return std::nullopt;
  std::string name = full_key(key);
  return convert_value(*spec, *n, {file_, base_, name}, errors_);
}

void TableReader::store_all(Target target) {
  for (const KeySpec& k : key_table()) {
    if (k.section != section_ || !k.store) continue;
    if (auto v = get(k.name)) k.store(target, std::move(*v));
    else if (k.required && !node(k.name)) error(k.name, "", "is required");
  }
}

}  // namespace sentinel::config
