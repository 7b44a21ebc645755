// Cross-key rules of dnsd.toml (see config_checks.h).
#include "dnsd/config/config_checks.h"

#include <algorithm>
#include <map>

#include "dnsd/config/config_value.h"
#include "dnsd/common/dns_name_text.h"

namespace dnsd::config {
namespace {

constexpr size_t kMaxName = 255;  // RFC 1035 section 2.3.4, wire form

std::string idx(std::string_view what, size_t i) {
  return std::string(what) + "[" + std::to_string(i) + "]";
}

// update_keys / transfer_keys entries must name a [[key]].
void check_refs(const toml::table& zone, size_t zi, std::string_view field,
                const std::set<std::string>& declared, Reader& r) {
  const toml::array* arr = zone[field].as_array();
  if (!arr) return;
  for (size_t i = 0; i < arr->size(); ++i) {
    auto text = (*arr)[i].value<std::string>();
    std::string reason;
    auto name = text ? common::normalize_absolute_name(*text, reason) : std::nullopt;
    if (!name || declared.count(*name)) continue;  // bad syntax was already reported
    r.errors.add(r.file, line_of(*arr->get(i)),
                 idx("zone", zi) + "." + std::string(field) + "[" + std::to_string(i) + "]",
                 show_node(*arr->get(i)), "no [[key]] named \"" + *text + "\" is defined");
  }
}

// The replication keys of one [[zone]] (docs/dnsd.md "One zone on every node").
void check_replication(const Config& config, const ZoneConfig& z, const toml::table& t, size_t zi,
                       const std::set<std::string>& declared, Reader& r) {
  auto at = [&](const char* key) { const toml::node* n = t.get(key); return n ? line_of(*n) : z.line; };
  auto shown = [&](const char* key) { const toml::node* n = t.get(key); return n ? show_node(*n) : std::string(); };
  auto err = [&](const char* key, const std::string& reason) {
    r.errors.add(r.file, at(key), idx("zone", zi) + "." + key, shown(key), reason);
  };
  if (z.replicas.empty()) {
    for (const char* key : {"update_primary", "replicated_update_keys", "replication_key"})
      if (t.contains(key) && !shown(key).empty() && shown(key) != "\"\"" && shown(key) != "[]")
        err(key, "has no effect without replicas: list every node in replicas, or remove it");
    return;
  }
  if (!t.contains("replicas")) return;
  auto named = [&](const std::string& n) {
    for (const auto& rep : z.replicas)
      if (rep.name == n) return true;
    return false;
  };
  if (!config.node.name.empty() && !named(config.node.name))
    err("replicas", "does not list this node (node.name = \"" + config.node.name +
                        "\"); every node, this one included, must be listed");
  if (config.node.name.empty())
    err("replicas", "needs node.name: it says which of the replicas this node is");
  if (z.update_primary.empty())
    err("update_primary", "is required with replicas: the name of the node that orders replicated updates");
  else if (!named(z.update_primary))
    err("update_primary", "\"" + z.update_primary + "\" is not one of the replicas names");
  if (z.replication_key.empty())
    err("replication_key", "is required with replicas: the [[key]] the nodes sign replication traffic with");
  else if (!declared.count(z.replication_key))
    err("replication_key", "no [[key]] named \"" + z.replication_key + "\" is defined");
  for (const auto& k : z.replication_key.empty() ? std::vector<std::string>{} : z.update_keys)
    if (k == z.replication_key)
      err("replication_key", "is also in update_keys: the replication key may only write the "
                             "_replication record, so it must not be a client key");
  if (z.replicated_update_keys.empty())
    err("replicated_update_keys", "is required with replicas: the [[key]] names whose updates go to every node");
  for (const auto& k : z.replicated_update_keys) {
    if (std::find(z.update_keys.begin(), z.update_keys.end(), k) == z.update_keys.end())
      err("replicated_update_keys", "\"" + k + "\" is not in update_keys, so no update signed by it is accepted");
    if (k == z.replication_key)
      err("replicated_update_keys", "\"" + k + "\" is the replication_key; a client key must be another key");
  }
}

}  // namespace

std::set<std::string> declared_key_names(const toml::array* keys) {
  std::set<std::string> out;
  if (!keys) return out;
  for (const auto& k : *keys) {
    const toml::table* t = k.as_table();
    auto name = t ? (*t)["name"].value<std::string>() : std::nullopt;
    std::string reason;
    if (auto n = name ? common::normalize_absolute_name(*name, reason) : std::nullopt) out.insert(*n);
  }
  return out;
}

void check_duplicate_keys(const toml::array* keys, Reader& r) {
  if (!keys) return;
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < keys->size(); ++i) {
    const toml::table* t = (*keys)[i].as_table();
    const toml::node* name_node = t ? t->get("name") : nullptr;
    auto name = name_node ? name_node->value<std::string>() : std::nullopt;
    std::string reason;
    auto n = name ? common::normalize_absolute_name(*name, reason) : std::nullopt;
    if (!n) continue;
    auto [it, fresh] = first_line.emplace(*n, line_of(*name_node));
    if (!fresh)
      r.errors.add(r.file, line_of(*name_node), idx("key", i) + ".name", show_node(*name_node),
                   "duplicate key name (first defined at line " + std::to_string(it->second) + ")");
  }
}

void check_zones(const Config& config, const std::vector<ZoneSource>& sources,
                 const std::set<std::string>& declared, Reader& r) {
  std::map<std::string, int> first_line;
  for (size_t i = 0; i < config.zones.size() && i < sources.size(); ++i) {
    const ZoneConfig& z = config.zones[i];
    const toml::table& t = *sources[i].table;
    const size_t zi = sources[i].index;
    if (!z.name.empty()) {
      const toml::node& name_node = *t.get("name");
      auto [it, fresh] = first_line.emplace(z.name, line_of(name_node));
      if (!fresh)
        r.errors.add(r.file, line_of(name_node), idx("zone", zi) + ".name", show_node(name_node),
                     "duplicate zone (first defined at line " + std::to_string(it->second) + ")");
      // A self name is the relative owner in front of the apex: together at most 255.
      const toml::node* self_node = t.get("self");  // absent: the default ["@", "*"]
      for (const auto& rel : z.self) {
        if (common::wire_length(rel) + common::wire_length(z.name) > kMaxName)
          r.errors.add(r.file, self_node ? line_of(*self_node) : z.line, idx("zone", zi) + ".self",
                       "\"" + rel + "\"",
                       "with the zone name this is longer than 255 bytes (RFC 1035 2.3.4)");
      }
    }
    check_refs(t, zi, "update_keys", declared, r);
    check_refs(t, zi, "transfer_keys", declared, r);
    check_refs(t, zi, "epoch_override_keys", declared, r);
    check_refs(t, zi, "replicated_update_keys", declared, r);
    check_replication(config, z, t, zi, declared, r);
  }
}

void read_cookie_secrets(Config& config, const toml::node* server_section, Reader& r) {
  if (config.server.cookie_secret_file.empty()) return;
  const toml::table* t = server_section ? server_section->as_table() : nullptr;
  const toml::node* key = t ? t->get("cookie_secret_file") : nullptr;
  if (!key) return;
  if (auto s = common::read_cookie_secret_file(config.server.cookie_secret_file, r.file,
                                               line_of(*key), "server.cookie_secret_file",
                                               show_node(*key), r.errors))
    config.server.cookie_secrets = *s;
}

void check_node(const Config& config, const toml::node* node_section, Reader& r) {
  const ZoneConfig* with_self = nullptr;
  for (const auto& z : config.zones)
    if (!z.self.empty()) {
      with_self = &z;
      break;
    }
  if (!with_self) return;
  // Judged on what the file says, so a present but invalid value is reported only once.
  const toml::table* t = node_section ? node_section->as_table() : nullptr;
  int line = node_section ? line_of(*node_section) : 0;
  std::string why =
      " (the [[zone]] at line " + std::to_string(with_self->line) + " has self names)";
  auto raw_name = t ? (*t)["name"].value<std::string>() : std::nullopt;
  bool already_reported = t && t->contains("name") && !(raw_name && raw_name->empty());
  if (config.node.name.empty() && !already_reported)
    r.errors.add(r.file, line, "node.name", "",
                 "is required: sentinel names this node in lbN.<zone> and drained=" + why);
  size_t addresses = 0;
  for (const char* family : {"ipv4", "ipv6"}) {
    const toml::array* a = t ? (*t)[family].as_array() : nullptr;
    addresses += a ? a->size() : (t && t->contains(family) ? 1 : 0);
  }
  if (addresses == 0)
    r.errors.add(r.file, line, "node.ipv4", "",
                 "node.ipv4 or node.ipv6 must list this node's addresses, the answer of the "
                 "self names" +
                     why);
}

}  // namespace dnsd::config
