// Compiling ZoneContent into the query-ready ZoneSnapshot.
#include "dnsd/zone/zone_snapshot.h"

#include <algorithm>
#include <map>

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

  // Owners with their sets; self sets go next to the file's sets.
  std::map<std::string, std::map<uint16_t, PendingSet>> owners;
  for (const auto& [owner, node] : content->nodes) {
    auto& dst = owners[owner];
    for (const auto& [type, set] : node) dst[type] = PendingSet{set.ttl, &set.rdatas, {}, false};
  }
  std::vector<std::string> self_owners;
  for (const std::string& owner : self.owners) {
    auto& dst = owners[owner];
    self_owners.push_back(owner);
    if (!self.ipv4.empty()) {
      PendingSet ps{self.ttl, nullptr, {}, true};
      for (const in_addr& a : self.ipv4)
        ps.own.emplace_back(reinterpret_cast<const char*>(&a), sizeof a);
      dst[wire::type::A] = std::move(ps);
    }
    if (!self.ipv6.empty()) {
      PendingSet ps{self.ttl, nullptr, {}, true};
      for (const in6_addr& a : self.ipv6)
        ps.own.emplace_back(reinterpret_cast<const char*>(&a), sizeof a);
      dst[wire::type::AAAA] = std::move(ps);
    }
  }
  // Empty non-terminals: every ancestor of an owner down from the apex exists (RFC 4592 2.2.2).
  std::vector<std::string> ents;
  for (const auto& [owner, sets] : owners) {
    std::string_view n = owner;
    while (n.size() > origin.size()) {
      n.remove_prefix(1u + static_cast<uint8_t>(n[0]));
      if (n.size() <= origin.size()) break;
      if (!owners.count(std::string(n))) ents.emplace_back(n);
    }
  }
  for (auto& e : ents) owners.try_emplace(std::move(e));

  size_t name_bytes = 0;
  for (const auto& [owner, sets] : owners) name_bytes += owner.size();
  snap->names_.reserve(name_bytes);
  snap->nodes_.reserve(owners.size());
  for (const auto& [owner, sets] : owners) {
    Node node{};
    node.name_offset = static_cast<uint32_t>(snap->names_.size());
    node.name_length = static_cast<uint16_t>(owner.size());
    node.first_rrset = static_cast<uint32_t>(snap->rrsets_.size());
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
      if (type == wire::type::NS && owner != origin) node.flags |= kDelegation;
      if (type == wire::type::CNAME) node.flags |= kCname;
      if (ps.self) node.flags |= kSelf;
    }
    node.rrset_count = static_cast<uint16_t>(snap->rrsets_.size() - node.first_rrset);
    snap->nodes_.push_back(node);
  }
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
