// StatsSlots: a zone keeps its counter slot by name (a reload that reorders the zones
// moves no counts); slot 0 is "no zone", also for zones past the capacity.
#include "dnsd/zone/stats_slots.h"

#include <gtest/gtest.h>

namespace dnsd::zone {
namespace {

TEST(StatsSlots, SlotsAreStableByNameAndNeverReused) {
  StatsSlots slots(4);  // slot 0 + three zones
  EXPECT_EQ(slots.slot_for("a.example."), 1);
  EXPECT_EQ(slots.slot_for("b.example."), 2);
  EXPECT_EQ(slots.slot_for("a.example."), 1);  // a reload in another order
  EXPECT_EQ(slots.slot_for("c.example."), 3);
  EXPECT_EQ(slots.slot_for("d.example."), 0);  // full: counted as "other"
  EXPECT_EQ(slots.slot_for("b.example."), 2);
  EXPECT_EQ(slots.names(), (std::vector<std::string>{"a.example.", "b.example.", "c.example."}));
}

}  // namespace
}  // namespace dnsd::zone
