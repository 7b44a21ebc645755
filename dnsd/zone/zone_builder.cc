// Flat records -> ZoneSnapshot.
#include "dnsd/zone/zone_builder.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/shard_builder.h"

namespace dnsd::zone {
namespace {

constexpr size_t kRecordsPerShard = 48;

// The parent of a wire name ("\3www\7example\0" -> "\7example\0").
std::string_view parent_of(std::string_view name) {
  return name.substr(std::min(name.size(), 1u + static_cast<size_t>(static_cast<uint8_t>(name[0]))));
}

}  // namespace

void ZoneBuilder::add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata,
                      int line) {
  Rec r{};
  // Master files list an owner's records together: store the name once for the run.
  if (!recs_.empty() && this->owner(recs_.back()) == owner) {
    r.owner_offset = recs_.back().owner_offset;
  } else {
    r.owner_offset = static_cast<uint32_t>(arena_.size());
    arena_.append(owner.substr(0, 255));
  }
  r.owner_length = static_cast<uint8_t>(std::min<size_t>(owner.size(), 255));
  r.rdata_offset = static_cast<uint32_t>(arena_.size());
  r.rdata_length = static_cast<uint16_t>(std::min<size_t>(rdata.size(), 65535));
  arena_.append(rdata.substr(0, r.rdata_length));
  r.ttl = ttl;
  r.line = line;
  r.type = type;
  recs_.push_back(r);
  sealed_ = false;
}

void ZoneBuilder::add_content(const ZoneContent& content) {
  for (const auto& [owner, node] : content.nodes)
    for (const auto& [type, set] : node)
      for (const std::string& rd : set.rdatas) add(owner, type, set.ttl, rd, set.line);
}

size_t ZoneBuilder::shard_of(std::string_view name) const {
  return name_hash(name.data(), name.size()) & (shard_count_ - 1);
}

void ZoneBuilder::seal() {
  shard_count_ = 1;
  while (shard_count_ * kRecordsPerShard < recs_.size()) shard_count_ <<= 1;
  // Counting sort by shard, rewriting records and arena in that order: every later pass
  // (and the per-shard sorts) then reads memory sequentially instead of jumping around a
  // zone-sized array, which is what dominates a million-name load otherwise.
  std::vector<uint32_t> shard(recs_.size());
  shard_start_.assign(shard_count_ + 1, 0);
  for (size_t i = 0; i < recs_.size(); ++i) {
    bool same = i > 0 && recs_[i].owner_offset == recs_[i - 1].owner_offset;
    shard[i] = same ? shard[i - 1] : static_cast<uint32_t>(shard_of(owner(recs_[i])));
    ++shard_start_[shard[i] + 1];
  }
  for (size_t s = 0; s < shard_count_; ++s) shard_start_[s + 1] += shard_start_[s];
  std::vector<uint32_t> order(recs_.size());
  std::vector<uint32_t> fill(shard_start_.begin(), shard_start_.end() - 1);
  for (size_t i = 0; i < recs_.size(); ++i) order[fill[shard[i]]++] = static_cast<uint32_t>(i);
  std::vector<uint32_t>().swap(shard);
  std::vector<Rec> recs;
  recs.reserve(recs_.size());
  std::string arena;
  arena.reserve(arena_.size());
  for (size_t k = 0; k < order.size(); ++k) {
    Rec r = recs_[order[k]];
    if (k > 0 && recs_[order[k - 1]].owner_offset == r.owner_offset) {
      r.owner_offset = recs.back().owner_offset;
    } else {
      r.owner_offset = static_cast<uint32_t>(arena.size());
      arena.append(arena_, recs_[order[k]].owner_offset, r.owner_length);
    }
    size_t rd = arena.size();
    arena.append(arena_, recs_[order[k]].rdata_offset, r.rdata_length);
    r.rdata_offset = static_cast<uint32_t>(rd);
    r.arrival = order[k];
    recs.push_back(r);
  }
  recs_.swap(recs);
  arena_.swap(arena);
  std::vector<Rec>().swap(recs);
  std::string().swap(arena);
  auto less = [&](const Rec& x, const Rec& y) {
    if (x.owner_offset != y.owner_offset) {
      int c = owner(x).compare(owner(y));
      if (c != 0) return c < 0;
    }
    if (x.type != y.type) return x.type < y.type;
    return x.arrival < y.arrival;
  };
  for (size_t s = 0; s < shard_count_; ++s)
    std::sort(recs_.begin() + shard_start_[s], recs_.begin() + shard_start_[s + 1], less);
  // Duplicates, per (owner, type) group.
  for (size_t i = 0; i < recs_.size();) {
    size_t j = i + 1;
    while (j < recs_.size() && recs_[j].type == recs_[i].type && owner(recs_[j]) == owner(recs_[i])) ++j;
    mark_duplicates(i, j);
    i = j;
  }
  sealed_ = true;
}

void ZoneBuilder::mark_duplicates(size_t first, size_t last) {
  for (size_t i = first; i < last; ++i) recs_[i].duplicate = false;
  if (last - first < 2) return;
  if (last - first <= 16) {
    for (size_t i = first + 1; i < last; ++i)
      for (size_t k = first; k < i; ++k)
        if (rdata(recs_[k]) == rdata(recs_[i])) {
          recs_[i].duplicate = true;
          break;
        }
    return;
  }
  std::unordered_set<std::string_view> seen;
  for (size_t i = first; i < last; ++i)
    if (!seen.insert(rdata(recs_[i])).second) recs_[i].duplicate = true;
}

std::pair<size_t, size_t> ZoneBuilder::owner_range(std::string_view name) const {
  if (!sealed_ || recs_.empty()) return {0, 0};
  size_t s = shard_of(name);
  auto begin = recs_.begin() + shard_start_[s], end = recs_.begin() + shard_start_[s + 1];
  auto lo = std::lower_bound(begin, end, name, [&](const Rec& r, std::string_view n) { return owner(r) < n; });
  auto hi = std::upper_bound(lo, end, name, [&](std::string_view n, const Rec& r) { return n < owner(r); });
  return {static_cast<size_t>(lo - recs_.begin()), static_cast<size_t>(hi - recs_.begin())};
}

int ZoneBuilder::line_of(std::string_view name, uint16_t type) const {
  auto [lo, hi] = owner_range(name);
  for (size_t i = lo; i < hi; ++i)
    if (recs_[i].type == type) return recs_[i].line;
  return -1;
}

void ZoneBuilder::check_rules(const std::string& file, common::ErrorList& errors) const {
  std::string origin_text = wire::name_to_text(origin_);
  std::vector<common::ConfigError> found;  // reported in line order
  auto add = [&](int line, std::string reason) { found.push_back({file, line, "", "", std::move(reason)}); };
  auto [alo, ahi] = owner_range(origin_);
  size_t soa_count = 0, ns_count = 0;
  int soa_line = 0;
  std::string_view soa_rdata;
  for (size_t i = alo; i < ahi; ++i) {
    const Rec& r = recs_[i];
    if (r.duplicate) continue;
    if (r.type == wire::type::SOA && soa_count++ == 0) soa_line = r.line, soa_rdata = rdata(r);
    if (r.type == wire::type::NS) ++ns_count;
  }
  if (soa_count == 0) {
    errors.add(file, 0, "", "", "zone " + origin_text + " has no SOA record at its apex");
  } else {
    SoaFields f;
    if (soa_count != 1) add(soa_line, "more than one SOA record");
    else if (!parse_soa(std::string(soa_rdata), f)) add(soa_line, "malformed SOA");
  }
  if (ns_count == 0) errors.add(file, 0, "", "", "zone " + origin_text + " has no NS records at its apex");

  for (size_t i = 0; i < recs_.size();) {
    std::string_view name = owner(recs_[i]);
    size_t j = i;
    int cname_line = -1, other_line = -1, soa_here = -1;
    size_t cnames = 0;
    for (; j < recs_.size() && owner(recs_[j]) == name; ++j) {
      const Rec& r = recs_[j];
      if (r.duplicate) continue;
      if (r.type == wire::type::CNAME) {
        if (cnames++ == 0) cname_line = r.line;
      } else if (r.type != wire::type::RRSIG && r.type != wire::type::NSEC && other_line < 0) {
        other_line = r.line;
      }
      if (r.type == wire::type::SOA && soa_here < 0) soa_here = r.line;
    }
    i = j;
    if (cnames == 0) {
      if (soa_here >= 0 && name != origin_) add(soa_here, "SOA record below the apex");
      continue;
    }
    if (cnames > 1) add(cname_line, wire::name_to_text(name) + " has more than one CNAME record");
    if (name == origin_) add(cname_line, "CNAME at the zone apex");
    if (other_line >= 0)
      add(other_line, wire::name_to_text(name) + " has a CNAME and other data (RFC 1034 3.6.2)");
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.line < b.line; });
  for (auto& e : found) errors.add(std::move(e));
}

std::shared_ptr<const ZoneSnapshot> ZoneBuilder::build(std::shared_ptr<const SelfSpec> self) const {
  static const SelfSpec kNoSelf;
  const SelfSpec& spec = self ? *self : kNoSelf;
  // Names without records: self owners the file lacks, and the empty non-terminals
  // (RFC 4592 2.2.2: every ancestor of an owner, down from the apex, exists).
  std::unordered_set<std::string> extra;
  auto exists = [&](std::string_view n) {
    auto [lo, hi] = owner_range(n);
    return lo != hi || extra.count(std::string(n)) != 0;
  };
  auto add_with_ancestors = [&](std::string_view n) {
    while (n.size() >= origin_.size() && !exists(n)) {
      extra.insert(std::string(n));
      if (n.size() == origin_.size()) break;
      n = parent_of(n);
    }
  };
  for (const std::string& o : spec.owners) add_with_ancestors(o);
  add_with_ancestors(origin_);
  for (size_t i = 0; i < recs_.size(); ++i) {
    std::string_view n = owner(recs_[i]);
    if (i > 0 && owner(recs_[i - 1]) == n) continue;
    if (n.size() > origin_.size()) add_with_ancestors(parent_of(n));
  }
  std::unordered_map<std::string_view, uint32_t> children;
  auto count_child = [&](std::string_view n) {
    if (n.size() > origin_.size()) ++children[parent_of(n)];
  };
  for (size_t i = 0; i < recs_.size(); ++i) {
    std::string_view n = owner(recs_[i]);
    if (i == 0 || owner(recs_[i - 1]) != n) count_child(n);
  }
  for (const std::string& n : extra) count_child(n);
  auto children_of = [&](std::string_view n) {
    auto it = children.find(n);
    return it == children.end() ? 0u : it->second;
  };
  std::vector<std::vector<std::string_view>> extra_by_shard(shard_count_);
  for (const std::string& n : extra) extra_by_shard[shard_of(n)].push_back(n);

  std::vector<ZoneSnapshot::ShardPtr> shards(shard_count_);
  ShardBuilder out(origin_);
  for (size_t s = 0; s < shard_count_; ++s) {
    size_t end = recs_.empty() ? 0 : shard_start_[s + 1];
    for (size_t i = recs_.empty() ? 0 : shard_start_[s]; i < end;) {
      std::string_view name = owner(recs_[i]);
      bool is_self = spec.is_owner(name);
      out.begin_node(name, children_of(name), is_self);
      uint16_t type = 0;
      bool open = false;
      for (; i < end && owner(recs_[i]) == name; ++i) {
        const Rec& r = recs_[i];
        if (r.duplicate) continue;
        if (is_self && (r.type == wire::type::A || r.type == wire::type::AAAA)) continue;  // self wins
        if (!open || r.type != type) out.add_set(r.type, r.ttl), type = r.type, open = true;
        out.add_rdata(rdata(r));
      }
      if (is_self) out.add_self_sets(spec);
    }
    for (std::string_view name : extra_by_shard[s]) {
      bool is_self = spec.is_owner(name);
      out.begin_node(name, children_of(name), is_self);
      if (is_self) out.add_self_sets(spec);
    }
    shards[s] = out.finish();
  }
  return std::make_shared<const ZoneSnapshot>(origin_, std::move(self), std::move(shards));
}

std::shared_ptr<const ZoneSnapshot> build_snapshot(const ZoneContent& content,
                                                   std::shared_ptr<const SelfSpec> self) {
  ZoneBuilder b(content.origin);
  b.add_content(content);
  b.seal();
  return b.build(std::move(self));
}

}  // namespace dnsd::zone
