// sentinel.toml -> SentinelConfig: every section, key and cross-check, all errors at once.
#include "sentinel/config/sentinel_config.h"

#include <toml++/toml.h>

#include "dnsd/common/logging.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dnsd/common/dns_name_text.h"
#include "dnsd/common/toml_file.h"
#include "dnsd/common/tsig_key_config.h"
#include "sentinel/config/node_config_reader.h"
#include "sentinel/config/toml_fields.h"

namespace sentinel::config {
namespace fs = std::filesystem;
using dnsd::common::ErrorList;

const NodeConfig* SentinelConfig::node(std::string_view name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

std::string SentinelConfig::zone_text() const {
  return zone.size() > 1 && zone.back() == '.' ? zone.substr(0, zone.size() - 1) : zone;
}

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

namespace {

const toml::table* section(const toml::table& root, std::string_view name,
                           const std::string& file, ErrorList& errors) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (auto t = n->as_table()) return t;
  errors.add(file, static_cast<int>(n->source().begin.line), std::string(name), "",
             "must be a table: [" + std::string(name) + "]");
  return nullptr;
}

void read_sentinel(const toml::table& t, SentinelConfig& c, const std::string& base,
                   ErrorList& errors) {
  TomlFields f(t, c.file, "sentinel", errors);
  f.reject_unknown({"id", "state_file", "api_listen", "api_token_file"});
  if (auto v = f.str("id")) {
    if (v->empty() || v->size() > 64 || v->find_first_of(" \"\\") != std::string::npos)
      f.error("id", "\"" + *v + "\"", "1..64 characters, no spaces or quotes");
    else
      c.id = *v;
  }
  if (auto v = f.str("state_file")) c.state_file = resolve_path(base, *v);
  if (auto v = f.str("api_token_file")) c.api_token_file = resolve_path(base, *v);
  if (auto v = f.str("api_listen")) {
    auto a = dnsd::common::parse_socket_address(*v);
    if (!a) f.error("api_listen", "\"" + *v + "\"", "not an address:port");
    else c.api_listen = *a;
  }
}

void read_cluster(const toml::table& t, SentinelConfig& c, std::string& update_key,
                  int& update_key_line, ErrorList& errors) {
  TomlFields f(t, c.file, "cluster", errors);
  f.reject_unknown({"zone", "master_name", "pool_name", "srv", "ttl", "failover", "cooldown",
                    "update_key", "reconcile_interval", "driver_timeout"});
  std::string reason;
  if (auto v = f.str("zone")) {
    auto z = dnsd::common::normalize_absolute_name(*v, reason);
    if (!z || *z == ".") f.error("zone", "\"" + *v + "\"", z ? "must not be the root" : reason);
    else c.zone = *z;
  } else if (!f.node("zone")) {
    f.error("zone", "", "is required");
  }
  for (const char* key : {"master_name", "pool_name"}) {
    if (auto v = f.str(key)) {
      auto n = dnsd::common::normalize_relative_name(*v, reason);
      if (!n || *n == "@" || n->find('*') != std::string::npos)
        f.error(key, "\"" + *v + "\"", n ? "must be a name below the zone" : reason);
      else
        (std::string_view(key) == "master_name" ? c.master_name : c.pool_name) = *n;
    }
  }
  if (auto v = f.strings("srv")) {
    c.srv.clear();
    for (const auto& s : *v) {
      auto n = dnsd::common::normalize_relative_name(s, reason);
      if (!n || *n == "@" || n->find('*') != std::string::npos)
        f.error("srv", "\"" + s + "\"", n ? "must be a name below the zone" : reason);
      else
        c.srv.push_back(*n);
    }
  }
  if (auto v = f.integer("ttl", 0, 86400)) c.ttl = static_cast<uint32_t>(*v);
  if (auto v = f.str("failover")) {
    if (*v == "auto") c.failover_auto = true;
    else if (*v == "manual") c.failover_auto = false;
    else f.error("failover", "\"" + *v + "\"", "must be \"auto\" or \"manual\"");
  }
  if (auto v = f.duration("cooldown", dnsd::common::Millis(0))) c.cooldown = *v;
  if (auto v = f.duration("reconcile_interval", dnsd::common::Millis(1000)))
    c.reconcile_interval = *v;
  if (auto v = f.duration("driver_timeout", dnsd::common::Millis(100))) c.driver_timeout = *v;
  if (auto v = f.str("update_key")) {
    update_key = *v;
    update_key_line = f.line_of("update_key");
  }
}

void read_damping(const toml::table& t, SentinelConfig& c, ErrorList& errors) {
  TomlFields f(t, c.file, "damping", errors);
  f.reject_unknown({"penalty", "suppress", "reuse", "half_life"});
  if (auto v = f.number("penalty", 0)) c.damping.penalty = *v;
  if (auto v = f.number("suppress", 1)) c.damping.suppress = *v;
  if (auto v = f.number("reuse", 0)) c.damping.reuse = *v;
  if (auto v = f.duration("half_life", dnsd::common::Millis(1000))) c.damping.half_life = *v;
  if (c.damping.reuse >= c.damping.suppress)
    f.error("reuse", std::to_string(c.damping.reuse), "must be below damping.suppress");
}

void read_log(const toml::table& t, SentinelConfig& c, ErrorList& errors) {
  TomlFields f(t, c.file, "log", errors);
  f.reject_unknown({"level", "format"});
  if (auto v = f.str("level")) {
    static const std::set<std::string> ok{"trace", "debug", "info", "warn", "error"};
    if (!ok.count(*v)) f.error("level", "\"" + *v + "\"", "must be trace|debug|info|warn|error");
    else c.log_level = *v;
  }
  if (auto v = f.str("format")) {
    if (!dnsd::common::valid_log_format(*v))
      f.error("format", "\"" + *v + "\"", "must be auto|text|journal|json");
    else c.log_format = *v;
  }
}

// Each node's update key: its own ([[node]] update_key), else the cluster's default.
void resolve_update_keys(SentinelConfig& c, const std::vector<dnsd::common::TsigKey>& keys,
                         const std::string& cluster_key, int cluster_key_line, ErrorList& errors) {
  auto find = [&](const std::string& name) -> const dnsd::common::TsigKey* {
    std::string reason;
    auto want = dnsd::common::normalize_absolute_name(name, reason);
    for (const auto& k : keys)
      if (want && k.name == *want) return &k;
    return nullptr;
  };
  if (!cluster_key.empty() && !find(cluster_key))
    errors.add(c.file, cluster_key_line, "cluster.update_key", "\"" + cluster_key + "\"",
               "no [[key]] with this name");
  std::map<std::string, std::vector<std::string>> users;  // key name -> nodes signed with it
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    auto& n = c.nodes[i];
    std::string field = "node[" + std::to_string(i) + "].update_key";
    if (n.update_key_name.empty()) {
      if (cluster_key.empty()) {
        errors.add(c.file, 0, field, "", "node " + n.name + " has no update key: give it its own "
                   "[[node]] update_key (or set a default [cluster] update_key)");
        continue;
      }
      n.update_key_name = cluster_key;
    } else if (!find(n.update_key_name)) {
      errors.add(c.file, n.update_key_line, field, "\"" + n.update_key_name + "\"",
                 "no [[key]] with this name");
      continue;
    }
    if (const auto* k = find(n.update_key_name)) {
      n.update_key = *k;
      users[k->name].push_back(n.name);
    }
  }
  for (const auto& [key, nodes] : users) {
    if (nodes.size() < 2) continue;
    std::string list;
    for (const auto& n : nodes) list += (list.empty() ? "" : ", ") + n;
    c.warnings.push_back("nodes " + list + " share the update key " + key +
                         ": anyone who steals it from one of them can rewrite the records of "
                         "all of them; give each [[node]] its own update_key");
  }
}

void cross_checks(SentinelConfig& c, const toml::table& root,
                  const std::vector<dnsd::common::TsigKey>& keys, const std::string& update_key,
                  int update_key_line, ErrorList& errors) {
  if (!root.get("node")) errors.add(c.file, 0, "node", "", "at least one [[node]] is required");
  for (const char* key : {"state_file", "api_token_file", "api_listen"})
    if (!root.at_path(std::string("sentinel.") + key))
      errors.add(c.file, 0, std::string("sentinel.") + key, "", "is required");
  std::set<std::string> names;
  for (const auto& n : c.nodes) names.insert(n.name);
  for (const std::string* owner : {&c.master_name, &c.pool_name})
    if (names.count(*owner))
      errors.add(c.file, 0, "cluster", *owner, "a node has the same name as master_name/pool_name");
  resolve_update_keys(c, keys, update_key, update_key_line, errors);
}

}  // namespace

std::optional<SentinelConfig> parse_sentinel_config(const std::string& text,
                                                    const std::string& path,
                                                    ErrorList& errors) {
  SentinelConfig c;
  c.file = path;
  std::string base = fs::path(path).parent_path().string();
  if (base.empty()) base = ".";
  auto parsed = dnsd::common::parse_toml(text, path, errors);
  if (!parsed) return std::nullopt;
  const toml::table& root = *parsed;
  size_t before = errors.size();
  for (const auto& [k, v] : root) {
    static const std::set<std::string_view> known{"sentinel", "cluster", "probe", "damping",
                                                  "node", "key", "log"};
    if (!known.count(k.str()))
      errors.add(path, static_cast<int>(k.source().begin.line), std::string(k.str()), "",
                 "unknown section (a typo?)");
  }
  if (auto t = section(root, "sentinel", path, errors)) read_sentinel(*t, c, base, errors);
  else errors.add(path, 0, "sentinel", "", "section [sentinel] is required");
  std::string update_key;
  int update_key_line = 0;
  if (auto t = section(root, "cluster", path, errors))
    read_cluster(*t, c, update_key, update_key_line, errors);
  else errors.add(path, 0, "cluster", "", "section [cluster] is required");
  if (auto t = section(root, "probe", path, errors)) c.probe = read_probe_timing(*t, c.file, "probe", c.probe, errors);
  if (auto t = section(root, "damping", path, errors)) read_damping(*t, c, errors);
  if (auto t = section(root, "log", path, errors)) read_log(*t, c, errors);

  std::vector<dnsd::common::TsigKey> keys;
  if (const toml::node* kn = root.get("key")) {
    const toml::array* arr = kn->as_array();
    if (!arr || !kn->is_array_of_tables()) {
      errors.add(path, static_cast<int>(kn->source().begin.line), "key", "",
                 "must be an array of tables: [[key]]");
    } else {
      for (size_t i = 0; i < arr->size(); ++i)
        if (auto k = dnsd::common::parse_key_table(*arr->get(i)->as_table(), path, base, i,
                                                   errors))
          keys.push_back(*k);
    }
  }
  if (const toml::node* nn = root.get("node")) {
    const toml::array* arr = nn->as_array();
    if (!arr || !nn->is_array_of_tables()) {
      errors.add(path, static_cast<int>(nn->source().begin.line), "node", "",
                 "must be an array of tables: [[node]]");
    } else {
      std::set<std::string> seen;
      for (size_t i = 0; i < arr->size(); ++i) {
        auto n = read_node(*arr->get(i)->as_table(), c, base, i, errors);
        if (!n) continue;
        if (!seen.insert(n->name).second) {
          errors.add(path, static_cast<int>(arr->get(i)->source().begin.line),
                     "node[" + std::to_string(i) + "].name", "\"" + n->name + "\"",
                     "duplicate node name");
          continue;
        }
        c.nodes.push_back(std::move(*n));
      }
    }
  }
  cross_checks(c, root, keys, update_key, update_key_line, errors);
  if (errors.size() != before) return std::nullopt;
  return c;
}

std::optional<SentinelConfig> load_sentinel_config(const std::string& path, ErrorList& errors) {
  auto text = dnsd::common::read_config_text(path, errors);
  if (!text) return std::nullopt;
  return parse_sentinel_config(*text, path, errors);
}

}  // namespace sentinel::config
