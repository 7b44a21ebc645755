// Queries answered by one worker, by zone, qtype, rcode and transport. Each worker writes
// only its own counters (a relaxed load and store, no read-modify-write), the metrics
// scrape sums every worker's. Zones are counted by their stats slot (zone::ZoneEntry),
// qtypes and rcodes by a small fixed set each, so one zone's block has a fixed size.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace dnsd::net {

// Adds to a counter only its own thread writes: no locked instruction on the query path.
inline void bump(std::atomic<uint64_t>& c, uint64_t n = 1) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

namespace query_labels {
// The qtypes counted on their own; anything else is "other" (the last index).
inline constexpr std::array<std::pair<uint16_t, std::string_view>, 15> kQtypes{{
    {1, "A"}, {28, "AAAA"}, {2, "NS"}, {6, "SOA"}, {33, "SRV"}, {16, "TXT"}, {5, "CNAME"},
    {15, "MX"}, {12, "PTR"}, {257, "CAA"}, {255, "ANY"}, {43, "DS"}, {48, "DNSKEY"},
    {65, "HTTPS"}, {64, "SVCB"}}};
inline constexpr size_t kQtypeCount = kQtypes.size() + 1;
// The rcodes the workers answer with; anything else is "other".
inline constexpr std::array<std::pair<uint16_t, std::string_view>, 7> kRcodes{{
    {0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"}, {4, "NOTIMP"},
    {5, "REFUSED"}, {16, "BADVERS"}}};
inline constexpr size_t kRcodeCount = kRcodes.size() + 1;
inline constexpr size_t kTransportCount = 2;  // udp, tcp

inline size_t qtype_index(uint16_t qtype) {
  for (size_t i = 0; i < kQtypes.size(); ++i)
    if (kQtypes[i].first == qtype) return i;
  return kQtypes.size();
}
inline size_t rcode_index(uint16_t rcode) {
  for (size_t i = 0; i < kRcodes.size(); ++i)
    if (kRcodes[i].first == rcode) return i;
  return kRcodes.size();
}
inline std::string_view qtype_label(size_t i) { return i < kQtypes.size() ? kQtypes[i].second : "other"; }
inline std::string_view rcode_label(size_t i) { return i < kRcodes.size() ? kRcodes[i].second : "other"; }
inline std::string_view transport_label(size_t i) { return i == 0 ? "udp" : "tcp"; }
}  // namespace query_labels

// Counts of one zone slot: [qtype][rcode][transport], flattened.
inline constexpr size_t kCellsPerZone =
    query_labels::kQtypeCount * query_labels::kRcodeCount * query_labels::kTransportCount;
inline size_t cell_index(size_t qtype_i, size_t rcode_i, size_t transport_i) {
  return (qtype_i * query_labels::kRcodeCount + rcode_i) * query_labels::kTransportCount + transport_i;
}

using ZoneCells = std::array<uint64_t, kCellsPerZone>;

class QueryCounters {
 public:
  // Slot 0 counts queries outside every zone (and zones past the last slot).
  static constexpr size_t kSlots = 256;

  QueryCounters() = default;
  ~QueryCounters();
  QueryCounters(const QueryCounters&) = delete;
  QueryCounters& operator=(const QueryCounters&) = delete;

  // The owning worker only. A slot's block is allocated on its first query.
  void count(uint16_t slot, uint16_t qtype, uint16_t rcode, bool tcp) {
    Block* b = blocks_[slot < kSlots ? slot : 0].load(std::memory_order_relaxed);
    if (!b) b = allocate(slot < kSlots ? slot : 0);
    bump(b->cells[cell_index(query_labels::qtype_index(qtype), query_labels::rcode_index(rcode),
                             tcp ? 1 : 0)]);
  }

  // Any thread: adds this worker's counts into `totals` (indexed by slot, grown as needed).
  void add_to(std::vector<ZoneCells>& totals) const;

 private:
  struct Block {
    std::atomic<uint64_t> cells[kCellsPerZone]{};
  };
  Block* allocate(size_t slot);
  std::atomic<Block*> blocks_[kSlots]{};
};

}  // namespace dnsd::net
