// The one response header writer: flags per opcode, RD/CD copying, rcode bits, counts.
#include "dnsd/wire/response_header.h"

#include <gtest/gtest.h>

#include "dnsd/wire/dns_constants.h"

namespace dnsd::wire {
namespace {

struct FlagsCase {
  uint16_t query_flags;
  uint8_t opcode, rcode;
  ResponseBits bits;
  uint16_t want;
};

TEST(ResponseFlags, Table) {
  const FlagsCase cases[] = {
      {0x0100, opcode::QUERY, 0, {}, 0x8100},                      // RD copied, QR set
      {0x0110, opcode::QUERY, 0, {}, 0x8100},                      // CD not copied by default
      {0x0110, opcode::QUERY, 0, {.copy_cd = true}, 0x8110},       // ... only when asked
      {0x2800, opcode::UPDATE, rcode::NOTAUTH, {}, 0xA809},        // opcode kept, rcode set
      {0x0000, opcode::QUERY, 0x13, {}, 0x8003},                   // only the low 4 bits
      {0x0000, opcode::QUERY, 0, {.aa = true, .tc = true, .ra = true}, 0x8680},
      {0x7E8F, opcode::NOTIFY, rcode::REFUSED, {}, 0xA005},        // nothing else leaks
  };
  for (const auto& c : cases)
    EXPECT_EQ(response_flags(c.query_flags, c.opcode, c.rcode, c.bits), c.want) << std::hex << c.want;
}

TEST(ResponseHead, KeepsIdAndQuestionZeroesCounts) {
  std::vector<uint8_t> q = {0x12, 0x34, 0x28, 0x00, 0, 1, 0, 3, 0, 4, 0, 1, 0, 0, 6, 0, 1};
  auto r = response_head(q.data(), q.size(), opcode::UPDATE, 0x2800, rcode::REFUSED);
  ASSERT_EQ(r.size(), q.size());
  EXPECT_EQ(r[0], 0x12);
  EXPECT_EQ(r[1], 0x34);
  EXPECT_EQ(r[2] << 8 | r[3], 0xA805);
  EXPECT_EQ(r[5], 1);
  for (size_t i : {4u, 6u, 7u, 8u, 9u, 10u, 11u}) EXPECT_EQ(r[i], 0) << i;
  auto bare = response_head(q.data(), 12, opcode::QUERY, 0, rcode::FORMERR);
  ASSERT_EQ(bare.size(), 12u);
  EXPECT_EQ(bare[5], 0);  // no question: QDCOUNT 0
}

}  // namespace
}  // namespace dnsd::wire
