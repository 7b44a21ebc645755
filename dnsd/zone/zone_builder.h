// Builds a whole ZoneSnapshot from flat records (a master file, a journal snapshot, a test's
// ZoneContent) without an intermediate tree: records go into one byte arena, are grouped
// by shard with a counting sort, then by owner and type with small sorts, and written out
// shard by shard. Also checks the zone rules on the grouped records (with file lines).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/common/config_error.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::zone {

class ZoneBuilder {
 public:
  explicit ZoneBuilder(std::string origin) : origin_(std::move(origin)) {}

  // `owner`: lowercase absolute wire name inside the zone (the caller checks).
  void add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata, int line);
  void add_content(const ZoneContent& content);

  // Groups the records (call after the last add): identical RRs merge (RFC 2181 5), the
  // first RR of an RRset gives its TTL and line.
  void seal();
  // After seal(): the line of (owner, type)'s first RR, 0 if it has no line, -1 if absent.
  int line_of(std::string_view owner, uint16_t type) const;
  // After seal(): one SOA at the apex, NS at the apex, CNAME alone, no SOA below the apex.
  void check_rules(const std::string& file, common::ErrorList& errors) const;
  // After seal(): the snapshot, with the self names and the empty non-terminals added.
  std::shared_ptr<const ZoneSnapshot> build(std::shared_ptr<const SelfSpec> self) const;

  const std::string& origin() const { return origin_; }

 private:
  struct Rec {
    uint32_t owner_offset;
    uint32_t rdata_offset;
    uint32_t ttl;
    int32_t line;
    uint16_t rdata_length;
    uint16_t type;
    uint8_t owner_length;
    bool duplicate;    // same owner, type and rdata as an earlier RR
    uint32_t arrival;  // position in the input: keeps file order inside an RRset
  };
  std::string_view owner(const Rec& r) const { return {arena_.data() + r.owner_offset, r.owner_length}; }
  std::string_view rdata(const Rec& r) const { return {arena_.data() + r.rdata_offset, r.rdata_length}; }
  size_t shard_of(std::string_view name) const;
  // Index range in recs_ of the records of `owner` ([first, last)), empty if absent.
  std::pair<size_t, size_t> owner_range(std::string_view owner) const;
  void mark_duplicates(size_t first, size_t last);

  std::string origin_;
  std::string arena_;
  std::vector<Rec> recs_;
  std::vector<uint32_t> shard_start_;  // after seal(): recs_ range of each shard (size shards + 1)
  size_t shard_count_ = 1;
  bool sealed_ = false;
};

// A snapshot of a plain-map zone (tests, the journal's snapshot file).
std::shared_ptr<const ZoneSnapshot> build_snapshot(const ZoneContent& content,
                                                   std::shared_ptr<const SelfSpec> self);

}  // namespace dnsd::zone
