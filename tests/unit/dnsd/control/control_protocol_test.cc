// The request line: what is accepted, what is refused and with which reason.
#include "dnsd/control/control_protocol.h"

#include <gtest/gtest.h>

namespace dnsd::control {
namespace {

TEST(ControlProtocol, RoundTripsEveryCommand) {
  for (const auto& c : commands()) {
    SCOPED_TRACE(c.name);
    Request r{std::string(c.name), std::vector<std::string>(c.min_args, "example.com")};
    std::string error;
    auto back = decode_request(encode_request(r), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->command, r.command);
    EXPECT_EQ(back->args, r.args);
  }
}

TEST(ControlProtocol, RefusesBadRequestsWithAReason) {
  struct Case {
    std::string line, error;
  } cases[] = {
      {"", "not a JSON object: send {\"command\": \"status\", \"args\": []}"},
      {"garbage", "not a JSON object: send {\"command\": \"status\", \"args\": []}"},
      {"\xff\xfe", "not a JSON object: send {\"command\": \"status\", \"args\": []}"},
      {"[1, 2]", "not a JSON object: send {\"command\": \"status\", \"args\": []}"},
      {"{\"command\": 1}", "\"command\" must be a string"},
      {"{\"args\": []}", "\"command\" must be a string"},
      {"{\"command\": \"zone\", \"args\": \"x\"}", "\"args\" must be a list of strings"},
      {"{\"command\": \"zone\", \"args\": [1]}", "\"args\" must be a list of strings"},
      {"{\"command\": \"nope\"}",
       "unknown command \"nope\" (commands: status, zones, zone ZONE, stats, reload [ZONE], "
       "journal ZONE)"},
      {"{\"command\": \"status\", \"args\": [\"x\"]}", "status takes no arguments"},
      {"{\"command\": \"zone\"}", "usage: zone ZONE"},
      {"{\"command\": \"reload\", \"args\": [\"a\", \"b\"]}", "usage: reload [ZONE]"},
      {std::string(kMaxRequestBytes + 1, ' '), "request longer than 65536 bytes"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.line.substr(0, 60));
    std::string error;
    EXPECT_FALSE(decode_request(k.line, error));
    EXPECT_EQ(error, k.error);
  }
}

TEST(ControlProtocol, ArgsAreOptionalAndReloadTakesZeroOrOne) {
  std::string error;
  auto r = decode_request(R"({"command": "reload"})", error);
  ASSERT_TRUE(r) << error;
  EXPECT_TRUE(r->args.empty());
  r = decode_request(R"({"command": "reload", "args": ["example.com"]})", error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->args, std::vector<std::string>{"example.com"});
}

TEST(ControlProtocol, EncodingInvalidUtf8DoesNotThrow) {
  std::string line = encode_request({"zone", {"\xff.example"}});
  std::string error;
  auto r = decode_request(line, error);
  ASSERT_TRUE(r) << error;
  EXPECT_EQ(r->args.size(), 1u);
}

}  // namespace
}  // namespace dnsd::control
