// Config + master files -> Catalog.
#include "dnsd/zone/catalog_builder.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/zone_loader.h"

namespace dnsd::zone {
namespace {

// "@" -> apex, "*" -> "*.<apex>", "www" -> "www.<apex>" (all lowercase wire).
std::optional<std::string> self_owner(const std::string& rel, const std::string& apex) {
  if (rel == "@") return apex;
  auto w = wire::name_from_text(rel + ".");
  if (!w || w->size() + apex.size() - 1 > wire::kMaxNameLength) return std::nullopt;
  std::string out = w->substr(0, w->size() - 1) + apex;
  for (auto& c : out) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
  return out;
}

std::string lower_abs(const std::string& text) {
  auto w = wire::name_from_text(text);
  std::string out = w ? *w : std::string(1, '\0');
  for (auto& c : out) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
  return out;
}

}  // namespace

std::shared_ptr<const Catalog> build_catalog(const config::Config& config,
                                             common::ErrorList& errors, const ContentHook& hook) {
  auto catalog = std::make_shared<Catalog>();
  catalog->identity = config.server.identity;
  catalog->udp_payload = config.server.udp_payload;
  catalog->keys = config.keys;
  catalog->cookies = config.server.cookie_secrets;
  size_t before = errors.size();
  for (const config::ZoneConfig& zc : config.zones) {
    std::string apex = lower_abs(zc.name);
    auto content = load_zone_file(zc.file, apex, errors);
    if (!content) continue;
    ZoneEntry entry;
    entry.file = zc.file;
    entry.self.ipv4 = config.node.ipv4;
    entry.self.ipv6 = config.node.ipv6;
    entry.self.ttl = zc.self_ttl;
    entry.self.node_name = config.node.name;
    for (const std::string& rel : zc.self) {
      auto owner = self_owner(rel, apex);
      if (!owner) {
        errors.add(config.path, zc.line, "zone.self", rel, "not a valid relative name");
        continue;
      }
      // docs/dnsd.md "Self names": a file that already has A/AAAA at a self name is a config error.
      for (uint16_t t : {wire::type::A, wire::type::AAAA, wire::type::CNAME}) {
        if (int line = content->line_of(*owner, t); line >= 0) {
          errors.add(zc.file, line, "", "",
                     wire::name_to_text(*owner) + " is a self name (zone " + zc.name +
                         " self = \"" + rel + "\" in " + config.path + ") but the file has " +
                         (t == wire::type::A ? "A" : t == wire::type::AAAA ? "AAAA" : "CNAME") +
                         " records there; remove them or the self entry");
        }
      }
      entry.self.owners.push_back(*owner);
    }
    for (const auto& k : zc.update_keys) entry.update_keys.push_back(lower_abs(k));
    for (const auto& k : zc.transfer_keys) entry.transfer_keys.push_back(lower_abs(k));
    entry.notify = zc.notify;
    entry.notify_source = zc.notify_source;
    entry.epoch_max_step = zc.epoch_max_step;
    for (const auto& k : zc.epoch_override_keys) entry.epoch_override_keys.push_back(lower_abs(k));
    for (const auto& r : zc.replicas) entry.replication.nodes.push_back({r.name, r.address});
    if (!zc.replicas.empty()) {
      entry.replication.self = config.node.name;
      entry.replication.primary = zc.update_primary;
      for (const auto& k : zc.replicated_update_keys) entry.replication.keys.push_back(lower_abs(k));
      entry.replication.key = lower_abs(zc.replication_key);
      entry.replication.ack_all = zc.replication_ack_all;
      entry.replication.timeout = zc.replication_timeout;
    }
    if (errors.size() != before) continue;
    entry.snapshot = content->build(std::make_shared<const SelfSpec>(entry.self));
    content.reset();  // the records live on in the snapshot only
    if (hook) hook(zc, entry.snapshot, errors);
    if (errors.size() != before) continue;
    catalog->zones.push_back(std::move(entry));
  }
  if (errors.size() != before) return nullptr;
  return catalog;
}

}  // namespace dnsd::zone
