// Copy-on-write zone changes.
#include "dnsd/zone/zone_edit.h"

#include <algorithm>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/zone/shard_builder.h"

namespace dnsd::zone {
namespace {

// Past this many nodes per shard on average, commit() re-shards the whole zone (a zone
// grown by updates): amortized over the updates that grew it, each stays O(shard).
constexpr size_t kMaxAverageShardNodes = 256;
constexpr size_t kTargetShardNodes = 48;

void drop_empty_sets(NodeContent& n) {
  std::erase_if(n, [](const auto& kv) { return kv.second.rdatas.empty(); });
}

bool same_sets(const NodeContent& a, const NodeContent& b) {
  if (a.size() != b.size()) return false;
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
    if (i->first != j->first || !(i->second == j->second)) return false;
  return true;
}

}  // namespace

ZoneEdit::ZoneEdit(std::shared_ptr<const ZoneSnapshot> base) : base_(std::move(base)) {}

ZoneEdit::Work& ZoneEdit::load(const std::string& owner) {
  auto it = work_.find(owner);
  if (it != work_.end()) return it->second;
  Work w;
  if (const ZoneSnapshot::Node* n = base_->find(owner)) {
    base_->node_content(owner, w.original);
    w.sets = w.original;
    w.children = n->children;
    w.present_before = w.present = true;
  }
  return work_.emplace(owner, std::move(w)).first->second;
}

const NodeContent& ZoneEdit::node(const std::string& owner) { return load(owner).sets; }
NodeContent& ZoneEdit::mutable_node(const std::string& owner) { return load(owner).sets; }

const RRsetContent* ZoneEdit::find(const std::string& owner, uint16_t type) {
  const NodeContent& n = node(owner);
  auto it = n.find(type);
  return it == n.end() || it->second.rdatas.empty() ? nullptr : &it->second;
}

const NodeContent& ZoneEdit::before(const std::string& owner) { return load(owner).original; }

uint32_t ZoneEdit::serial() {
  const RRsetContent* soa = find(origin(), wire::type::SOA);
  SoaFields f;
  return soa && parse_soa(soa->rdatas.front(), f) ? f.serial : 0;
}

std::vector<std::string> ZoneEdit::touched() const {
  std::vector<std::string> out;
  out.reserve(work_.size());
  for (const auto& [owner, w] : work_) out.push_back(owner);
  return out;
}

bool ZoneEdit::changed() const {
  for (const auto& [owner, w] : work_) {
    NodeContent now = w.sets;
    drop_empty_sets(now);
    if (!same_sets(now, w.original)) return true;
  }
  return false;
}

bool ZoneEdit::needed(const std::string& owner, const Work& w) const {
  return !w.sets.empty() || w.children > 0 || owner == origin() ||
         (base_->self() && base_->self()->is_owner(owner));
}

void ZoneEdit::settle(const std::string& owner) {
  Work& w = load(owner);
  bool need = needed(owner, w);
  if (need == w.present) return;
  w.present = need;
  if (owner.size() <= origin().size()) return;  // the apex has no parent in the zone
  std::string parent = owner.substr(1u + static_cast<uint8_t>(owner[0]));
  Work& p = load(parent);
  if (need) ++p.children;
  else if (p.children > 0) --p.children;
  settle(parent);
}

std::shared_ptr<const ZoneSnapshot> ZoneEdit::commit() {
  for (auto& [owner, w] : work_) drop_empty_sets(w.sets);
  for (const std::string& owner : touched()) settle(owner);

  // The owners whose node changes (data, presence or child count), by name.
  std::map<std::string_view, const Work*> changed;
  for (const auto& [owner, w] : work_) {
    if (!w.present && !w.present_before) continue;
    const ZoneSnapshot::Node* old = base_->find(owner);
    bool same = w.present == w.present_before && old && old->children == w.children &&
                same_sets(w.sets, w.original);
    if (!same) changed.emplace(owner, &w);
  }
  const auto& old_shards = base_->shards();
  size_t old_count = old_shards.size();
  size_t new_count = old_count;
  if (base_->node_count() + changed.size() > old_count * kMaxAverageShardNodes) {
    while (new_count * kTargetShardNodes < base_->node_count() + changed.size()) new_count <<= 1;
  }
  std::vector<std::vector<std::pair<std::string_view, const Work*>>> by_shard(new_count);
  for (const auto& [owner, w] : changed)
    by_shard[name_hash(owner.data(), owner.size()) & (new_count - 1)].emplace_back(owner, w);

  std::vector<ZoneSnapshot::ShardPtr> shards(new_count);
  const SelfSpec* self = base_->self().get();
  ShardBuilder out(origin());
  for (size_t j = 0; j < new_count; ++j) {
    if (new_count == old_count && by_shard[j].empty()) {
      shards[j] = old_shards[j];  // untouched: shared with the base
      continue;
    }
    const ZoneSnapshot::Shard& src = *old_shards[j & (old_count - 1)];
    for (uint32_t i = 0; i < src.node_count; ++i) {
      const ZoneSnapshot::Node& n = src.nodes()[i];
      std::string name = base_->full_name(n);
      if (new_count != old_count && (name_hash(name.data(), name.size()) & (new_count - 1)) != j) continue;
      if (changed.count(name)) continue;
      out.begin_node(name, n.children, (n.flags & ZoneSnapshot::kSelf) != 0);
      const ZoneSnapshot::RRset* sets = ZoneSnapshot::rrsets_begin(n);
      for (uint16_t k = 0; k < n.rrset_count; ++k) out.copy_set(sets[k]);
    }
    for (const auto& [name, w] : by_shard[j]) {
      if (!w->present) continue;
      bool is_self = self && self->is_owner(name);
      out.begin_node(name, w->children, is_self);
      out.add_content(w->sets, is_self ? self : nullptr);
    }
    shards[j] = out.finish();
  }
  work_.clear();
  return std::make_shared<const ZoneSnapshot>(base_->origin(), base_->self(), std::move(shards));
}

}  // namespace dnsd::zone
