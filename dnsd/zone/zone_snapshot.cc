// ZoneSnapshot: zone facts and the slow-path readers.
#include "dnsd/zone/zone_snapshot.h"

#include <algorithm>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::zone {

bool SelfSpec::is_owner(std::string_view owner) const {
  return std::find(owners.begin(), owners.end(), owner) != owners.end();
}

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

ZoneSnapshot::ZoneSnapshot(std::string origin, std::shared_ptr<const SelfSpec> self,
                           std::vector<ShardPtr> shards)
    : origin_(std::move(origin)), self_(std::move(self)), shards_(std::move(shards)) {
  shard_mask_ = shards_.size() - 1;  // a power of two, at least one
  for (const ShardPtr& s : shards_) node_count_ += s->node_count;
  apex_labels_ = wire::count_labels(origin_);
  const Node* apex = apex_node_ = find(origin_);
  soa_ = apex ? rrset(*apex, wire::type::SOA) : nullptr;
  if (soa_ && soa_->count > 0) {
    std::vector<std::string> rd = rdatas(*soa_);
    SoaFields f;
    if (parse_soa(rd.front(), f)) {
      serial_ = f.serial;
      negative_ttl_ = std::min(soa_->ttl, f.minimum);  // RFC 2308 5
    }
  }
  static const std::string kSentinel = std::string("\x09_sentinel", 10);
  if (self_ && !self_->node_name.empty()) {
    if (const Node* n = find(kSentinel + origin_)) {
      if (const RRset* txt = rrset(*n, wire::type::TXT)) {
        RRsetContent c;
        c.rdatas = rdatas(*txt);
        self_refused_ = drained_in_sentinel_txt(c, self_->node_name);
      }
    }
  }
}

std::vector<std::string> ZoneSnapshot::rdatas(const RRset& set) {
  std::vector<std::string> out;
  out.reserve(set.count);
  const uint8_t* p = rdata(set);
  for (uint16_t i = 0; i < set.count; ++i) {
    uint16_t len = static_cast<uint16_t>(p[0] << 8 | p[1]);
    out.emplace_back(reinterpret_cast<const char*>(p + 2), len);
    p += 2u + len;
  }
  return out;
}

namespace {

void read_node(const ZoneSnapshot::Node& n, NodeContent& out) {
  out.clear();
  const ZoneSnapshot::RRset* sets = ZoneSnapshot::rrsets_begin(n);
  for (uint16_t i = 0; i < n.rrset_count; ++i) {
    if (ZoneSnapshot::is_self_set(n, sets[i])) continue;
    RRsetContent& c = out[sets[i].type];
    c.ttl = sets[i].ttl;
    c.rdatas = ZoneSnapshot::rdatas(sets[i]);
  }
}

}  // namespace

bool ZoneSnapshot::node_content(std::string_view owner, NodeContent& out) const {
  out.clear();
  const Node* n = find(owner);
  if (!n) return false;
  read_node(*n, out);
  return !out.empty();
}

void ZoneSnapshot::for_each_node(
    const std::function<void(std::string_view owner, const NodeContent&)>& fn) const {
  NodeContent node;
  for (const ShardPtr& s : shards_) {
    for (uint32_t i = 0; i < s->node_count; ++i) {
      read_node(s->nodes()[i], node);
      if (!node.empty()) fn(full_name(s->nodes()[i]), node);
    }
  }
}

ZoneContent ZoneSnapshot::to_content() const {
  ZoneContent c;
  c.origin = origin_;
  for_each_node([&](std::string_view owner, const NodeContent& node) { c.nodes[std::string(owner)] = node; });
  return c;
}

}  // namespace dnsd::zone
