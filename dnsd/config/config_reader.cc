// Walks dnsd.toml tables against the key table (see config_reader.h).
#include "dnsd/config/config_reader.h"

#include <algorithm>

#include "dnsd/config/config_value.h"

namespace dnsd::config {
namespace {

// Levenshtein distance, small strings only.
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_d = 3;  // more than two edits away is not a typo
  for (auto c : candidates) {
    size_t d = distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return best.empty() ? "" : " (did you mean \"" + std::string(best) + "\"?)";
}

std::vector<std::pair<std::string, const toml::node*>> in_source_order(const toml::table& t) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  std::vector<std::pair<toml::source_position, size_t>> order;
  for (auto&& [k, v] : t) {
    order.push_back({k.source().begin, out.size()});
    out.push_back({std::string(k.str()), &v});
  }
  std::vector<std::pair<std::string, const toml::node*>> sorted;
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line
                                        : a.first.column < b.first.column;
  });
  for (auto& [pos, i] : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

void read_table(const toml::table& table, std::string_view section, const std::string& prefix,
                int table_line, Target target, Reader& reader) {
  std::vector<std::string_view> names;
  for (const auto& k : key_table())
    if (k.section == section) names.push_back(k.name);
  for (auto& [key, node] : in_source_order(table)) {
    const KeySpec* spec = find_key_spec(section, key);
    if (!spec) {
      reader.errors.add(reader.file, line_of(*node), prefix + key, show_node(*node),
                        "unknown key in [" + std::string(section) + "]" + did_you_mean(key, names));
      continue;
    }
    ValueContext ctx{reader.file, reader.base_dir, prefix + key};
    if (auto v = convert_value(*spec, *node, ctx, reader.errors))
      spec->store(target, std::move(*v));
  }
  for (const auto& k : key_table()) {
    if (k.section == section && k.required && !table.contains(k.name))
      reader.errors.add(reader.file, table_line, prefix + std::string(k.name), "",
                        "is required (" + std::string(k.doc) + ")");
  }
}

void report_missing_section(std::string_view section, Reader& reader) {
  for (const auto& k : key_table()) {
    if (k.section == section && k.required)
      reader.errors.add(reader.file, 0, k.dotted(), "", "is required (" + std::string(k.doc) + ")");
  }
}

}  // namespace dnsd::config
