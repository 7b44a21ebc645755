// Unit tests of parse_soa_response(): good, bad, truncated and garbage replies.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "sentinel/probe/dns_response.h"

namespace sentinel::probe {
namespace {

struct Reply {
  uint16_t id = 0x1234;
  bool qr = true;
  bool aa = true;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  const char* qname = "api.example.com.";
  std::vector<const char*> answer = {
      "api.example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
      "2024010101 3600 600 86400 300"};
};

std::vector<uint8_t> wire(const Reply& r) {
  ldns_pkt* pkt = ldns_pkt_query_new(ldns_dname_new_frm_str(r.qname), LDNS_RR_TYPE_SOA,
                                     LDNS_RR_CLASS_IN, 0);
  ldns_pkt_set_id(pkt, r.id);
  ldns_pkt_set_qr(pkt, r.qr);
  ldns_pkt_set_aa(pkt, r.aa);
  ldns_pkt_set_rcode(pkt, static_cast<uint8_t>(r.rcode));
  for (const char* text : r.answer) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr);
  }
  uint8_t* buf = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&buf, pkt, &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(buf, buf + size);
  free(buf);  // NOLINT: ldns allocates with malloc
  ldns_pkt_free(pkt);
  return out;
}

ProbeResult parse(const std::vector<uint8_t>& w, uint16_t id = 0x1234,
                  std::string_view zone = "api.example.com.") {
  return parse_soa_response(w.data(), w.size(), id, zone);
}

TEST(DnsResponse, AuthoritativeSoaIsOk) {
  ProbeResult r = parse(wire({}));
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.detail, "SOA serial 2024010101, AA");
  ASSERT_TRUE(r.serial.has_value());
  EXPECT_EQ(*r.serial, 2024010101u);
}

TEST(DnsResponse, OwnerComparedCaseInsensitively) {
  Reply rep;
  rep.answer = {"API.Example.COM. 300 IN SOA ns1. host. 7 1 1 1 1"};
  ProbeResult r = parse(wire(rep));
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.serial, 7u);
  EXPECT_TRUE(parse(wire({}), 0x1234, "API.EXAMPLE.COM").ok);  // relative zone text
}

TEST(DnsResponse, Refusals) {
  Reply refused;
  refused.rcode = LDNS_RCODE_REFUSED;
  refused.answer.clear();
  EXPECT_EQ(parse(wire(refused)).detail, "rcode REFUSED");
  Reply servfail;
  servfail.rcode = LDNS_RCODE_SERVFAIL;
  EXPECT_EQ(parse(wire(servfail)).detail, "rcode SERVFAIL");
  Reply not_aa;
  not_aa.aa = false;
  EXPECT_EQ(parse(wire(not_aa)).detail, "AA not set");
  Reply query;
  query.qr = false;
  EXPECT_EQ(parse(wire(query)).detail, "QR not set");
  EXPECT_EQ(parse(wire({}), 0x4321).detail, "ID mismatch");
  EXPECT_EQ(parse(wire(refused)).failure, ProbeFailure::DnsRcode);
  EXPECT_EQ(parse(wire(not_aa)).failure, ProbeFailure::NotAuthoritative);
  EXPECT_EQ(parse(wire(query)).failure, ProbeFailure::BadResponse);
  EXPECT_EQ(parse(wire({}), 0x4321).failure, ProbeFailure::BadResponse);
  EXPECT_EQ(parse(wire({})).failure, ProbeFailure::None);
  for (const ProbeResult& r : {parse(wire(refused)), parse(wire(not_aa)), parse(wire(query))}) {
    EXPECT_FALSE(r.ok);
    EXPECT_FALSE(r.serial.has_value());
  }
}

TEST(DnsResponse, NoSoaForTheZone) {
  Reply empty;
  empty.answer.clear();
  EXPECT_EQ(parse(wire(empty)).detail, "no SOA in answer");
  Reply other;
  other.answer = {"example.com. 300 IN SOA ns1. host. 7 1 1 1 1",
                  "api.example.com. 300 IN A 192.0.2.1"};
  ProbeResult r = parse(wire(other));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::BadResponse);
  EXPECT_EQ(r.detail, "no SOA in answer");
}

TEST(DnsResponse, GarbageAndTruncation) {
  EXPECT_EQ(parse_soa_response(nullptr, 0, 0, "a.").detail, "malformed response");
  std::vector<uint8_t> good = wire({});
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<ptrdiff_t>(n));
    ProbeResult r = parse_soa_response(cut.data(), cut.size(), 0x1234, "api.example.com.");
    EXPECT_FALSE(r.ok) << "prefix of " << n << " bytes";
    EXPECT_FALSE(r.detail.empty());
  }
  std::mt19937 gen(42);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> junk(static_cast<size_t>(byte(gen)) % 96);
    for (auto& b : junk) b = static_cast<uint8_t>(byte(gen));
    ProbeResult r = parse_soa_response(junk.data(), junk.size(), 0, "api.example.com.");
    EXPECT_FALSE(r.detail.empty());
    std::vector<uint8_t> mutated = good;
    for (int k = 0; k < 3; ++k) {
      mutated[static_cast<size_t>(byte(gen)) % mutated.size()] = static_cast<uint8_t>(byte(gen));
    }
    r = parse_soa_response(mutated.data(), mutated.size(), 0x1234, "api.example.com.");
    EXPECT_FALSE(r.detail.empty());
  }
}

}  // namespace
}  // namespace sentinel::probe
