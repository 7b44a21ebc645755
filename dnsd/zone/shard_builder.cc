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
  // Load factor 0.8 (any slot count: the start slot is a multiply-shift, not a mask);
  // with the 8-bit tags a probe rarely leaves its cache line.
  uint32_t slots = static_cast<uint32_t>(n + n / 4 + 1);
  // Each set's rdata length, from the order it was appended in (sorting comes later).
  std::vector<uint32_t>& length = lengths_;
  length.assign(r, 0);
  for (size_t i = 0; i < r; ++i)
    length[i] = static_cast<uint32_t>((i + 1 < r ? sets_[i + 1].data_offset : rdata_.size()) - sets_[i].data_offset);
  // Layout for few cache misses per lookup: the index right after the header, then the
  // fixed-size nodes, then per node one record [RRsets][name][rdata] (4-byte aligned), so
  // a hit touches the header, one slot, one node and one record.
  auto align4 = [](size_t v) { return (v + 3) & ~size_t{3}; };
  size_t slots_at = sizeof(Shard);
  size_t nodes_at = align4(slots_at + slots * sizeof(uint32_t));
  size_t total = nodes_at + n * sizeof(Node);
  for (const PendingNode& p : nodes_) {
    size_t bytes = p.set_count * sizeof(RRset) + p.name_length;
    for (uint32_t k = 0; k < p.set_count; ++k) bytes += length[p.first_set + k];
    total += align4(bytes);
  }
  char* block = static_cast<char*>(::operator new(total));
  auto* shard = new (block) Shard{static_cast<uint32_t>(n), slots,
                                  static_cast<uint32_t>(nodes_at), static_cast<uint32_t>(total)};
  auto* index = reinterpret_cast<uint32_t*>(block + slots_at);
  std::fill(index, index + slots, 0u);
  auto* nodes = reinterpret_cast<Node*>(block + nodes_at);
  char* at = block + nodes_at + n * sizeof(Node);

  for (size_t i = 0; i < n; ++i) {
    const PendingNode& p = nodes_[i];
    // RRsets of a node in type order: ANY answers and transfers are stable. A node has a
    // handful: a stable insertion sort, no scratch allocation per node.
    std::vector<uint32_t>& order = order_;
    order.resize(p.set_count);
    for (uint32_t k = 0; k < p.set_count; ++k) {
      uint32_t v = p.first_set + k, j = k;
      for (; j > 0 && sets_[order[j - 1]].type > sets_[v].type; --j) order[j] = order[j - 1];
      order[j] = v;
    }
    Node& out = nodes[i];
    char* self = reinterpret_cast<char*>(&out);
    auto* sets = reinterpret_cast<RRset*>(at);
    char* name = at + p.set_count * sizeof(RRset);
    std::copy_n(names_.data() + p.name_offset, p.name_length, name);
    char* data = name + p.name_length;
    for (uint32_t k = 0; k < p.set_count; ++k) {
      const PendingSet& ps = sets_[order[k]];
      sets[k] = RRset{ps.type, ps.count, ps.ttl, static_cast<uint32_t>(data - reinterpret_cast<char*>(&sets[k]))};
      std::copy_n(rdata_.data() + ps.data_offset, length[order[k]], data);
      data += length[order[k]];
    }
    out.rrsets_rel = static_cast<uint32_t>(at - self);
    out.children = p.children;
    out.rrset_count = p.set_count;
    out.name_length = p.name_length;
    out.flags = p.flags;
    at += align4(static_cast<size_t>(data - at));
    uint64_t h = p.hash;
    uint32_t slot = ZoneSnapshot::Shard::first_slot(h, slots);
    while (index[slot] != 0) slot = slot + 1 == slots ? 0 : slot + 1;
    index[slot] = static_cast<uint32_t>(h >> 56) << 24 | static_cast<uint32_t>(i + 1);
  }
  nodes_.clear();
  sets_.clear();
  names_.clear();
  rdata_.clear();
  return ZoneSnapshot::ShardPtr(shard, [](const Shard* s) { ::operator delete(const_cast<Shard*>(s)); });
}

}  // namespace dnsd::zone
