// A copy-on-write change to a ZoneSnapshot: the owners it touches are copied out into a
// small map, changed there, and commit() rebuilds only their shards (plus those of the
// empty non-terminals that appear or disappear); every other shard is shared with the
// base. Used by RFC 2136 updates and journal replay.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::zone {

class ZoneEdit {
 public:
  explicit ZoneEdit(std::shared_ptr<const ZoneSnapshot> base);

  const std::string& origin() const { return base_->origin(); }
  const ZoneSnapshot& base() const { return *base_; }

  // The zone RRsets of `owner` as they stand in this edit (empty if none).
  const NodeContent& node(const std::string& owner);
  NodeContent& mutable_node(const std::string& owner);
  const RRsetContent* find(const std::string& owner, uint16_t type);
  // The owner's RRsets in the base (empty if none).
  const NodeContent& before(const std::string& owner);
  uint32_t serial();
  // Owners read or changed so far.
  std::vector<std::string> touched() const;
  // True if some owner's RRsets differ from the base.
  bool changed() const;

  // The new snapshot; the edit is spent afterwards.
  std::shared_ptr<const ZoneSnapshot> commit();

 private:
  struct Work {
    NodeContent original;  // as in the base, read once when the owner is first touched
    NodeContent sets;
    uint32_t children = 0;
    bool present_before = false;  // a node in the base (with data, self, or ENT)
    bool present = false;
  };
  Work& load(const std::string& owner);
  bool needed(const std::string& owner, const Work& w) const;
  // Keeps the empty-non-terminal bookkeeping right after `owner` (dis)appeared.
  void settle(const std::string& owner);

  std::shared_ptr<const ZoneSnapshot> base_;
  std::map<std::string, Work> work_;
};

}  // namespace dnsd::zone
