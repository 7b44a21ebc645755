// load_config: dnsd.toml -> validated Config, every problem reported at once.
#include "dnsd/config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dnsd/common/tsig_key_config.h"
#include "dnsd/config/config_checks.h"
#include "dnsd/config/config_reader.h"
#include "dnsd/config/config_value.h"
#include "dnsd/common/dns_name_text.h"
#include "dnsd/common/toml_file.h"

namespace dnsd::config {
namespace {

std::optional<toml::table> parse_file(const std::string& path, common::ErrorList& errors) {
  auto text = common::read_config_text(path, errors);
  if (!text) return std::nullopt;
  return common::parse_toml(*text, path, errors);
}

std::vector<std::string_view> section_names() {
  std::vector<std::string_view> out;
  for (const auto& s : sections()) out.push_back(s.name);
  return out;
}

// Checks a section has the right TOML shape: [server] a table, [[zone]] an array of tables.
bool shape_ok(const SectionSpec& s, const toml::node& node, Reader& r) {
  std::string name(s.name);
  if (s.array && !node.is_array_of_tables()) {
    r.errors.add(r.file, line_of(node), name, "",
                 "must be written as [[" + name + "]] tables (there may be several)");
    return false;
  }
  if (!s.array && !node.is_table()) {
    r.errors.add(r.file, line_of(node), name, "",
                 "must be written as a single [" + name + "] table");
    return false;
  }
  return true;
}

// Reads every section; problems go to `errors`, in the order they are found.
Config read_config(const std::string& path, const toml::table& doc, common::ErrorList& errors) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  const std::string base_dir = abs.parent_path().lexically_normal().string();
  Reader r{path, base_dir, errors};
  Config config;
  config.path = path;

  const toml::array* zone_tables = nullptr;
  const toml::array* key_tables = nullptr;
  for (auto& [name, node] : in_source_order(doc)) {
    const SectionSpec* s = find_section(name);
    if (!s) {
      errors.add(path, line_of(*node), name, "",
                 "unknown section" + did_you_mean(name, section_names()));
      continue;
    }
    if (!shape_ok(*s, *node, r)) continue;
    if (s->name == "zone")
      zone_tables = node->as_array();
    else if (s->name == "key")
      key_tables = node->as_array();
    else
      read_table(*node->as_table(), name, name + ".", line_of(*node), {config, nullptr}, r);
  }
  for (const auto& s : sections())
    if (!s.array && !doc.contains(s.name)) report_missing_section(s.name, r);

  // Keys first: zones refer to them by name.
  if (key_tables) {
    for (size_t i = 0; i < key_tables->size(); ++i) {
      const toml::table& t = *(*key_tables)[i].as_table();
      if (auto k = common::parse_key_table(t, path, base_dir, i, errors))
        config.keys.push_back(std::move(*k));
    }
    check_duplicate_keys(key_tables, r);
  }

  std::vector<ZoneSource> sources;
  if (zone_tables) {
    for (size_t i = 0; i < zone_tables->size(); ++i) {
      const toml::table& t = *(*zone_tables)[i].as_table();
      ZoneConfig z;
      z.line = line_of(t);
      read_table(t, "zone", "zone[" + std::to_string(i) + "].", z.line, {config, &z}, r);
      config.zones.push_back(std::move(z));
      sources.push_back({&t, i});
    }
  }
  if (config.zones.empty())
    errors.add(path, 0, "zone", "", "at least one [[zone]] is required: dnsd serves nothing else");
  check_zones(config, sources, declared_key_names(key_tables), r);
  check_node(config, doc.get("node"), r);
  read_cookie_secrets(config, doc.get("server"), r);
  return config;
}

// Errors in the config file itself go top to bottom (file-level ones, line 0, last);
// errors in other files (key files) keep their places between them.
void append_in_file_order(const std::string& path, const common::ErrorList& found,
                          common::ErrorList& errors) {
  std::vector<common::ConfigError> own;
  for (const auto& e : found.errors())
    if (e.file == path) own.push_back(e);
  std::stable_sort(own.begin(), own.end(), [](const auto& a, const auto& b) {
    auto key = [](int line) { return line == 0 ? INT_MAX : line; };
    return key(a.line) < key(b.line);
  });
  size_t next = 0;
  for (const auto& e : found.errors()) errors.add(e.file == path ? own[next++] : e);
}

}  // namespace

std::optional<Replica> parse_replica(const std::string& text, std::string& reason) {
  size_t eq = text.find('=');
  if (eq == std::string::npos) {
    reason = "must be \"<node.name>=<address>\", e.g. \"lb1=192.0.2.1:53\"";
    return std::nullopt;
  }
  Replica r;
  r.name = text.substr(0, eq);
  bool label = !r.name.empty() && r.name.size() <= 63;
  for (char c : r.name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') label = false;
  if (!label) {
    reason = "\"" + r.name + "\" before '=' must be a node name: one DNS label (letters, digits, '-', '_')";
    return std::nullopt;
  }
  auto a = common::parse_socket_address(text.substr(eq + 1), 53);
  if (!a || a->port() == 0) {
    reason = "\"" + text.substr(eq + 1) + "\" after '=' must be an address: \"192.0.2.1\", \"192.0.2.1:53\" or \"[2001:db8::1]:53\"";
    return std::nullopt;
  }
  r.address = *a;
  return r;
}

const common::TsigKey* Config::find_key(std::string_view name) const {
  std::string reason;
  auto n = common::normalize_absolute_name(name, reason);
  if (!n) return nullptr;
  for (const auto& k : keys)
    if (k.name == *n) return &k;
  return nullptr;
}

std::string control_socket_path(const Config& config) {
  if (config.control.socket == "off") return "";
  if (!config.control.socket.empty()) return config.control.socket;
  return (std::filesystem::path(config.server.state_dir) / "control.sock").string();
}

std::optional<Config> load_config(const std::string& path, common::ErrorList& errors) {
  common::ErrorList found;
  std::optional<Config> config;
  if (auto doc = parse_file(path, found)) config = read_config(path, *doc, found);
  append_in_file_order(path, found, errors);
  if (!found.empty()) return std::nullopt;
  return config;
}

}  // namespace dnsd::config
