// `sentinel drain --wait`: reading the delegation from the status JSON, and the settle time.
#include <gtest/gtest.h>

#include "sentinel/cli/drain_wait.h"

namespace sentinel::cli {
namespace {
using nlohmann::json;

struct ViewCase {
  const char* name;
  json status;
  const char* ns;
  DelegationView want;
};

class DelegationViewTest : public ::testing::TestWithParam<ViewCase> {};

TEST_P(DelegationViewTest, SaysWhetherTheReadBackDelegationNamesTheNode) {
  EXPECT_EQ(delegation_names(GetParam().status, GetParam().ns), GetParam().want);
}

json status_with(json ns) {
  return {{"epoch", 3}, {"delegation", {{"zone", "example.test."}, {"ns", ns}, {"in_sync", true}}}};
}

INSTANTIATE_TEST_SUITE_P(
    Views, DelegationViewTest,
    ::testing::Values(
        ViewCase{"still_named", status_with({"ns1.example.test.", "ns2.example.test."}),
                 "ns2.example.test", DelegationView::Names},
        ViewCase{"gone", status_with({"ns1.example.test.", "ns3.example.test."}),
                 "ns2.example.test", DelegationView::Gone},
        ViewCase{"case_and_final_dot", status_with({"NS2.Example.Test"}), "ns2.example.test.",
                 DelegationView::Names},
        ViewCase{"a_longer_name_is_not_it", status_with({"ns2.example.test.eu."}),
                 "ns2.example.test", DelegationView::Gone},
        ViewCase{"not_read_back_yet", status_with(nullptr), "ns2.example.test",
                 DelegationView::Unknown},
        ViewCase{"no_parent_section", {{"epoch", 3}, {"delegation", nullptr}}, "ns2.example.test",
                 DelegationView::Unknown},
        ViewCase{"older_sentinel", {{"epoch", 3}}, "ns2.example.test", DelegationView::Unknown},
        ViewCase{"not_an_object", json::array(), "ns2.example.test", DelegationView::Unknown}),
    [](const auto& info) { return std::string(info.param.name); });

struct SettleCase {
  uint32_t ns_ttl;
  uint32_t want;
};

class SettleTest : public ::testing::TestWithParam<SettleCase> {};

TEST_P(SettleTest, IsTheTtlButAtLeastKnotResolversMinimumPlusOne) {
  EXPECT_EQ(resolver_settle_seconds(GetParam().ns_ttl), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(Ttls, SettleTest,
                         ::testing::Values(SettleCase{0, 6}, SettleCase{1, 6}, SettleCase{5, 6},
                                           SettleCase{10, 11}, SettleCase{60, 61}));

}  // namespace
}  // namespace sentinel::cli
