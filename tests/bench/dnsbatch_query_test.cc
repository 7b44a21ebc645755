// dnsbatch's query lines: the wire bytes of well-formed lines, the errors of bad ones.
#include "tests/bench/dnsbatch_query.h"

#include <gtest/gtest.h>

namespace dnsbatch {
namespace {

using Bytes = std::vector<uint8_t>;
Bytes header() { return {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}; }
Bytes cat(Bytes a, const Bytes& b) { a.insert(a.end(), b.begin(), b.end()); return a; }

TEST(EncodeQueryLine, WellFormedLines) {
  struct Case { const char* line; Bytes question; };
  const Case cases[] = {
      {"a.b A", {1, 'a', 1, 'b', 0, 0, 1, 0, 1}},
      {"a.b. aaaa", {1, 'a', 1, 'b', 0, 0, 28, 0, 1}},
      {"  _t._tcp.x\tSRV\r", {2, '_', 't', 4, '_', 't', 'c', 'p', 1, 'x', 0, 0, 33, 0, 1}},
      {". SOA", {0, 0, 6, 0, 1}},
      {"x TYPE65280", {1, 'x', 0, 0xff, 0, 0, 1}},
      {"x CAA", {1, 'x', 0, 1, 1, 0, 1}},
  };
  for (const auto& c : cases) {
    Bytes wire;
    std::string error;
    ASSERT_TRUE(encode_query_line(c.line, wire, error)) << c.line << ": " << error;
    EXPECT_EQ(wire, cat(header(), c.question)) << c.line;
  }
}

TEST(EncodeQueryLine, MalformedLines) {
  struct Case { std::string line; const char* error; };
  const Case cases[] = {
      {"", "expected \"name type\""},
      {"a.b", "expected \"name type\""},
      {"a.b A extra", "expected \"name type\""},
      {"a.b BOGUS", "unknown type BOGUS"},
      {"a.b TYPE70000", "unknown type TYPE70000"},
      {"a..b A", "bad name: an empty label or one over 63 octets"},
      {std::string(64, 'x') + " A", "bad name: an empty label or one over 63 octets"},
  };
  for (const auto& c : cases) {
    Bytes wire;
    std::string error;
    EXPECT_FALSE(encode_query_line(c.line, wire, error)) << c.line;
    EXPECT_EQ(error, c.error) << c.line;
  }
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'y') + ".";
  Bytes wire;
  std::string error;
  EXPECT_FALSE(encode_query_line(long_name + " A", wire, error));
  EXPECT_EQ(error, "bad name: over 255 octets");
}

TEST(RcodeName, KnownAndOther) {
  EXPECT_STREQ(rcode_name(0), "NOERROR");
  EXPECT_STREQ(rcode_name(3), "NXDOMAIN");
  EXPECT_STREQ(rcode_name(9), "RCODE9");
}

}  // namespace
}  // namespace dnsbatch
