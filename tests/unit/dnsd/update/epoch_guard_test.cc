// The epoch guard, table-driven: every rule of check_epoch_change() and the TXT parsing.
#include "dnsd/update/epoch_guard.h"

#include <gtest/gtest.h>

namespace dnsd::update {
namespace {

std::string txt(std::initializer_list<std::string_view> strings) {
  std::string rd;
  for (auto s : strings) rd.push_back(static_cast<char>(s.size())), rd.append(s);
  return rd;
}

TEST(EpochGuard, ReadsTheEpochString) {
  EXPECT_EQ(epoch_of({txt({"epoch=7", "master=lb1", "by=s1", "drained="})}), 7u);
  EXPECT_EQ(epoch_of({txt({"master=lb1", "epoch=18446744073709551615"})}), UINT64_MAX);
  EXPECT_EQ(epoch_of({txt({"master=lb1"})}), std::nullopt);
  EXPECT_EQ(epoch_of({}), std::nullopt);
  EXPECT_EQ(epoch_of({txt({"epoch="})}), std::nullopt);
  EXPECT_EQ(epoch_of({txt({"epoch=12x"})}), std::nullopt);
  EXPECT_EQ(epoch_of({txt({"epoch=99999999999999999999"})}), std::nullopt);  // overflow
  EXPECT_EQ(epoch_of({std::string("\x09" "epoch=3", 8)}), std::nullopt);  // length past the end
}

struct Case {
  const char* what;
  std::optional<uint64_t> before, after;
  const char* key;
  bool allowed, overridden;
  const char* reason_has;
};

class EpochRules : public ::testing::TestWithParam<Case> {};

TEST_P(EpochRules, Decide) {
  const Case& c = GetParam();
  EpochPolicy policy{1000, {"breakglass."}};
  EpochVerdict v = check_epoch_change(c.before, c.after, c.key, policy);
  EXPECT_EQ(v.allowed, c.allowed) << c.what << ": " << v.reason;
  EXPECT_EQ(v.overridden, c.overridden) << c.what;
  EXPECT_NE(v.reason.find(c.reason_has), std::string::npos) << c.what << ": " << v.reason;
}

INSTANTIATE_TEST_SUITE_P(Table, EpochRules, ::testing::Values(
    Case{"same epoch: sentinel republishing (drain) is not guarded", 5, 5, "lb1.", true, false, ""},
    Case{"no epoch before or after: not sentinel's records", std::nullopt, std::nullopt, "lb1.", true, false, ""},
    Case{"first epoch on a new node", std::nullopt, 412, "lb1.", true, false, ""},
    Case{"next decision: +1", 5, 6, "lb1.", true, false, ""},
    Case{"a sentinel back after many failovers: +1000", 5, 1005, "lb1.", true, false, ""},
    Case{"lowered: an old decision replayed", 6, 5, "lb1.", false, false, "lower the _sentinel epoch from 6 to 5"},
    Case{"removed", 6, std::nullopt, "lb1.", false, false, "remove the _sentinel epoch 6"},
    Case{"an implausible jump that would fence sentinel off", 6, 99999999, "lb1.", false, false, "more than epoch_max_step = 1000"},
    Case{"the break-glass key may jump", 6, 99999999, "breakglass.", true, true, "override key"},
    Case{"the break-glass key may lower", 6, 1, "breakglass.", true, true, "override key"}));

}  // namespace
}  // namespace dnsd::update
