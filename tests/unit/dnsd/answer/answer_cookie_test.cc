// answer() with DNS cookies (RFC 7873, RFC 9018): what goes on the wire for each kind of
// COOKIE option, over UDP and TCP, and that the option is counted against the size limit.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "answer/test_zone.h"
#include "dnsd/wire/dns_constants.h"
#include "testutil/dns_test_util.h"

namespace dnsd::testutil {
namespace {

using answer::Transport;

constexpr uint32_t kNow = 1559731985;  // RFC 9018 A.1
const std::vector<uint8_t> kClientCookie = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
// RFC 9018 A.1: the server cookie for kClientCookie from 198.51.100.100 at kNow.
const std::vector<uint8_t> kA1Reply = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57,
                                       0x01, 0x00, 0x00, 0x00, 0x5c, 0xf7, 0x9f, 0x11,
                                       0x1f, 0x81, 0x30, 0xc3, 0xee, 0xe2, 0x94, 0x80};

std::string mid_txt_zone() {
  std::string z = kExampleZone;
  for (int i = 0; i < 10; ++i) z += "mid TXT \"" + std::string(60, static_cast<char>('a' + i)) + "\"\n";
  return z;
}

class AnswerCookieTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cat_ = make_catalog({{"example.com.", mid_txt_zone(), {}, {}, {}}}, "lb1");
    ASSERT_TRUE(cat_);
    cat_->udp_payload = 4096;
    const uint8_t secret[16] = {0xe5, 0xe9, 0x73, 0xe5, 0xa6, 0xb2, 0xa4, 0x3f,
                                0x48, 0xe7, 0xdc, 0x84, 0x9e, 0x37, 0xbf, 0xcf};  // RFC 9018 A
    std::copy(secret, secret + 16, cat_->cookies.keys[0].bytes);
    cat_->cookies.count = 1;
  }
  answer::QueryContext ctx(Transport t = Transport::Udp, uint32_t now = kNow) const {
    answer::QueryContext c;
    c.transport = t;
    c.now = now;
    c.client.length = 4;
    inet_pton(AF_INET, "198.51.100.100", c.client.bytes);
    return c;
  }
  std::unique_ptr<Response> query(std::vector<uint8_t> cookie, Transport t = Transport::Udp,
                                  const std::string& name = "www.example.com.",
                                  QueryOptions o = {}) {
    o.cookie = std::move(cookie);
    return run(*cat_, make_query(name, LDNS_RR_TYPE_A, o), ctx(t));
  }
  std::shared_ptr<zone::Catalog> cat_;
};

TEST_F(AnswerCookieTest, ClientCookieGetsAFreshServerCookie) {
  // RFC 7873 5.2.3 (BIND's default, the third choice): a normal answer plus the COOKIE
  // option, client cookie echoed; RFC 9018 A.1 gives the exact bytes.
  for (Transport t : {Transport::Udp, Transport::Tcp}) {
    auto r = query(kClientCookie, t);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
    EXPECT_EQ(r->ancount(), 1u);
    EXPECT_EQ(r->edns_option(wire::edns::COOKIE), kA1Reply);
    EXPECT_FALSE(r->result.valid_cookie) << "not proven yet";
  }
}

TEST_F(AnswerCookieTest, ValidServerCookieIsEchoedAndMarksTheQuery) {
  // RFC 7873 5.2.5: the cookie the client got back is accepted; within half an hour it
  // comes back unchanged (RFC 9018 4.3), and answer() says so for RRL.
  for (Transport t : {Transport::Udp, Transport::Tcp}) {
    auto r = query(kA1Reply, t);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
    EXPECT_EQ(r->ancount(), 1u);
    EXPECT_EQ(r->edns_option(wire::edns::COOKIE), kA1Reply);
    EXPECT_TRUE(r->result.valid_cookie);
  }
}

TEST_F(AnswerCookieTest, InvalidServerCookieGetsANormalAnswerNeverBadcookie) {
  // RFC 7873 5.2.4 -> 5.2.3: we answer (as BIND does by default) with a fresh cookie;
  // BADCOOKIE (23) is never sent, and never over TCP in any case.
  std::vector<uint8_t> wrong = kA1Reply;
  wrong[23] ^= 1;
  for (Transport t : {Transport::Udp, Transport::Tcp}) {
    auto r = query(wrong, t);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
    EXPECT_EQ(r->result.rcode, 0);
    EXPECT_EQ(ldns_pkt_edns_extended_rcode(r->pkt), 0) << "no BADCOOKIE";
    EXPECT_EQ(r->ancount(), 1u);
    EXPECT_EQ(r->edns_option(wire::edns::COOKIE), kA1Reply) << "the fresh one";
    EXPECT_FALSE(r->result.valid_cookie);
  }
}

TEST_F(AnswerCookieTest, MalformedCookieIsFormerrWithABareOpt) {
  // RFC 7873 5.2.2: shorter than 8, 9..15, or longer than 40 bytes: FORMERR. RFC 6891
  // 6.1.1: the request had an OPT, so the response has one (as BIND's does): version 0,
  // our payload size, and neither the bad cookie nor the requested NSID echoed.
  for (Transport t : {Transport::Udp, Transport::Tcp}) {
    for (size_t n : {0u, 1u, 7u, 9u, 15u, 41u}) {
      auto r = query(std::vector<uint8_t>(n, 0xab), t, "www.example.com.",
                     QueryOptions{.nsid = true});
      if (n == 0) {  // no COOKIE option at all: the control
        EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
        continue;
      }
      EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR) << n;
      EXPECT_EQ(r->result.rcode, wire::rcode::FORMERR) << n;
      EXPECT_EQ(r->ancount(), 0u) << n;
      ASSERT_EQ(r->wire.size(), 12u + 11u) << "header and a bare OPT: " << n;
      EXPECT_EQ(r->wire[11], 1) << "ARCOUNT 1: " << n;
      EXPECT_TRUE(ldns_pkt_edns(r->pkt)) << n;
      EXPECT_EQ(ldns_pkt_edns_udp_size(r->pkt), 4096) << n;
      EXPECT_EQ(ldns_pkt_edns_version(r->pkt), 0) << n;
      EXPECT_EQ(ldns_pkt_edns_extended_rcode(r->pkt), 0) << n;
      EXPECT_EQ(ldns_pkt_edns_data(r->pkt), nullptr) << "no COOKIE, no NSID: " << n;
      EXPECT_FALSE(r->result.valid_cookie);
    }
  }
  for (size_t n : {8u, 16u, 40u}) {
    auto r = query(std::vector<uint8_t>(n, 0xab));
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << n;
    EXPECT_EQ(r->edns_option(wire::edns::COOKIE).size(), 24u) << n;
  }
}

TEST_F(AnswerCookieTest, MalformedCookieFormerrEchoesDoAndCatchesALaterBadCookie) {
  // RFC 3225 3: DO is copied into the response's OPT, the FORMERR one too.
  auto q = make_query("www.example.com.", LDNS_RR_TYPE_A, {.cookie = std::vector<uint8_t>(12, 7)});
  q[q.size() - 4 - 12 - 4] |= 0x80;  // OPT TTL's third byte: DO (before rdlen and rdata)
  auto r = run(*cat_, q, ctx());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_TRUE(ldns_pkt_edns_do(r->pkt));
  // A good COOKIE then a malformed one is still FORMERR (every COOKIE is checked).
  auto two = make_query("www.example.com.", LDNS_RR_TYPE_A, {.cookie = kClientCookie});
  const uint8_t bad[] = {0, 10, 0, 3, 1, 2, 3};
  two.insert(two.end(), bad, bad + sizeof bad);
  size_t rdlen_at = two.size() - sizeof bad - 12 - 2;
  two[rdlen_at + 1] = static_cast<uint8_t>(two[rdlen_at + 1] + sizeof bad);
  auto r2 = run(*cat_, two, ctx());
  EXPECT_EQ(r2->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_TRUE(ldns_pkt_edns(r2->pkt));
  EXPECT_TRUE(r2->edns_option(wire::edns::COOKIE).empty()) << "the good one is not echoed";
}

TEST_F(AnswerCookieTest, EveryAnswerKindCarriesTheCookie) {
  // RFC 7873 5.2: the COOKIE goes into any response with an OPT: NXDOMAIN, REFUSED, with
  // NSID, and the stop-grace REFUSED.
  EXPECT_EQ(query(kClientCookie, Transport::Udp, "nope.example.com.")->edns_option(wire::edns::COOKIE), kA1Reply);
  auto refused = query(kClientCookie, Transport::Udp, "www.other.org.");
  EXPECT_EQ(refused->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(refused->edns_option(wire::edns::COOKIE), kA1Reply);
  auto nsid = query(kClientCookie, Transport::Udp, "www.example.com.", QueryOptions{.nsid = true});
  EXPECT_EQ(nsid->edns_option(wire::edns::COOKIE), kA1Reply);
  EXPECT_EQ(nsid->edns_option(wire::edns::NSID), (std::vector<uint8_t>{'l', 'b', '1'}));
  answer::QueryContext grace = ctx();
  grace.refuse_all = true;
  QueryOptions o;
  o.cookie = kClientCookie;
  auto g = run(*cat_, make_query("www.example.com.", LDNS_RR_TYPE_A, o), grace);
  EXPECT_EQ(g->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(g->edns_option(wire::edns::COOKIE), kA1Reply);
}

TEST_F(AnswerCookieTest, NoSecretMeansCookiesAreIgnored) {
  cat_->cookies.count = 0;
  auto r = query(kClientCookie);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->edns_option(wire::edns::COOKIE).empty());
  EXPECT_EQ(ldns_pkt_edns_data(r->pkt), nullptr);
}

TEST_F(AnswerCookieTest, TheCookieCountsAgainstTheUdpLimit) {
  // RFC 6891 7 / RFC 2181 9: the OPT record, with its 28-byte COOKIE option, must fit the
  // limit too. Find the payload that just fits the answer without a cookie: with one, it
  // must be truncated (TC) rather than exceed the limit or lose its OPT.
  auto plain = run(*cat_, make_query("mid.example.com.", LDNS_RR_TYPE_TXT, {}), ctx(Transport::Tcp));
  ASSERT_FALSE(plain->tc());
  size_t full = plain->wire.size();
  ASSERT_GT(full, 520u);
  QueryOptions o;
  o.payload = static_cast<uint16_t>(full + 27);  // one byte short of the cookie's room
  auto fits = run(*cat_, make_query("mid.example.com.", LDNS_RR_TYPE_TXT, o), ctx());
  EXPECT_FALSE(fits->tc()) << "without a cookie it fits";
  o.cookie = kClientCookie;
  auto r = run(*cat_, make_query("mid.example.com.", LDNS_RR_TYPE_TXT, o), ctx());
  EXPECT_TRUE(r->tc());
  EXPECT_LE(r->wire.size(), o.payload);
  EXPECT_EQ(r->edns_option(wire::edns::COOKIE), kA1Reply) << "the OPT survives truncation";
  o.payload = static_cast<uint16_t>(full + 28);  // exactly enough
  auto exact = run(*cat_, make_query("mid.example.com.", LDNS_RR_TYPE_TXT, o), ctx());
  EXPECT_FALSE(exact->tc());
  EXPECT_EQ(exact->wire.size(), full + 28);
}

}  // namespace
}  // namespace dnsd::testutil
