// Writes one ZoneSnapshot shard: nodes are fed one at a time (name, RRsets, rdata) into
// reusable buffers, then laid out in a single block with self-relative offsets and an
// open-addressing index. Used by the full build (ZoneBuilder) and by updates (ZoneEdit).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::zone {

class ShardBuilder {
 public:
  explicit ShardBuilder(std::string origin) : origin_(std::move(origin)) {}

  // Starts a node (`name`: absolute, at or below the origin); its RRsets follow.
  void begin_node(std::string_view name, uint32_t children, bool self_owner);
  void add_set(uint16_t type, uint32_t ttl);
  void add_rdata(std::string_view rdata);
  // Copies one RRset of an existing shard as it is.
  void copy_set(const ZoneSnapshot::RRset& set);
  // The node's zone RRsets and, for self owners, the self A/AAAA instead of any zone ones.
  void add_content(const NodeContent& node, const SelfSpec* self);
  void add_self_sets(const SelfSpec& self);

  size_t node_count() const { return nodes_.size(); }
  // Lays out the shard and resets the builder for the next one.
  ZoneSnapshot::ShardPtr finish();

 private:
  struct PendingNode {
    uint64_t hash;  // of the absolute name
    uint32_t name_offset;
    uint32_t first_set;
    uint32_t children;
    uint16_t set_count;
    uint8_t name_length;
    uint8_t flags;
  };
  struct PendingSet {
    uint16_t type;
    uint16_t count;
    uint32_t ttl;
    uint32_t data_offset;
  };

  std::string origin_;
  std::vector<PendingNode> nodes_;
  std::vector<PendingSet> sets_;
  std::string names_, rdata_;
  std::vector<uint32_t> lengths_, order_;  // scratch for finish()
};

}  // namespace dnsd::zone
