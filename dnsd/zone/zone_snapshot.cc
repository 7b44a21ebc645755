// Compiling ZoneContent into the query-ready ZoneSnapshot.
#include "dnsd/zone/zone_snapshot.h"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::zone {
namespace {

// Working form while compiling: owner -> (type -> (ttl, rdatas, self)).
struct PendingSet {
  uint32_t ttl;
  const std::vector<std::string>* rdatas;
  std::vector<std::string> own;  // for self sets
  bool self;
};

void append_u16(std::string& s, uint16_t v) {
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v & 0xFF));
}

}  // namespace

bool drained_in_sentinel_txt(const RRsetContent& txt, std::string_view node) {
  for (const std::string& rd : txt.rdatas) {
    size_t p = 0;
    while (p < rd.size()) {
      size_t len = static_cast<uint8_t>(rd[p]);
      std::string_view s = std::string_view(rd).substr(p + 1, len);
      p += 1 + len;
      if (s.substr(0, 8) != "drained=") continue;
      s.remove_prefix(8);
      while (!s.empty()) {
        size_t comma = s.find(',');
        std::string_view item = s.substr(0, comma);
        if (item == node) return true;
        if (comma == std::string_view::npos) break;
        s.remove_prefix(comma + 1);
      }
    }
  }
  return false;
}

std::shared_ptr<const ZoneSnapshot> ZoneSnapshot::compile(
    std::shared_ptr<const ZoneContent> content, const SelfSpec& self) {
  auto snap = std::make_shared<ZoneSnapshot>();
  const std::string& origin = content->origin;

  // Nodes come straight from the content (no intermediate copy: an update recompiles the
  // whole zone, so this loop is what an update costs), then the self owners the file does
  // not have, then the empty non-terminals (RFC 4592 2.2.2: every ancestor of an owner down
  // from the apex exists). Node order does not matter: lookups go through the hash index.
  auto is_self = [&](std::string_view owner) {
    return std::find(self.owners.begin(), self.owners.end(), owner) != self.owners.end();
  };
  std::vector<std::string> extra;  // self owners absent from the file, then ENTs
  std::unordered_set<std::string> in_extra;
  auto add_extra = [&](std::string name) {
    if (content->nodes.count(name) || !in_extra.insert(name).second) return;
    extra.push_back(std::move(name));
  };
  for (const std::string& owner : self.owners) add_extra(owner);
  size_t self_extra = extra.size();
  auto add_ancestors = [&](std::string_view n) {
    while (n.size() > origin.size()) {
      n.remove_prefix(1u + static_cast<uint8_t>(n[0]));
      if (n.size() <= origin.size()) break;
      add_extra(std::string(n));
    }
  };
  for (const auto& [owner, node] : content->nodes) add_ancestors(owner);
  for (size_t i = 0; i < self_extra; ++i) add_ancestors(std::string(extra[i]));

  PendingSet self_a{self.ttl, nullptr, {}, true}, self_aaaa{self.ttl, nullptr, {}, true};
  for (const in_addr& a : self.ipv4) self_a.own.emplace_back(reinterpret_cast<const char*>(&a), sizeof a);
  for (const in6_addr& a : self.ipv6) self_aaaa.own.emplace_back(reinterpret_cast<const char*>(&a), sizeof a);

  size_t name_bytes = 0, rdata_bytes = 0, rrset_count = 0;
  for (const auto& [owner, node] : content->nodes) {
    name_bytes += owner.size();
    rrset_count += node.size();
    for (const auto& [type, set] : node)
      for (const auto& rd : set.rdatas) rdata_bytes += 2 + rd.size();
  }
  for (const auto& e : extra) name_bytes += e.size();
  snap->names_.reserve(name_bytes);
  snap->rdata_.reserve(rdata_bytes);
  snap->rrsets_.reserve(rrset_count + 2 * self.owners.size());
  snap->nodes_.reserve(content->nodes.size() + extra.size());

  std::vector<std::pair<uint16_t, PendingSet>> sets;  // one node's sets, by type
  auto emit = [&](const std::string& owner, const NodeContent* node) {
    sets.clear();
    bool self_owner = is_self(owner);
    if (node)
      for (const auto& [type, set] : *node)
        if (!self_owner || (type != wire::type::A && type != wire::type::AAAA))
          sets.push_back({type, PendingSet{set.ttl, &set.rdatas, {}, false}});
    if (self_owner) {
      if (!self_a.own.empty()) sets.push_back({wire::type::A, self_a});
      if (!self_aaaa.own.empty()) sets.push_back({wire::type::AAAA, self_aaaa});
      std::sort(sets.begin(), sets.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    }
    Node n{};
    n.name_offset = static_cast<uint32_t>(snap->names_.size());
    n.name_length = static_cast<uint16_t>(owner.size());
    n.first_rrset = static_cast<uint32_t>(snap->rrsets_.size());
    snap->names_ += owner;
    for (const auto& [type, ps] : sets) {
      const std::vector<std::string>& rds = ps.rdatas ? *ps.rdatas : ps.own;
      RRset r{type, static_cast<uint16_t>(std::min<size_t>(rds.size(), 65535)), ps.ttl,
              static_cast<uint32_t>(snap->rdata_.size()), ps.self};
      for (size_t i = 0; i < r.count; ++i) {
        append_u16(snap->rdata_, static_cast<uint16_t>(rds[i].size()));
        snap->rdata_ += rds[i];
      }
      snap->rrsets_.push_back(r);
      if (type == wire::type::NS && owner != origin) n.flags |= kDelegation;
      if (type == wire::type::CNAME) n.flags |= kCname;
      if (ps.self) n.flags |= kSelf;
    }
    n.rrset_count = static_cast<uint16_t>(snap->rrsets_.size() - n.first_rrset);
    snap->nodes_.push_back(n);
  };
  for (const auto& [owner, node] : content->nodes) emit(owner, &node);
  for (const auto& owner : extra) emit(owner, nullptr);
  std::vector<std::string> self_owners(self.owners.begin(), self.owners.end());
  snap->index_.reserve(snap->nodes_.size());
  for (uint32_t i = 0; i < snap->nodes_.size(); ++i)
    snap->index_.emplace(snap->name(snap->nodes_[i]), i);
  // A self owner without addresses of a family is still self (NODATA, or REFUSED if drained).
  for (const std::string& owner : self_owners) {
    auto it = snap->index_.find(owner);
    if (it != snap->index_.end()) snap->nodes_[it->second].flags |= kSelf;
  }

  snap->apex_labels_ = wire::count_labels(origin);
  if (const Node* apex = snap->find(origin)) snap->soa_ = snap->rrset(*apex, wire::type::SOA);
  if (const RRsetContent* soa = content->find(origin, wire::type::SOA)) {
    SoaFields f;
    if (!soa->rdatas.empty() && parse_soa(soa->rdatas.front(), f)) {
      snap->serial_ = f.serial;
      snap->negative_ttl_ = std::min(soa->ttl, f.minimum);  // RFC 2308 5
    }
  }
  static const std::string kSentinel = std::string("\x09_sentinel", 10);
  if (const RRsetContent* txt = content->find(kSentinel + origin, wire::type::TXT))
    snap->self_refused_ = !self.node_name.empty() && drained_in_sentinel_txt(*txt, self.node_name);
  snap->content_ = std::move(content);
  return snap;
}

}  // namespace dnsd::zone
