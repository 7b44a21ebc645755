// One zone, immutable and query-ready, and at the same time the only copy of the zone's
// data: there is no second, mutable form. Every owner (self names and empty non-terminals
// included) lives in one of 2^k shards chosen by the hash of its name. A shard is a single
// allocation holding its nodes, RRsets, a small open-addressing index, the names and the
// pre-encoded rdata, all linked by self-relative offsets, so a shard can be shared as-is
// between versions of the zone. An update (ZoneEdit) rebuilds only the shards of the
// owners it touches and shares the rest: its cost does not grow with the zone.
#pragma once
#include <netinet/in.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/zone/zone_content.h"

namespace dnsd::zone {

// The node's "self" names for this zone and what they answer.
struct SelfSpec {
  std::vector<std::string> owners;  // lowercase absolute wire names
  std::vector<in_addr> ipv4;
  std::vector<in6_addr> ipv6;
  uint32_t ttl = 30;
  std::string node_name;  // [node] name, matched against _sentinel "drained=" (docs/dnsd.md "Drain")

  bool is_owner(std::string_view owner) const;
};

// Hash of a lowercase wire name: picks the shard (low bits), the first index slot (high
// 32 bits) and an 8-bit tag that saves most name compares on a collision.
inline uint64_t name_hash(const char* p, size_t n) noexcept {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xff51afd7ed558ccdull);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
    p += 8;
    n -= 8;
  }
  uint64_t v = 0;
  std::memcpy(&v, p, n);
  h = (h ^ v) * 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 29;
  h *= 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 32);
}

class ZoneSnapshot {
 public:
  struct RRset {
    uint16_t type;
    uint16_t count;
    uint32_t ttl;
    uint32_t data_rel;  // from this RRset to its rdata: count x (u16 length, bytes)
  };
  // A node's record is [RRsets][name][rdata]: the name (lowercase wire, relative to the
  // apex: "\3www" for www.<apex>) follows the RRsets, so it needs no offset of its own.
  struct Node {
    uint32_t rrsets_rel;  // from this node to its record (first RRset)
    uint32_t children;    // direct child nodes: an empty non-terminal lives while > 0
    uint16_t rrset_count;
    uint8_t name_length;
    uint8_t flags;
  };
  static_assert(sizeof(RRset) == 12 && sizeof(Node) == 12);
  static constexpr uint8_t kDelegation = 1;  // NS below the apex: a zone cut
  static constexpr uint8_t kCname = 2;
  static constexpr uint8_t kSelf = 4;

  // One shard in one block: header, index slots, nodes, then per node its RRsets, name and
  // rdata. A slot is 0 (empty) or tag << 24 | (node index + 1).
  struct Shard {
    uint32_t node_count;
    uint32_t slot_count;  // > node_count: a probe always ends on an empty slot
    uint32_t nodes_offset;  // from this header
    uint32_t bytes;         // of the whole block
    const uint32_t* slots() const noexcept { return reinterpret_cast<const uint32_t*>(this + 1); }
    static uint32_t first_slot(uint64_t hash, uint32_t count) noexcept {
      return static_cast<uint32_t>(((hash >> 32) * count) >> 32);
    }
    const Node* nodes() const noexcept {
      return reinterpret_cast<const Node*>(reinterpret_cast<const char*>(this) + nodes_offset);
    }
  };
  using ShardPtr = std::shared_ptr<const Shard>;

  ZoneSnapshot(std::string origin, std::shared_ptr<const SelfSpec> self,
               std::vector<ShardPtr> shards);

  // The node of an absolute lowercase wire name, or nullptr.
  const Node* find(std::string_view lower_wire) const noexcept {
    if (lower_wire.size() < origin_.size()) return nullptr;
    size_t rel = lower_wire.size() - origin_.size();
    uint64_t h = name_hash(lower_wire.data(), lower_wire.size());
    const Shard& s = *shards_[h & shard_mask_];
    const uint32_t* slots = s.slots();
    uint32_t tag = static_cast<uint32_t>(h >> 56);
    for (uint32_t i = Shard::first_slot(h, s.slot_count);; i = i + 1 == s.slot_count ? 0 : i + 1) {
      uint32_t v = slots[i];
      if (v == 0) return nullptr;
      if ((v >> 24) != tag) continue;
      const Node& n = s.nodes()[(v & 0xFFFFFF) - 1];
      if (n.name_length == rel && std::memcmp(name_ptr(n), lower_wire.data(), rel) == 0 &&
          std::memcmp(lower_wire.data() + rel, origin_.data(), origin_.size()) == 0)
        return &n;
    }
  }
  static const RRset* rrsets_begin(const Node& node) noexcept {
    return reinterpret_cast<const RRset*>(reinterpret_cast<const char*>(&node) + node.rrsets_rel);
  }
  static const RRset* rrset(const Node& node, uint16_t type) noexcept {
    const RRset* r = rrsets_begin(node);
    for (uint16_t i = 0; i < node.rrset_count; ++i)
      if (r[i].type == type) return &r[i];
    return nullptr;
  }
  // A/AAAA at a self name come from [node], not from the zone (a zone cannot hold them
  // there): never transferred, journaled or updated.
  static bool is_self_set(const Node& node, const RRset& set) noexcept {
    return (node.flags & kSelf) && (set.type == 1 || set.type == 28);
  }
  // The name without the apex's labels ("" for the apex itself).
  static std::string_view relative_name(const Node& node) noexcept {
    return std::string_view(name_ptr(node), node.name_length);
  }
  std::string full_name(const Node& node) const {
    return std::string(relative_name(node)).append(origin_);
  }
  static const uint8_t* rdata(const RRset& set) noexcept {
    return reinterpret_cast<const uint8_t*>(&set) + set.data_rel;
  }

  std::string_view apex() const noexcept { return origin_; }
  // The apex's node (find(apex()), looked up once when the snapshot is made), or nullptr.
  const Node* apex_node() const noexcept { return apex_node_; }
  const std::string& origin() const noexcept { return origin_; }
  unsigned apex_labels() const noexcept { return apex_labels_; }
  const RRset* soa() const noexcept { return soa_; }
  uint32_t negative_ttl() const noexcept { return negative_ttl_; }
  uint32_t serial() const noexcept { return serial_; }
  // True when _sentinel lists this node as drained: self names answer REFUSED.
  bool self_refused() const noexcept { return self_refused_; }
  size_t node_count() const noexcept { return node_count_; }
  const std::shared_ptr<const SelfSpec>& self() const noexcept { return self_; }
  const std::vector<ShardPtr>& shards() const noexcept { return shards_; }

  // ---- Reading zone data off the query path (updates, transfers, journal, tests) ----
  // The zone's own RRsets (self sets excluded) of one owner; false if it has none.
  bool node_content(std::string_view owner, NodeContent& out) const;
  // Visits every node with zone data, in shard order, with its own RRsets.
  void for_each_node(const std::function<void(std::string_view owner, const NodeContent&)>& fn) const;
  // Everything as the plain map form (tests, small tools).
  ZoneContent to_content() const;
  static std::vector<std::string> rdatas(const RRset& set);

 private:
  static const char* name_ptr(const Node& n) noexcept {
    return reinterpret_cast<const char*>(&n) + n.rrsets_rel + n.rrset_count * sizeof(RRset);
  }

  std::string origin_;
  std::shared_ptr<const SelfSpec> self_;
  std::vector<ShardPtr> shards_;
  uint64_t shard_mask_ = 0;
  size_t node_count_ = 0;
  unsigned apex_labels_ = 0;
  const Node* apex_node_ = nullptr;  // in one of shards_, which live as long as this
  const RRset* soa_ = nullptr;
  uint32_t negative_ttl_ = 0;
  uint32_t serial_ = 0;
  bool self_refused_ = false;
};

// True when a _sentinel TXT rdata set names `node` in a "drained=a,b" string.
bool drained_in_sentinel_txt(const RRsetContent& txt, std::string_view node);

}  // namespace dnsd::zone
