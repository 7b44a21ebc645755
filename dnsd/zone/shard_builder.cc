// Shard layout: [Shard][Node x n][RRset x r][u32 slot x 2^k][names][rdata].
#include "dnsd/zone/shard_builder.h"

#include <algorithm>
#include <new>

#include "dnsd/wire/dns_constants.h"

namespace dnsd::zone {

using Node = ZoneSnapshot::Node;
using RRset = ZoneSnapshot::RRset;
using Shard = ZoneSnapshot::Shard;

void ShardBuilder::begin_node(std::string_view name, uint32_t children, bool self_owner) {
  // Stored without the origin's labels: every name in the zone ends with them.
  std::string_view rel = name.substr(0, name.size() >= origin_.size() ? name.size() - origin_.size() : 0);
  PendingNode n{};
  n.hash = name_hash(name.data(), name.size());
  n.name_offset = static_cast<uint32_t>(names_.size());
  n.name_length = static_cast<uint8_t>(std::min<size_t>(rel.size(), 255));
  n.first_set = static_cast<uint32_t>(sets_.size());
  n.children = children;
  n.flags = self_owner ? ZoneSnapshot::kSelf : 0;
  names_.append(rel.data(), n.name_length);
  nodes_.push_back(n);
}

void ShardBuilder::add_set(uint16_t type, uint32_t ttl) {
  PendingNode& n = nodes_.back();
  sets_.push_back({type, 0, ttl, static_cast<uint32_t>(rdata_.size())});
  ++n.set_count;
  if (type == wire::type::NS && n.name_length != 0) n.flags |= ZoneSnapshot::kDelegation;  // not the apex
  if (type == wire::type::CNAME) n.flags |= ZoneSnapshot::kCname;
}

void ShardBuilder::add_rdata(std::string_view rdata) {
  PendingSet& s = sets_.back();
  if (s.count == 65535 || rdata.size() > 65535) return;  // cannot be sent anyway
  rdata_.push_back(static_cast<char>(rdata.size() >> 8));
  rdata_.push_back(static_cast<char>(rdata.size() & 0xFF));
  rdata_.append(rdata);
  ++s.count;
}

void ShardBuilder::copy_set(const RRset& set) {
  add_set(set.type, set.ttl);
  const uint8_t* p = ZoneSnapshot::rdata(set);
  const uint8_t* q = p;
  for (uint16_t i = 0; i < set.count; ++i) q += 2u + (static_cast<uint16_t>(q[0] << 8 | q[1]));
  rdata_.append(reinterpret_cast<const char*>(p), static_cast<size_t>(q - p));
  sets_.back().count = set.count;
}

void ShardBuilder::add_self_sets(const SelfSpec& self) {
  if (!self.ipv4.empty()) {
    add_set(wire::type::A, self.ttl);
    for (const in_addr& a : self.ipv4) add_rdata({reinterpret_cast<const char*>(&a), sizeof a});
  }
  if (!self.ipv6.empty()) {
    add_set(wire::type::AAAA, self.ttl);
    for (const in6_addr& a : self.ipv6) add_rdata({reinterpret_cast<const char*>(&a), sizeof a});
  }
}

void ShardBuilder::add_content(const NodeContent& node, const SelfSpec* self) {
  for (const auto& [type, set] : node) {
    if (set.rdatas.empty()) continue;
    if (self && (type == wire::type::A || type == wire::type::AAAA)) continue;
    add_set(type, set.ttl);
    for (const std::string& rd : set.rdatas) add_rdata(rd);
  }
  if (self) add_self_sets(*self);
}

ZoneSnapshot::ShardPtr ShardBuilder::finish() {
  size_t n = nodes_.size(), r = sets_.size();
  // Load factor at most 0.8: with the 8-bit tags a probe rarely leaves its cache line.
  uint32_t slots = 2;
  while (slots < n + n / 4 + 1) slots <<= 1;
  size_t nodes_at = sizeof(Shard);
  size_t sets_at = nodes_at + n * sizeof(Node);
  size_t slots_at = sets_at + r * sizeof(RRset);
  size_t names_at = slots_at + slots * sizeof(uint32_t);
  size_t rdata_at = names_at + names_.size();
  size_t total = rdata_at + rdata_.size();

  char* block = static_cast<char*>(::operator new(total));
  auto* shard = new (block) Shard{static_cast<uint32_t>(n), slots - 1,
                                  static_cast<uint32_t>(slots_at), static_cast<uint32_t>(total)};
  auto* nodes = reinterpret_cast<Node*>(block + nodes_at);
  auto* sets = reinterpret_cast<RRset*>(block + sets_at);
  auto* index = reinterpret_cast<uint32_t*>(block + slots_at);
  std::fill(index, index + slots, 0u);
  std::copy(names_.begin(), names_.end(), block + names_at);
  std::copy(rdata_.begin(), rdata_.end(), block + rdata_at);

  for (size_t i = 0; i < n; ++i) {
    const PendingNode& p = nodes_[i];
    // RRsets of a node in type order: ANY answers and transfers are stable.
    std::stable_sort(sets_.begin() + p.first_set, sets_.begin() + p.first_set + p.set_count,
                     [](const PendingSet& a, const PendingSet& b) { return a.type < b.type; });
    Node& out = nodes[i];
    char* self = reinterpret_cast<char*>(&out);
    out.name_rel = static_cast<uint32_t>(block + names_at + p.name_offset - self);
    out.rrsets_rel = static_cast<uint32_t>(reinterpret_cast<char*>(sets + p.first_set) - self);
    out.children = p.children;
    out.rrset_count = p.set_count;
    out.name_length = p.name_length;
    out.flags = p.flags;
    uint64_t h = p.hash;
    uint32_t at = static_cast<uint32_t>(h >> 32) & (slots - 1);
    while (index[at] != 0) at = (at + 1) & (slots - 1);
    index[at] = static_cast<uint32_t>(h >> 56) << 24 | static_cast<uint32_t>(i + 1);
  }
  for (size_t i = 0; i < r; ++i) {
    const PendingSet& p = sets_[i];
    RRset& out = sets[i];
    out = RRset{p.type, p.count, p.ttl, 0};
    out.data_rel = static_cast<uint32_t>(block + rdata_at + p.data_offset - reinterpret_cast<char*>(&out));
  }
  nodes_.clear();
  sets_.clear();
  names_.clear();
  rdata_.clear();
  return ZoneSnapshot::ShardPtr(shard, [](const Shard* s) { ::operator delete(const_cast<Shard*>(s)); });
}

}  // namespace dnsd::zone
