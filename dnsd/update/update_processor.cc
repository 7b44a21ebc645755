// RFC 2136 processing.
#include "dnsd/update/update_processor.h"

#include <algorithm>
#include <set>
#include <map>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_loader.h"

namespace dnsd::update {
namespace {

namespace T = wire::type;
namespace R = wire::rcode;
using wire::klass::ANY;
using wire::klass::IN;
using wire::klass::NONE;

bool is_meta(uint16_t t) {
  return t == T::ANY || t == T::AXFR || t == T::IXFR || t == T::MAILA || t == T::MAILB ||
         t == T::TSIG || t == T::OPT;
}

UpdateResult fail(uint8_t rcode, std::string reason) {
  UpdateResult r;
  r.rcode = rcode;
  r.reason = std::move(reason);
  return r;
}

bool name_in_use(const zone::ZoneContent& z, const std::string& owner) {
  auto it = z.nodes.find(owner);
  return it != z.nodes.end() && !it->second.empty();
}

// RFC 2136 3.2.
UpdateResult check_prerequisites(const UpdateMessage& m, const zone::ZoneContent& z) {
  std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> value_sets;
  for (const UpdateRR& rr : m.prerequisites) {
    if (rr.ttl != 0) return fail(R::FORMERR, "prerequisite with non-zero TTL");
    if (!wire::is_subdomain(rr.owner, z.origin)) return fail(R::NOTZONE, "prerequisite outside the zone");
    if (rr.klass == ANY) {
      if (!rr.rdata.empty()) return fail(R::FORMERR, "prerequisite ANY with RDATA");
      if (rr.type == T::ANY) {
        if (!name_in_use(z, rr.owner)) return fail(R::NXDOMAIN, "prerequisite: name not in use");
      } else if (!z.find(rr.owner, rr.type)) {
        return fail(R::NXRRSET, "prerequisite: RRset does not exist");
      }
    } else if (rr.klass == NONE) {
      if (!rr.rdata.empty()) return fail(R::FORMERR, "prerequisite NONE with RDATA");
      if (rr.type == T::ANY) {
        if (name_in_use(z, rr.owner)) return fail(R::YXDOMAIN, "prerequisite: name is in use");
      } else if (z.find(rr.owner, rr.type)) {
        return fail(R::YXRRSET, "prerequisite: RRset exists");
      }
    } else if (rr.klass == IN) {
      auto& set = value_sets[{rr.owner, rr.type}];
      if (std::find(set.begin(), set.end(), rr.rdata) == set.end()) set.push_back(rr.rdata);
    } else {
      return fail(R::FORMERR, "prerequisite with a bad class");
    }
  }
  for (auto& [key, want] : value_sets) {  // RRset exists (value dependent): exact set match
    const zone::RRsetContent* have = z.find(key.first, key.second);
    if (!have || have->rdatas.size() != want.size() ||
        !std::is_permutation(want.begin(), want.end(), have->rdatas.begin()))
      return fail(R::NXRRSET, "prerequisite: RRset differs");
  }
  return {};
}

// RFC 2136 3.4.1.3.
UpdateResult prescan(const UpdateMessage& m, const zone::ZoneContent& z,
                     const std::vector<std::string>& self_owners) {
  for (const UpdateRR& rr : m.updates) {
    if (!wire::is_subdomain(rr.owner, z.origin)) return fail(R::NOTZONE, "update outside the zone");
    if (rr.klass == IN) {
      if (is_meta(rr.type)) return fail(R::FORMERR, "update adds a meta type");
    } else if (rr.klass == ANY) {
      if (rr.ttl != 0 || !rr.rdata.empty() || (is_meta(rr.type) && rr.type != T::ANY))
        return fail(R::FORMERR, "bad delete-RRset form");
    } else if (rr.klass == NONE) {
      if (rr.ttl != 0 || is_meta(rr.type)) return fail(R::FORMERR, "bad delete-RR form");
    } else {
      return fail(R::FORMERR, "update with a bad class");
    }
    bool addressish = rr.type == T::A || rr.type == T::AAAA || rr.type == T::CNAME || rr.type == T::ANY;
    if (addressish && std::find(self_owners.begin(), self_owners.end(), rr.owner) != self_owners.end())
      return fail(R::REFUSED, wire::name_to_text(rr.owner) +
                                  " is a self name of this node; its addresses cannot be updated");
  }
  return {};
}

void apply_one(const UpdateRR& rr, zone::ZoneContent& z) {
  bool apex = rr.owner == z.origin;
  if (rr.klass == IN) {
    auto& node = z.nodes[rr.owner];
    if (rr.type == T::SOA) {
      if (!apex) return;
      zone::SoaFields cur, next;
      auto& soa = node[T::SOA];
      if (soa.rdatas.empty() || !zone::parse_soa(soa.rdatas[0], cur) || !zone::parse_soa(rr.rdata, next))
        return;
      if (serial_lt(cur.serial, next.serial)) {
        soa.rdatas = {rr.rdata};
        soa.ttl = rr.ttl;
      }
      return;
    }
    bool has_cname = node.count(T::CNAME) != 0;
    bool has_other = std::any_of(node.begin(), node.end(), [](const auto& kv) {
      return kv.first != T::CNAME && kv.first != T::RRSIG && kv.first != T::NSEC;
    });
    if (rr.type == T::CNAME && has_other) return;  // 3.4.2.2: ignored
    if (rr.type != T::CNAME && has_cname) return;
    auto& set = node[rr.type];
    if (rr.type == T::CNAME) set.rdatas.clear();
    set.ttl = rr.ttl;  // RFC 2181 5.2: one TTL per RRset
    set.add(rr.rdata);
    return;
  }
  auto node_it = z.nodes.find(rr.owner);
  if (node_it == z.nodes.end()) return;
  auto& node = node_it->second;
  if (rr.klass == ANY) {
    if (rr.type == T::ANY) {
      for (auto it = node.begin(); it != node.end();) {
        if (apex && (it->first == T::SOA || it->first == T::NS)) ++it;
        else it = node.erase(it);
      }
    } else if (!(apex && (rr.type == T::SOA || rr.type == T::NS))) {
      node.erase(rr.type);
    }
  } else {  // NONE: delete one RR
    if (rr.type == T::SOA) return;
    auto set = node.find(rr.type);
    if (set == node.end()) return;
    auto& rds = set->second.rdatas;
    auto found = std::find(rds.begin(), rds.end(), rr.rdata);
    if (found == rds.end()) return;
    if (apex && rr.type == T::NS && rds.size() == 1) return;  // keep the last apex NS
    rds.erase(found);
    if (rds.empty()) node.erase(set);
  }
  if (node.empty()) z.nodes.erase(node_it);
}

void set_serial(zone::ZoneContent& z, uint32_t serial) {
  auto& soa = z.nodes[z.origin][T::SOA];
  size_t off = 0;
  zone::SoaFields f;
  if (soa.rdatas.empty() || !zone::parse_soa(soa.rdatas[0], f, &off)) return;
  for (int i = 0; i < 4; ++i) soa.rdatas[0][off + static_cast<size_t>(i)] = static_cast<char>(serial >> (24 - 8 * i));
}

// RRs of `owner` in `from` that are not in `other` (a TTL change counts as delete + add).
void collect_node(const zone::ZoneContent& from, const zone::ZoneContent& other,
                  const std::string& owner, const zone::NodeContent& node,
                  std::vector<xfr::XfrRecord>& out) {
  for (const auto& [type, set] : node) {
    if (type == T::SOA && owner == from.origin) continue;
    const zone::RRsetContent* o = other.find(owner, type);
    for (const auto& rd : set.rdatas) {
      bool kept = o && o->ttl == set.ttl && std::find(o->rdatas.begin(), o->rdatas.end(), rd) != o->rdatas.end();
      if (!kept) out.push_back({owner, type, set.ttl, rd});
    }
  }
}

// As collect(), for the given owners only: an update changes nothing else, so its diff
// costs O(owners touched), not O(zone).
void collect_owners(const zone::ZoneContent& from, const zone::ZoneContent& other,
                    const std::set<std::string>& owners, std::vector<xfr::XfrRecord>& out) {
  for (const auto& owner : owners) {
    auto it = from.nodes.find(owner);
    if (it != from.nodes.end()) collect_node(from, other, owner, it->second, out);
  }
}

void collect(const zone::ZoneContent& from, const zone::ZoneContent& other,
             std::vector<xfr::XfrRecord>& out) {
  for (const auto& [owner, node] : from.nodes) collect_node(from, other, owner, node, out);
}

// A diff with only the SOA before and after filled in.
xfr::XfrDiff soa_diff(const zone::ZoneContent& before, const zone::ZoneContent& after) {
  xfr::XfrDiff d;
  const zone::RRsetContent* sb = before.find(before.origin, T::SOA);
  const zone::RRsetContent* sa = after.find(after.origin, T::SOA);
  if (sb && !sb->rdatas.empty()) d.soa_before_rdata = sb->rdatas[0];
  if (sa && !sa->rdatas.empty()) d.soa_after_rdata = sa->rdatas[0];
  d.soa_ttl = sa ? sa->ttl : 0;
  return d;
}

}  // namespace

bool serial_lt(uint32_t a, uint32_t b) {
  return a != b && ((a < b && b - a < 0x80000000u) || (a > b && a - b > 0x80000000u));
}

xfr::XfrDiff diff_contents(const zone::ZoneContent& before, const zone::ZoneContent& after) {
  xfr::XfrDiff d = soa_diff(before, after);
  collect(before, after, d.deleted);
  collect(after, before, d.added);
  return d;
}

UpdateResult apply_update(const UpdateMessage& m, const zone::ZoneContent& current,
                          const std::vector<std::string>& self_owners) {
  // 3.1: the zone section names exactly this zone, class IN, type SOA.
  if (m.zone_type != T::SOA || m.zone_class != IN) return fail(R::FORMERR, "zone section must be SOA IN");
  if (m.zone != current.origin) return fail(R::NOTAUTH, "not authoritative for that zone");
  if (auto r = check_prerequisites(m, current); r.rcode) return r;
  if (auto r = prescan(m, current, self_owners); r.rcode) return r;

  auto next = std::make_shared<zone::ZoneContent>(current);
  std::set<std::string> touched;  // an update only ever changes the owners it names
  for (const UpdateRR& rr : m.updates) {
    apply_one(rr, *next);
    touched.insert(rr.owner);
  }
  bool changed = false;
  for (const auto& owner : touched) {
    auto before = current.nodes.find(owner);
    auto after = next->nodes.find(owner);
    if (after != next->nodes.end() && after->second.empty()) after = next->nodes.erase(after), after = next->nodes.end();
    bool in_before = before != current.nodes.end(), in_after = after != next->nodes.end();
    if (in_before != in_after || (in_before && !(before->second == after->second))) changed = true;
  }
  if (!changed) return {};  // nothing changed: no bump, no journal

  uint32_t old_serial = current.serial();
  if (!serial_lt(old_serial, next->serial())) set_serial(*next, old_serial + 1);  // RFC 1982 wrap
  common::ErrorList errors;
  zone::check_zone_rules(*next, "update", errors);
  if (!errors.empty()) return fail(R::REFUSED, errors.errors().front().reason);
  UpdateResult r;
  r.diff = soa_diff(current, *next);
  collect_owners(current, *next, touched, r.diff.deleted);
  collect_owners(*next, current, touched, r.diff.added);
  r.content = std::move(next);
  r.changed = true;
  return r;
}

}  // namespace dnsd::update
