// TSIG against ldns as an independent implementation, both directions, and the failures.
#include "dnsd/update/tsig.h"

#include <gtest/gtest.h>

#include <ctime>

#include "dnsd/answer/query_parser.h"
#include "testutil/dns_test_util.h"
#include "update_test_util.h"

namespace dnsd::update {
namespace {

const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";

common::TsigKey key(const char* name = "sentinel.", const char* secret = kSecret) {
  common::TsigKey k;
  k.name = name;
  k.algorithm = common::TsigAlgorithm::HmacSha256;
  common::base64_decode(secret, k.secret);
  return k;
}

// A query signed by ldns.
std::vector<uint8_t> ldns_signed(const char* key_name, const char* secret, uint64_t* time_signed = nullptr) {
  ldns_pkt* p = ldns_pkt_query_new(ldns_dname_new_frm_str("example.com."), LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0);
  ldns_pkt_set_id(p, 321);
  EXPECT_EQ(ldns_pkt_tsig_sign(p, key_name, secret, 300, "hmac-sha256.", nullptr), LDNS_STATUS_OK);
  if (time_signed) *time_signed = static_cast<uint64_t>(std::time(nullptr));
  return testutil::to_wire(p);
}

TsigVerification verify(const std::vector<uint8_t>& m, const std::vector<common::TsigKey>& keys, uint64_t now) {
  answer::ParsedQuery q;
  answer::parse_query(m.data(), m.size(), q);
  EXPECT_NE(q.tsig_offset, 0u);
  return verify_request(m.data(), m.size(), q.tsig_offset, keys, now);
}

TEST(TsigTest, VerifiesWhatLdnsSigned) {
  auto m = ldns_signed("sentinel.", kSecret);
  auto v = verify(m, {key()}, static_cast<uint64_t>(std::time(nullptr)));
  EXPECT_EQ(v.status, TsigVerification::Status::Ok);
}

TEST(TsigTest, WrongKeySecretTimeAndTampering) {
  auto m = ldns_signed("sentinel.", kSecret);
  uint64_t now = static_cast<uint64_t>(std::time(nullptr));
  EXPECT_EQ(verify(m, {key("other.")}, now).status, TsigVerification::Status::BadKey);
  EXPECT_EQ(verify(m, {key("sentinel.", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")}, now).status,
            TsigVerification::Status::BadSig);
  EXPECT_EQ(verify(m, {key()}, now + 3600).status, TsigVerification::Status::BadTime);
  auto tampered = m;
  tampered[14] ^= 0x20;  // a letter of the question name changes case... and the MAC
  EXPECT_EQ(verify(tampered, {key()}, now).status, TsigVerification::Status::BadSig);
  // A TSIG cut short is malformed before any key is looked at.
  auto truncated = std::vector<uint8_t>(m.begin(), m.end() - 3);
  answer::ParsedQuery q;
  answer::parse_query(truncated.data(), truncated.size(), q);
  EXPECT_EQ(q.decision, answer::Decision::FormErr);
  // A MAC shorter than the RFC minimum is FORMERR: shrink the MAC size field to 4.
  answer::parse_query(m.data(), m.size(), q);
  auto shortmac = m;
  size_t mac_size_at = m.size() - 6 - 32 - 2;  // other len, error, orig id | MAC | size
  shortmac[mac_size_at] = 0;
  shortmac[mac_size_at + 1] = 4;
  shortmac.erase(shortmac.begin() + static_cast<long>(mac_size_at + 2 + 4),
                 shortmac.begin() + static_cast<long>(mac_size_at + 2 + 32));
  size_t rdlen_at = q.tsig_offset + 10 + 8;  // owner "sentinel." is 10 bytes, then type class ttl
  uint16_t rdlen = static_cast<uint16_t>(shortmac[rdlen_at] << 8 | shortmac[rdlen_at + 1]) - 28;
  shortmac[rdlen_at] = static_cast<uint8_t>(rdlen >> 8);
  shortmac[rdlen_at + 1] = static_cast<uint8_t>(rdlen);
  EXPECT_EQ(verify(shortmac, {key()}, now).status, TsigVerification::Status::FormErr);
}

// A transfer's response stream signed by ldns (RFC 8945 5.3.1: the first message over the
// request MAC and all variables, the later ones over the previous MAC and the timers only)
// verifies in order with TsigResponseVerifier; a changed byte, a message out of order, an
// unsigned message or another key does not.
TEST(TsigTest, VerifiesAResponseStreamLdnsSigned) {
  auto k = key();
  const auto now = static_cast<uint64_t>(std::time(nullptr));
  ldns_pkt* qp = ldns_pkt_query_new(ldns_dname_new_frm_str("example.com."), LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0);
  ldns_pkt_set_id(qp, 77);
  auto q = testutil::to_wire(qp);
  size_t unsigned_size = q.size();
  sign_request(q, k, now);
  auto request = verify_request(q.data(), q.size(), unsigned_size, {k}, now);
  ASSERT_EQ(request.status, TsigVerification::Status::Ok);
  std::vector<uint8_t> macdata = {static_cast<uint8_t>(request.record.mac.size() >> 8),
                                  static_cast<uint8_t>(request.record.mac.size())};
  macdata.insert(macdata.end(), request.record.mac.begin(), request.record.mac.end());
  ldns_rdf* prior = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, macdata.size(), macdata.data());
  std::vector<std::vector<uint8_t>> stream;
  for (int i = 0; i < 3; ++i) {
    ldns_pkt* r = ldns_pkt_new();
    ldns_pkt_set_id(r, 77);
    ldns_pkt_set_qr(r, true);
    ldns_pkt_set_aa(r, true);
    ldns_rr* rr = nullptr;
    std::string text = "n" + std::to_string(i) + ".example.com. 60 IN TXT \"x\"";
    ASSERT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
    ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, rr);
    ASSERT_EQ(ldns_pkt_tsig_sign_next(r, "sentinel.", kSecret, 300, "hmac-sha256.", prior, i > 0), LDNS_STATUS_OK);
    ldns_rdf_deep_free(prior);
    prior = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(r), 3));  // this message's MAC
    stream.push_back(testutil::to_wire(r));
  }
  ldns_rdf_deep_free(prior);
  std::string error;
  {
    TsigResponseVerifier v(k, request.record.mac, now);
    for (const auto& m : stream) EXPECT_TRUE(v.verify(m, error)) << error;
  }
  {
    TsigResponseVerifier v(k, request.record.mac, now);
    EXPECT_TRUE(v.verify(stream[0], error)) << error;
    EXPECT_FALSE(v.verify(stream[2], error));  // out of order: it covers message 1's MAC
    EXPECT_NE(error.find("wrong MAC"), std::string::npos) << error;
  }
  {
    TsigResponseVerifier v(k, request.record.mac, now);
    auto changed = stream[0];
    changed[20] ^= 1;
    EXPECT_FALSE(v.verify(changed, error));
  }
  {
    TsigResponseVerifier v(k, request.record.mac, now);
    auto bare = stream[0];
    ldns_pkt* p = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&p, bare.data(), bare.size()), LDNS_STATUS_OK);
    ldns_rr* t = ldns_pkt_tsig(p);
    ldns_pkt_set_tsig(p, nullptr);
    ldns_rr_free(t);
    EXPECT_FALSE(v.verify(testutil::to_wire(p), error));
    EXPECT_NE(error.find("unsigned"), std::string::npos) << error;
  }
  {
    auto other = key("other.");
    TsigResponseVerifier v(other, request.record.mac, now);
    EXPECT_FALSE(v.verify(stream[0], error));
    EXPECT_NE(error.find("another key"), std::string::npos) << error;
  }
  {
    TsigResponseVerifier v(k, request.record.mac, now + 3600);  // our clock an hour ahead
    EXPECT_FALSE(v.verify(stream[0], error));
    EXPECT_NE(error.find("away from our clock"), std::string::npos) << error;
  }
}

TEST(TsigTest, LdnsVerifiesOurSignedResponse) {
  auto q = ldns_signed("sentinel.", kSecret);
  auto k = key();
  auto v = verify(q, {k}, static_cast<uint64_t>(std::time(nullptr)));
  ASSERT_EQ(v.status, TsigVerification::Status::Ok);
  // A response: the query with QR set, without its TSIG.
  std::vector<uint8_t> r(q.begin(), q.begin() + static_cast<long>(v.unsigned_length));
  r[2] |= 0x80;
  r[11] = 0;
  TsigSigner(k, v.record, static_cast<uint64_t>(std::time(nullptr))).sign(r);
  ldns_pkt* pkt = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&pkt, r.data(), r.size()), LDNS_STATUS_OK);
  std::vector<uint8_t> macdata = {static_cast<uint8_t>(v.record.mac.size() >> 8), static_cast<uint8_t>(v.record.mac.size())};
  macdata.insert(macdata.end(), v.record.mac.begin(), v.record.mac.end());
  ldns_rdf* request_mac = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, macdata.size(), macdata.data());
  EXPECT_TRUE(ldns_pkt_tsig_verify(pkt, r.data(), r.size(), "sentinel.", kSecret, request_mac));
  r[13] ^= 1;  // the check above can fail: a changed byte does not verify
  ldns_pkt_free(pkt);
  ASSERT_EQ(ldns_wire2pkt(&pkt, r.data(), r.size()), LDNS_STATUS_OK);
  EXPECT_FALSE(ldns_pkt_tsig_verify(pkt, r.data(), r.size(), "sentinel.", kSecret, request_mac));
  ldns_rdf_deep_free(request_mac);
  ldns_pkt_free(pkt);
}

}  // namespace
}  // namespace dnsd::update
