// Typed reads of one TOML table with file:line errors and unknown-key detection.
#include "sentinel/config/toml_fields.h"

#include <algorithm>
#include <sstream>

namespace sentinel::config {
namespace {
int line_at(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

std::string as_text(const toml::node& n) {
  std::ostringstream out;
  if (auto s = n.as_string()) return "\"" + s->get() + "\"";
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}
}  // namespace

std::string TomlFields::full_key(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

int TomlFields::line_of(std::string_view key) const {
  if (const toml::node* n = table_.get(key)) return line_at(*n);
  return line_at(table_);
}

void TomlFields::error(std::string_view key, std::string value, std::string reason) {
  errors_.add(file_, line_of(key), full_key(key), std::move(value), std::move(reason));
}

void TomlFields::reject_unknown(std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : table_) {
    if (std::find(known.begin(), known.end(), k.str()) != known.end()) continue;
    errors_.add(file_, static_cast<int>(k.source().begin.line), full_key(k.str()), "",
                "unknown key (a typo?)");
  }
}

std::optional<std::string> TomlFields::str(std::string_view key) {
  const toml::node* n = table_.get(key);
  if (!n) return std::nullopt;
  if (auto s = n->as_string()) return s->get();
  error(key, as_text(*n), "must be a string");
  return std::nullopt;
}

std::optional<int64_t> TomlFields::integer(std::string_view key, int64_t min, int64_t max) {
  const toml::node* n = table_.get(key);
  if (!n) return std::nullopt;
  auto i = n->as_integer();
  if (!i) {
    error(key, as_text(*n), "must be an integer");
    return std::nullopt;
  }
  if (i->get() < min || i->get() > max) {
    error(key, as_text(*n),
          "out of range " + std::to_string(min) + ".." + std::to_string(max));
    return std::nullopt;
  }
  return i->get();
}

std::optional<bool> TomlFields::boolean(std::string_view key) {
  const toml::node* n = table_.get(key);
  if (!n) return std::nullopt;
  if (auto b = n->as_boolean()) return b->get();
  error(key, as_text(*n), "must be true or false");
  return std::nullopt;
}

std::optional<dnsd::common::Millis> TomlFields::duration(std::string_view key,
                                                         dnsd::common::Millis min) {
  auto s = str(key);
  if (!s) return std::nullopt;
  auto d = dnsd::common::parse_duration(*s);
  if (!d) {
    error(key, "\"" + *s + "\"", "not a duration (use e.g. \"500ms\", \"10s\", \"2m\")");
    return std::nullopt;
  }
  if (*d < min) {
    error(key, "\"" + *s + "\"", "must be at least " + dnsd::common::format_duration(min));
    return std::nullopt;
  }
  return d;
}

std::optional<double> TomlFields::number(std::string_view key, double min) {
  const toml::node* n = table_.get(key);
  if (!n) return std::nullopt;
  double v = 0;
  if (auto i = n->as_integer()) v = static_cast<double>(i->get());
  else if (auto f = n->as_floating_point()) v = f->get();
  else {
    error(key, as_text(*n), "must be a number");
    return std::nullopt;
  }
  if (v < min) {
    error(key, as_text(*n), "must be at least " + std::to_string(min));
    return std::nullopt;
  }
  return v;
}

std::optional<std::vector<std::string>> TomlFields::strings(std::string_view key) {
  const toml::node* n = table_.get(key);
  if (!n) return std::nullopt;
  const toml::array* a = n->as_array();
  if (!a) {
    error(key, as_text(*n), "must be an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& e : *a) {
    auto s = e.as_string();
    if (!s) {
      error(key, as_text(e), "must be an array of strings");
      return std::nullopt;
    }
    out.push_back(s->get());
  }
  return out;
}

}  // namespace sentinel::config
