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
#include "dnsd/common/duration.h"
#include "dnsd/common/toml_file.h"
#include "dnsd/common/tsig_key_config.h"
#include "sentinel/config/node_config_reader.h"
#include "sentinel/config/table_reader.h"

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

// [sentinel], [cluster], [probe], [damping] and [log]: every key through the key table.
void read_flat(const toml::table& t, std::string_view name, SentinelConfig& c,
               const std::string& base, ErrorList& errors) {
  TableReader r(t, c.file, base, std::string(name), std::string(name), errors);
  r.reject_unknown();
  r.store_all({&c, nullptr, nullptr});
  if (name == "probe") check_probe_timing(r, c.probe);
  if (name == "damping" && c.damping.reuse >= c.damping.suppress)
    r.error("reuse", std::to_string(c.damping.reuse), "must be below damping.suppress");
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

// [coordination] against the rest: the quorum must be reachable, this sentinel one of the
// listed, and a lease must outlive the time a probe takes to call a node down.
void check_coordination(SentinelConfig& c, const toml::table& t, ErrorList& errors) {
  auto& k = c.coordination;
  std::string base = fs::path(c.file).parent_path().string();
  TableReader r(t, c.file, base, "coordination", "coordination", errors);
  if (k.prefix.empty()) k.prefix = "/dnsgtm/" + c.zone_text() + "/";
  if (r.node("prefix") && (k.prefix.front() != '/' || k.prefix.back() != '/'))
    r.error("prefix", "\"" + k.prefix + "\"", "must start and end with \"/\", e.g. \"/dnsgtm/api/\"");
  if (k.sentinels.empty()) return;  // already reported as required or invalid
  int n = static_cast<int>(k.sentinels.size());
  if (k.quorum > n)
    r.error("quorum", std::to_string(k.quorum),
            "larger than the " + std::to_string(n) + " sentinels listed in coordination.sentinels: "
            "no node could ever be objectively down");
  if (std::find(k.sentinels.begin(), k.sentinels.end(), c.id) == k.sentinels.end())
    r.error("sentinels", "", "this sentinel's [sentinel] id \"" + c.id + "\" is not listed");
  if (k.lease.count() % 1000 != 0)
    r.error("lease", dnsd::common::format_duration(k.lease), "must be whole seconds (etcd leases are)");
  // A lease shorter than the time to call a node down would let opinions expire between
  // two probe results of a healthy sentinel.
  Millis longest = c.probe.interval * c.probe.fall;
  for (const auto& node : c.nodes)
    for (const auto& ck : node.checks) longest = std::max(longest, ck.timing.interval * ck.timing.fall);
  if (k.lease < longest)
    r.error("lease", dnsd::common::format_duration(k.lease),
            "shorter than probe interval x fall (" + dnsd::common::format_duration(longest) +
                "): opinions would expire before a node can be called down");
}

// [parent] against the rest: an ancestor of the zone, a known key, NS names to keep.
void check_parent(SentinelConfig& c, const toml::table& t,
                  const std::vector<dnsd::common::TsigKey>& keys, ErrorList& errors) {
  auto& p = c.parent;
  std::string base = fs::path(c.file).parent_path().string();
  TableReader r(t, c.file, base, "parent", "parent", errors);
  if (!p.zone.empty() && !c.zone.empty() &&
      (c.zone.size() <= p.zone.size() ||
       c.zone.compare(c.zone.size() - p.zone.size(), p.zone.size(), p.zone) != 0 ||
       (p.zone != "." && c.zone[c.zone.size() - p.zone.size() - 1] != '.')))
    r.error("zone", "\"" + p.zone + "\"",
            "must be a parent of [cluster] zone \"" + c.zone + "\" (the zone that delegates it)");
  if (!p.update_key_name.empty()) {
    p.update_key_line = r.line_of("update_key");
    std::string reason;
    auto want = dnsd::common::normalize_absolute_name(p.update_key_name, reason);
    const dnsd::common::TsigKey* key = nullptr;
    for (const auto& k : keys)
      if (want && k.name == *want) key = &k;
    if (key) p.update_key = *key;
    else r.error("update_key", "\"" + p.update_key_name + "\"", "no [[key]] with this name");
  }
  if (p.ns_ttl == 0) p.ns_ttl = c.ns_ttl;
  size_t named = 0;
  for (const auto& n : c.nodes) named += !n.ns.empty();
  // RFC 1034 4.1: at least two name servers; the NS set rule keeps two only if it has two.
  if (named < 2)
    errors.add(c.file, p.line, "parent", "",
               "the delegation is kept to the nodes' NS names, but " + std::to_string(named) +
                   " [[node]] has an ns name: give at least two nodes one (ns = \"lb1." +
                   c.zone + "\")");
}

void cross_checks(SentinelConfig& c, const toml::table& root,
                  const std::vector<dnsd::common::TsigKey>& keys, const std::string& update_key,
                  int update_key_line, ErrorList& errors) {
  if (!root.get("node")) errors.add(c.file, 0, "node", "", "at least one [[node]] is required");
  std::set<std::string> names;
  for (const auto& n : c.nodes) names.insert(n.name);
  for (const std::string* owner : {&c.master_name, &c.pool_name})
    if (names.count(*owner))
      errors.add(c.file, 0, "cluster", *owner, "a node has the same name as master_name/pool_name");
  resolve_update_keys(c, keys, update_key, update_key_line, errors);
  if (const auto* t = root.get("coordination"); t && t->as_table())
    check_coordination(c, *t->as_table(), errors);
  if (const auto* t = root.get("parent"); t && t->as_table() && c.parent.enabled)
    check_parent(c, *t->as_table(), keys, errors);
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
    if (!find_section(k.str()) || k.str().find('.') != std::string_view::npos)
      errors.add(path, static_cast<int>(k.source().begin.line), std::string(k.str()), "",
                 "unknown section (a typo?)");
  }
  if (auto t = section(root, "sentinel", path, errors)) read_flat(*t, "sentinel", c, base, errors);
  else errors.add(path, 0, "sentinel", "", "section [sentinel] is required");
  std::string update_key;
  int update_key_line = 0;
  if (auto t = section(root, "cluster", path, errors)) {
    read_flat(*t, "cluster", c, base, errors);
    TableReader r(*t, c.file, base, "cluster", "cluster", errors);
    if (auto v = r.get("update_key")) {
      update_key = std::get<std::string>(*v);
      update_key_line = r.line_of("update_key");
    }
  } else {
    errors.add(path, 0, "cluster", "", "section [cluster] is required");
  }
  for (const char* name : {"probe", "damping", "log"})
    if (auto t = section(root, name, path, errors)) read_flat(*t, name, c, base, errors);
  if (auto t = section(root, "coordination", path, errors)) {
    c.coordination.enabled = true;
    c.coordination.line = static_cast<int>(root.get("coordination")->source().begin.line);
    read_flat(*t, "coordination", c, base, errors);
  }

  if (auto t = section(root, "parent", path, errors)) {
    c.parent.enabled = true;
    c.parent.line = static_cast<int>(root.get("parent")->source().begin.line);
    read_flat(*t, "parent", c, base, errors);
  }

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
      std::set<std::string> seen, seen_ns;
      for (size_t i = 0; i < arr->size(); ++i) {
        auto n = read_node(*arr->get(i)->as_table(), c, base, i, errors);
        if (!n) continue;
        if (!seen.insert(n->name).second) {
          errors.add(path, static_cast<int>(arr->get(i)->source().begin.line),
                     "node[" + std::to_string(i) + "].name", "\"" + n->name + "\"",
                     "duplicate node name");
          continue;
        }
        if (!n->ns.empty() && !seen_ns.insert(n->ns).second) {
          errors.add(path, static_cast<int>(arr->get(i)->source().begin.line),
                     "node[" + std::to_string(i) + "].ns", "\"" + n->ns + "\"",
                     "another node has this NS name: each node's dnsd has its own");
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
