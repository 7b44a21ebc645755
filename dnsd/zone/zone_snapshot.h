// The immutable, query-ready form of one zone: every owner (and every empty non-terminal)
// in a hash index, RRsets as pre-encoded wire rdata in one blob, and the zone facts the
// answer path needs (apex, SOA, negative TTL). Built aside, then published by pointer swap.
#pragma once
#include <netinet/in.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dnsd/zone/zone_content.h"

namespace dnsd::zone {

// The node's "self" names for this zone and what they answer.
struct SelfSpec {
  std::vector<std::string> owners;  // lowercase absolute wire names
  std::vector<in_addr> ipv4;
  std::vector<in6_addr> ipv6;
  uint32_t ttl = 30;
  std::string node_name;  // [node] name, matched against _sentinel "drained=" (SPEC)
};

class ZoneSnapshot {
 public:
  struct RRset {
    uint16_t type;
    uint16_t count;
    uint32_t ttl;
    uint32_t data;  // offset in rdata blob: count x (u16 length, bytes)
    bool self;      // injected from [node], not from the zone file
  };
  struct Node {
    uint32_t name_offset;
    uint16_t name_length;
    uint16_t rrset_count;
    uint32_t first_rrset;
    uint8_t flags;
  };
  static constexpr uint8_t kDelegation = 1;  // NS below the apex: a zone cut
  static constexpr uint8_t kCname = 2;
  static constexpr uint8_t kSelf = 4;

  // Compiles content + self names. Content must already satisfy check_zone_rules.
  static std::shared_ptr<const ZoneSnapshot> compile(std::shared_ptr<const ZoneContent> content,
                                                     const SelfSpec& self);

  const Node* find(std::string_view lower_wire) const noexcept {
    auto it = index_.find(lower_wire);
    return it == index_.end() ? nullptr : &nodes_[it->second];
  }
  const RRset* rrset(const Node& node, uint16_t type) const noexcept {
    for (uint16_t i = 0; i < node.rrset_count; ++i) {
      const RRset& r = rrsets_[node.first_rrset + i];
      if (r.type == type) return &r;
    }
    return nullptr;
  }
  const RRset* rrsets_begin(const Node& node) const noexcept { return &rrsets_[node.first_rrset]; }
  std::string_view name(const Node& node) const noexcept {
    return std::string_view(names_).substr(node.name_offset, node.name_length);
  }
  const uint8_t* rdata_blob() const noexcept {
    return reinterpret_cast<const uint8_t*>(rdata_.data());
  }

  std::string_view apex() const noexcept { return content_->origin; }
  unsigned apex_labels() const noexcept { return apex_labels_; }
  const RRset* soa() const noexcept { return soa_; }
  uint32_t negative_ttl() const noexcept { return negative_ttl_; }
  uint32_t serial() const noexcept { return serial_; }
  // True when _sentinel lists this node as drained: self names answer REFUSED.
  bool self_refused() const noexcept { return self_refused_; }
  const std::shared_ptr<const ZoneContent>& content() const noexcept { return content_; }
  size_t node_count() const noexcept { return nodes_.size(); }

 private:
  std::shared_ptr<const ZoneContent> content_;
  std::string names_;  // all owner names, lowercase wire, back to back
  std::string rdata_;
  std::vector<Node> nodes_;
  std::vector<RRset> rrsets_;
  std::unordered_map<std::string_view, uint32_t> index_;
  unsigned apex_labels_ = 0;
  const RRset* soa_ = nullptr;
  uint32_t negative_ttl_ = 0;
  uint32_t serial_ = 0;
  bool self_refused_ = false;
};

// True when a _sentinel TXT rdata set names `node` in a "drained=a,b" string.
bool drained_in_sentinel_txt(const RRsetContent& txt, std::string_view node);

}  // namespace dnsd::zone
