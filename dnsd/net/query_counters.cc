// Per-worker query counters: lazily allocated zone blocks, summed by the scrape.
#include "dnsd/net/query_counters.h"

namespace dnsd::net {

QueryCounters::~QueryCounters() {
  for (auto& b : blocks_) delete b.load(std::memory_order_relaxed);
}

QueryCounters::Block* QueryCounters::allocate(size_t slot) {
  auto* b = new Block();
  // Release: a scrape that sees the pointer sees the zeroed block.
  blocks_[slot].store(b, std::memory_order_release);
  return b;
}

void QueryCounters::add_to(std::vector<ZoneCells>& totals) const {
  for (size_t slot = 0; slot < kSlots; ++slot) {
    const Block* b = blocks_[slot].load(std::memory_order_acquire);
    if (!b) continue;
    if (totals.size() <= slot) totals.resize(slot + 1, ZoneCells{});
    for (size_t i = 0; i < kCellsPerZone; ++i)
      totals[slot][i] += b->cells[i].load(std::memory_order_relaxed);
  }
}

}  // namespace dnsd::net
