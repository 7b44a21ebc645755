// Zone content difference for the repair of a diverged replica.
#include "dnsd/replication/zone_diff.h"

#include <algorithm>
#include <map>
#include <set>

#include "dnsd/replication/replication_marker.h"
#include "dnsd/wire/dns_constants.h"

namespace dnsd::replication {
namespace {

struct Set {
  uint32_t ttl = 0;
  std::set<std::string> rdatas;
};
using Sets = std::map<std::pair<std::string, uint16_t>, Set>;  // (owner, type)

Sets sets_of(const std::vector<xfr::XfrRecord>& rrs, const std::string& origin,
             const std::vector<std::string>& self_owners) {
  Sets out;
  for (const auto& r : rrs) {
    if (!is_replicated_record(r, origin, self_owners)) continue;
    Set& s = out[{r.owner, r.type}];
    if (s.rdatas.empty()) s.ttl = r.ttl;  // one TTL per RRset (RFC 2181 5.2): the first wins
    s.rdatas.insert(r.rdata);
  }
  return out;
}

}  // namespace

bool is_replicated_record(const xfr::XfrRecord& r, const std::string& origin,
                          const std::vector<std::string>& self_owners) {
  if (r.type == wire::type::SOA && r.owner == origin) return false;
  if (r.type == wire::type::TXT && r.owner == marker_owner(origin)) return false;
  if ((r.type == wire::type::A || r.type == wire::type::AAAA) &&
      std::find(self_owners.begin(), self_owners.end(), r.owner) != self_owners.end())
    return false;
  return true;
}

ZoneDiff zone_diff(const std::vector<xfr::XfrRecord>& primary, const std::vector<xfr::XfrRecord>& replica,
                   const std::string& origin, const std::vector<std::string>& self_owners) {
  const Sets want = sets_of(primary, origin, self_owners);
  const Sets have = sets_of(replica, origin, self_owners);
  ZoneDiff d;
  for (const auto& [key, h] : have) {
    auto w = want.find(key);
    for (const auto& rd : h.rdatas)
      if (w == want.end() || !w->second.rdatas.count(rd)) d.deleted.push_back({key.first, key.second, 0, rd});
  }
  for (const auto& [key, w] : want) {
    auto h = have.find(key);
    bool ttl_differs = h != have.end() && h->second.ttl != w.ttl;
    for (const auto& rd : w.rdatas)
      if (h == have.end() || ttl_differs || !h->second.rdatas.count(rd))
        d.added.push_back({key.first, key.second, w.ttl, rd});
  }
  return d;
}

std::vector<xfr::XfrRecord> snapshot_records(const zone::ZoneSnapshot& zone) {
  std::vector<xfr::XfrRecord> out;
  zone.for_each_node([&](std::string_view owner, const zone::NodeContent& node) {
    for (const auto& [type, set] : node)
      for (const auto& rd : set.rdatas) out.push_back({std::string(owner), type, set.ttl, rd});
  });
  return out;
}

std::optional<std::optional<Marker>> served_marker(const zone::ZoneSnapshot& zone) {
  zone::NodeContent node;
  if (!zone.node_content(marker_owner(zone.origin()), node)) return std::optional<Marker>{};
  auto txt = node.find(wire::type::TXT);
  if (txt == node.end() || txt->second.rdatas.empty()) return std::optional<Marker>{};
  auto text = txt_text(txt->second.rdatas[0]);
  auto m = text ? parse_marker(*text) : std::nullopt;
  if (!m) return std::nullopt;
  return std::optional<Marker>{m};
}

}  // namespace dnsd::replication
