// AXFR/IXFR message streams, parsed back with ldns.
#include "dnsd/xfr/xfr_writer.h"

#include <gtest/gtest.h>

#include "dnsd/common/ldns_include.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_builder.h"
#include "testutil/dns_test_util.h"

namespace dnsd::xfr {
namespace {

zone::ZoneContent sample(int extra) {
  zone::ZoneContent z;
  z.origin = *wire::name_from_text("example.com.");
  std::string soa = *wire::name_from_text("ns1.example.com.") + *wire::name_from_text("h.example.com.") +
                    std::string("\x00\x00\x00\x07\x00\x00\x0e\x10\x00\x00\x02\x58\x00\x01\x51\x80\x00\x00\x00\x3c", 20);
  z.nodes[z.origin][wire::type::SOA] = {300, {soa}, 0};
  z.nodes[z.origin][wire::type::NS] = {300, {*wire::name_from_text("ns1.example.com.")}, 0};
  for (int i = 0; i < extra; ++i) {
    std::string owner = *wire::name_from_text(("h" + std::to_string(i) + ".example.com.").c_str());
    z.nodes[owner][wire::type::A] = {60, {std::string("\xc0\x00\x02\x01", 4)}, 0};
  }
  return z;
}

std::vector<ldns_pkt*> parse_all(const std::vector<std::vector<uint8_t>>& msgs) {
  std::vector<ldns_pkt*> out;
  for (const auto& m : msgs) {
    ldns_pkt* p = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&p, m.data(), m.size()), LDNS_STATUS_OK);
    out.push_back(p);
  }
  return out;
}

TEST(XfrWriterTest, AxfrStartsAndEndsWithSoaAndSplitsMessages) {
  auto q = testutil::make_query("example.com.", LDNS_RR_TYPE_AXFR, {.edns = false, .id = 99});
  auto z = sample(2000);
  auto msgs = build_axfr(q.data(), q.size(), *zone::build_snapshot(z, nullptr), 16384);
  ASSERT_GT(msgs.size(), 1u);
  auto pkts = parse_all(msgs);
  size_t total = 0;
  for (size_t i = 0; i < pkts.size(); ++i) {
    ASSERT_NE(pkts[i], nullptr);
    EXPECT_EQ(ldns_pkt_id(pkts[i]), 99);
    EXPECT_TRUE(ldns_pkt_aa(pkts[i]));
    EXPECT_LE(msgs[i].size(), 16384u);
    EXPECT_EQ(ldns_pkt_qdcount(pkts[i]), i == 0 ? 1u : 0u);
    total += ldns_pkt_ancount(pkts[i]);
  }
  EXPECT_EQ(total, 2000u + 3u);  // SOA, NS, 2000 A, SOA
  EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(pkts.front()), 0)), LDNS_RR_TYPE_SOA);
  ldns_rr_list* last = ldns_pkt_answer(pkts.back());
  EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(last, ldns_rr_list_rr_count(last) - 1)), LDNS_RR_TYPE_SOA);
  for (auto* p : pkts) ldns_pkt_free(p);
}

TEST(XfrWriterTest, IxfrUpToDateIsJustTheSoaAndDiffsAreFramedBySoas) {
  auto q = testutil::make_query("example.com.", LDNS_RR_TYPE_IXFR, {.edns = false});
  auto z = sample(0);
  auto snap = zone::build_snapshot(z, nullptr);
  auto up = parse_all(build_ixfr(q.data(), q.size(), *snap, {}));
  EXPECT_EQ(ldns_pkt_ancount(up[0]), 1u);
  XfrDiff d;
  d.soa_before_rdata = d.soa_after_rdata = z.find(z.origin, wire::type::SOA)->rdatas[0];
  d.added.push_back({*wire::name_from_text("new.example.com."), wire::type::A, 60, std::string("\x01\x02\x03\x04", 4)});
  auto ix = parse_all(build_ixfr(q.data(), q.size(), *snap, {d}));
  EXPECT_EQ(ldns_pkt_ancount(ix[0]), 5u);  // SOA, SOA(old), SOA(new), A, SOA
  for (auto* p : up) ldns_pkt_free(p);
  for (auto* p : ix) ldns_pkt_free(p);
}

}  // namespace
}  // namespace dnsd::xfr
