// The zone file serial rule (RFC 1982 order): a table of file serial against served serial.
#include "dnsd/update/serial_rule.h"

#include <gtest/gtest.h>

namespace dnsd::update {
namespace {

TEST(SerialRuleTest, Table) {
  using K = ZoneFileVerdict::Kind;
  struct Row {
    uint32_t file, base, served;
    K want;
    const char* why;
  } rows[] = {
      {100, 100, 105, K::Unchanged, "file serial as the journal started from it: journal on top"},
      {101, 100, 105, K::Refused, "raised, but older than the served serial"},
      {105, 100, 105, K::Refused, "equal to the served serial"},
      {106, 100, 105, K::FileWins, "newer"},
      {99, 100, 105, K::Refused, "lowered"},
      {5, 4294967290u, 4294967295u, K::FileWins, "newer across the wrap-around"},
      {4294967290u, 10, 4294967295u, K::Refused, "older across the wrap-around"},
      {2147483648u + 105, 100, 105, K::Refused, "2^31 away: not comparable, so not newer"},
  };
  for (const auto& r : rows) {
    auto v = judge_zone_file(r.file, r.base, r.served, "/var/lib/dnsd/x.journal");
    EXPECT_EQ(v.kind, r.want) << r.why;
    EXPECT_EQ(v.message.empty(), r.want != K::Refused) << r.why;
  }
}

TEST(SerialRuleTest, RefusalSaysWhichSerialItNeeds) {
  auto v = judge_zone_file(2026120102, 2026120101, 2026120105, "/var/lib/dnsd/api.example.test.journal");
  EXPECT_EQ(v.message,
            "zone file refused: its SOA serial 2026120102 is not newer than the served serial "
            "2026120105 (dynamic updates in /var/lib/dnsd/api.example.test.journal raised it); "
            "still serving 2026120105 and its updates: raise it above 2026120105 (e.g. "
            "2026120106), or delete the journal and snapshot to drop those updates");
}

}  // namespace
}  // namespace dnsd::update
