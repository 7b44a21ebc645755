// The diff of a push and its split into fenced updates that each fit one DNS message.
#include "sentinel/records/update_plan.h"

#include <algorithm>
#include <deque>
#include <map>

namespace sentinel::records {
namespace {

using Key = RecordSet::Key;

// `from` restricted to `keys` (rdatas, TTLs, shared and master_rrsets entries).
RecordSet subset(const RecordSet& from, const std::vector<Key>& keys) {
  RecordSet out;
  out.ttl = from.ttl;
  for (const auto& k : keys) {
    auto it = from.rrsets.find(k);
    if (it == from.rrsets.end()) continue;
    out.rrsets.insert(*it);
    if (auto t = from.ttls.find(k); t != from.ttls.end()) out.ttls.insert(*t);
    if (auto s = from.shared.find(k); s != from.shared.end()) out.shared.insert(*s);
    if (from.master_rrsets.count(k)) out.master_rrsets.insert(k);
  }
  return out;
}

bool is_sentinel_txt(const Key& k) {
  return k.second == "TXT" && k.first.rfind("_sentinel.", 0) == 0;
}

std::string rrset_name(const Key& k) { return k.first + " " + k.second; }

}  // namespace

RecordSet changed_rrsets(const RecordSet& served, const std::set<Key>& wrong_ttl,
                         const RecordSet& desired) {
  std::vector<Key> keys;
  for (const auto& [k, want] : desired.rrsets) {
    auto it = served.rrsets.find(k);
    bool same = (it == served.rrsets.end() ? want.empty() : it->second == want) &&
                !wrong_ttl.count(k);
    if (!same || is_sentinel_txt(k)) keys.push_back(k);
  }
  return subset(desired, keys);
}

std::vector<RecordSet> split_update(const RecordSet& changed, size_t limit,
                                    const UpdateSizer& size_of, std::string& error) {
  if (size_of(changed) <= limit) return {changed};
  std::vector<Key> master, rest;
  for (const auto& [k, rdatas] : changed.rrsets)
    (changed.master_rrsets.count(k) ? master : rest).push_back(k);
  RecordSet last = subset(changed, master);
  if (size_t n = size_of(last); n > limit) {
    error = "the RRsets that name the master (master, SRV, _sentinel) need " +
            std::to_string(n) + " bytes, over the " + std::to_string(limit) +
            " one update can carry: they cannot be split";
    return {};
  }
  // Packed in key order by each RRset's size alone (an estimate: a message that holds
  // more names compresses better, but past 16 KiB a name cannot be pointed to), then each
  // part is measured whole; one that is too large keeps its longest prefix that fits and
  // the rest moves on to the next part.
  size_t base = size_of(RecordSet{});
  std::map<Key, size_t> cost;
  std::vector<std::vector<Key>> parts;
  size_t used = 0;
  for (const auto& k : rest) {
    size_t n = size_of(subset(changed, {k}));
    if (n > limit) {
      error = rrset_name(k) + " alone needs " + std::to_string(n) + " bytes, over the " +
              std::to_string(limit) + " one update can carry";
      return {};
    }
    cost[k] = n - std::min(n, base);
    if (parts.empty() || used + cost[k] > limit) {
      parts.emplace_back();
      used = base;
    }
    parts.back().push_back(k);
    used += cost[k];
  }
  std::vector<RecordSet> out;
  std::deque<Key> carry;
  for (size_t i = 0; i < parts.size() || !carry.empty(); ++i) {
    std::vector<Key> keys(carry.begin(), carry.end());
    carry.clear();
    if (i < parts.size()) keys.insert(keys.end(), parts[i].begin(), parts[i].end());
    if (size_of(subset(changed, keys)) > limit) {
      // The longest prefix that fits, by bisection (one RRset alone always fits).
      size_t lo = 1, hi = keys.size() - 1;
      while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        std::vector<Key> prefix(keys.begin(), keys.begin() + static_cast<long>(mid));
        if (size_of(subset(changed, prefix)) <= limit) lo = mid;
        else hi = mid - 1;
      }
      carry.insert(carry.begin(), keys.begin() + static_cast<long>(lo), keys.end());
      keys.resize(lo);
    }
    out.push_back(subset(changed, keys));
  }
  if (!last.rrsets.empty()) out.push_back(std::move(last));
  return out;
}

}  // namespace sentinel::records
