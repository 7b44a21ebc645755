// RFC 2136 processing.
#include "dnsd/update/update_processor.h"

#include <algorithm>
#include <set>
#include <map>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_edit.h"
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

bool name_in_use(zone::ZoneEdit& z, const std::string& owner) { return !z.node(owner).empty(); }

// RFC 2136 3.2.
UpdateResult check_prerequisites(const UpdateMessage& m, zone::ZoneEdit& z) {
  std::map<std::pair<std::string, uint16_t>, std::vector<std::string>> value_sets;
  for (const UpdateRR& rr : m.prerequisites) {
    if (rr.ttl != 0) return fail(R::FORMERR, "prerequisite with non-zero TTL");
    if (!wire::is_subdomain(rr.owner, z.origin())) return fail(R::NOTZONE, "prerequisite outside the zone");
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
UpdateResult prescan(const UpdateMessage& m, const std::string& origin,
                     const std::vector<std::string>& self_owners) {
  for (const UpdateRR& rr : m.updates) {
    if (!wire::is_subdomain(rr.owner, origin)) return fail(R::NOTZONE, "update outside the zone");
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

void apply_one(const UpdateRR& rr, zone::ZoneEdit& z) {
  bool apex = rr.owner == z.origin();
  auto& node = z.mutable_node(rr.owner);
  if (rr.klass == IN) {
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
}

void set_serial(zone::ZoneEdit& z, uint32_t serial) {
  auto& soa = z.mutable_node(z.origin())[T::SOA];
  size_t off = 0;
  zone::SoaFields f;
  if (soa.rdatas.empty() || !zone::parse_soa(soa.rdatas[0], f, &off)) return;
  for (int i = 0; i < 4; ++i) soa.rdatas[0][off + static_cast<size_t>(i)] = static_cast<char>(serial >> (24 - 8 * i));
}

// RRs of `owner` in `from` that are not in `other` (a TTL change counts as delete + add).
void collect_node(const std::string& origin, const std::string& owner, const zone::NodeContent& from,
                  const zone::NodeContent& other, std::vector<xfr::XfrRecord>& out) {
  for (const auto& [type, set] : from) {
    if (type == T::SOA && owner == origin) continue;
    auto o = other.find(type);
    for (const auto& rd : set.rdatas) {
      bool kept = o != other.end() && o->second.ttl == set.ttl &&
                  std::find(o->second.rdatas.begin(), o->second.rdatas.end(), rd) != o->second.rdatas.end();
      if (!kept) out.push_back({owner, type, set.ttl, rd});
    }
  }
}

std::string soa_rdata(const zone::NodeContent* apex) {
  if (!apex) return {};
  auto soa = apex->find(T::SOA);
  return soa == apex->end() || soa->second.rdatas.empty() ? std::string() : soa->second.rdatas[0];
}

uint32_t soa_ttl(const zone::NodeContent* apex) {
  if (!apex) return 0;
  auto soa = apex->find(T::SOA);
  return soa == apex->end() ? 0 : soa->second.ttl;
}

}  // namespace

bool serial_lt(uint32_t a, uint32_t b) {
  return a != b && ((a < b && b - a < 0x80000000u) || (a > b && a - b > 0x80000000u));
}

xfr::XfrDiff diff_contents(const zone::ZoneContent& before, const zone::ZoneContent& after) {
  static const zone::NodeContent kEmpty;
  auto node = [](const zone::ZoneContent& z, const std::string& owner) -> const zone::NodeContent& {
    auto it = z.nodes.find(owner);
    return it == z.nodes.end() ? kEmpty : it->second;
  };
  xfr::XfrDiff d;
  const zone::NodeContent& ab = node(before, before.origin);
  const zone::NodeContent& aa = node(after, after.origin);
  d.soa_before_rdata = soa_rdata(&ab);
  d.soa_after_rdata = soa_rdata(&aa);
  d.soa_ttl = soa_ttl(&aa);
  for (const auto& [owner, n] : before.nodes) collect_node(before.origin, owner, n, node(after, owner), d.deleted);
  for (const auto& [owner, n] : after.nodes) collect_node(after.origin, owner, n, node(before, owner), d.added);
  return d;
}

UpdateResult apply_update(const UpdateMessage& m, const std::shared_ptr<const zone::ZoneSnapshot>& current,
                          const std::vector<std::string>& self_owners) {
  const std::string& origin = current->origin();
  // 3.1: the zone section names exactly this zone, class IN, type SOA.
  if (m.zone_type != T::SOA || m.zone_class != IN) return fail(R::FORMERR, "zone section must be SOA IN");
  if (m.zone != origin) return fail(R::NOTAUTH, "not authoritative for that zone");
  zone::ZoneEdit next(current);
  if (auto r = check_prerequisites(m, next); r.rcode) return r;
  if (auto r = prescan(m, origin, self_owners); r.rcode) return r;

  for (const UpdateRR& rr : m.updates) apply_one(rr, next);
  if (!next.changed()) return {};  // nothing changed: no bump, no journal

  uint32_t old_serial = current->serial();
  if (!serial_lt(old_serial, next.serial())) set_serial(next, old_serial + 1);  // RFC 1982 wrap
  UpdateResult r;
  common::ErrorList errors;
  const zone::NodeContent& old_apex = next.before(origin);
  const zone::NodeContent& new_apex = next.node(origin);
  r.diff.soa_before_rdata = soa_rdata(&old_apex);
  r.diff.soa_after_rdata = soa_rdata(&new_apex);
  r.diff.soa_ttl = soa_ttl(&new_apex);
  for (const std::string& owner : next.touched()) {  // only the owners read or named
    const zone::NodeContent& was = next.before(owner);
    const zone::NodeContent& now = next.node(owner);
    zone::check_owner_rules(origin, owner, now, "update", errors);
    collect_node(origin, owner, was, now, r.diff.deleted);
    collect_node(origin, owner, now, was, r.diff.added);
  }
  if (!errors.empty()) return fail(R::REFUSED, errors.errors().front().reason);
  r.snapshot = next.commit();
  r.changed = true;
  return r;
}

}  // namespace dnsd::update
