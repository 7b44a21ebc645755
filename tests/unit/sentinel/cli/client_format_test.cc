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

TEST(FormatStatus, TheDelegationAsLastReadBack) {
  json base = {{"zone", "api.example.test."}, {"epoch", 1}, {"master", "lb1"},
               {"nodes", json::array()}};
  EXPECT_EQ(format_reply("status", "", base).find("delegation"), std::string::npos);
  json s = base;
  s["delegation"] = {{"zone", "example.test."}, {"ns", {"lb1.api.example.test.", "lb2.api.example.test."}},
                     {"glue", {{"lb1.api.example.test.", {"192.0.2.1"}}}}, {"status", "refused"},
                     {"in_sync", false}, {"detail", "127.0.0.10:53 answered the update NOTAUTH"}};
  std::string text = format_reply("status", "", s);
  EXPECT_NE(text.find("delegation by example.test.: ns lb1.api.example.test. lb2.api.example.test. "
                      "(127.0.0.10:53 answered the update NOTAUTH)"),
            std::string::npos) << text;
  EXPECT_NE(text.find("  glue lb1.api.example.test. 192.0.2.1"), std::string::npos) << text;
  s["delegation"]["in_sync"] = true;
  EXPECT_NE(format_reply("status", "", s).find("(in sync)"), std::string::npos);
  s["delegation"] = {{"zone", "example.test."}, {"ns", nullptr}, {"status", nullptr}};
  EXPECT_NE(format_reply("status", "", s).find("delegation by example.test.: not read yet"),
            std::string::npos);
}

}  // namespace
}  // namespace sentinel::cli
