// `sentinel status` check wording from the status JSON, table-driven.
#include <gtest/gtest.h>

#include "sentinel/cli/client_format.h"

namespace sentinel::cli {
namespace {
using nlohmann::json;

struct CheckTextCase {
  const char* name;
  json check;
  const char* want;
};

class CheckTextTest : public ::testing::TestWithParam<CheckTextCase> {};

TEST_P(CheckTextTest, ShowsTheWordingAndHowLongTheStateHasLasted) {
  EXPECT_EQ(check_text(GetParam().check), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Checks, CheckTextTest,
    ::testing::Values(
        CheckTextCase{"failing",
                      {{"type", "dns"}, {"name", "dns"}, {"state", "up"},
                       {"summary", "up, failing 1 of 2 (connection refused)"}, {"for_ms", 185000}},
                      "dns up, failing 1 of 2 (connection refused) for 3m"},
        CheckTextCase{"second_http",
                      {{"type", "http"}, {"name", "http_2"}, {"state", "down"},
                       {"summary", "down, recovering 1 of 2"}, {"for_ms", 4000}},
                      "http_2 down, recovering 1 of 2 for 4s"},
        CheckTextCase{"no_result_yet",
                      {{"type", "tcp"}, {"name", "tcp"}, {"state", "unknown"},
                       {"summary", "deciding, no result yet"}, {"for_ms", nullptr}},
                      "tcp deciding, no result yet"},
        CheckTextCase{"older_sentinel",
                      {{"type", "dns"}, {"state", "up"}, {"detail", "SOA serial 7, AA"}},
                      "dns up (SOA serial 7, AA)"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(FormatStatus, ChecksAreSeparatedBySemicolons) {
  json status = {{"zone", "api.example.test."}, {"epoch", 1}, {"master", "lb1"},
                 {"nodes", json::array({{{"name", "lb1"}, {"role", "master"}, {"health", "up"},
                                         {"in_service", true},
                                         {"checks", json::array({
                                              {{"name", "dns"}, {"summary", "up (SOA serial 7, AA)"}, {"for_ms", 1000}},
                                              {{"name", "http"}, {"summary", "up (HTTP 200)"}, {"for_ms", 1000}},
                                          })}}})}};
  std::string text = format_reply("status", "", status);
  EXPECT_NE(text.find("dns up (SOA serial 7, AA) for 1s; http up (HTTP 200) for 1s"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace sentinel::cli
