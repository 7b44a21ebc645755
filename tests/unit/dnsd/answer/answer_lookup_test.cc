// answer(): the lookup rules of RFC 1034 4.3.2, RFC 2308, RFC 4592 and the self names.
#include <gtest/gtest.h>

#include "answer/test_zone.h"
#include "testutil/dns_test_util.h"

namespace dnsd::testutil {
namespace {

class LookupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cat_ = make_catalog({{"example.com.", kExampleZone, {}, {}, {}}});
    ASSERT_TRUE(cat_);
  }
  std::shared_ptr<zone::Catalog> cat_;
};

TEST_F(LookupTest, ExactMatchIsAuthoritative) {
  auto r = ask(*cat_, "www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(r->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"www.example.com. 3600 IN A 192.0.2.10"});
}

TEST_F(LookupTest, QueryNameCaseIsPreserved) {
  auto r = ask(*cat_, "WwW.ExAmple.COM.", LDNS_RR_TYPE_A);
  ASSERT_EQ(r->ancount(), 1u);
  char* owner = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(r->pkt), 0)));
  EXPECT_STREQ(owner, "WwW.ExAmple.COM.");
  free(owner);
  char* q = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r->pkt), 0)));
  EXPECT_STREQ(q, "WwW.ExAmple.COM.");
  free(q);
}

TEST_F(LookupTest, NxdomainCarriesSoaWithNegativeTtl) {
  auto r = ask(*cat_, "nope.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(r->ancount(), 0u);
  auto auth = r->section(LDNS_SECTION_AUTHORITY);
  ASSERT_EQ(auth.size(), 1u);
  // min(SOA TTL 3600, MINIMUM 300) = 300 (RFC 2308 5)
  EXPECT_EQ(auth[0].rfind("example.com. 300 IN SOA", 0), 0u) << auth[0];
}

TEST_F(LookupTest, NodataCarriesSoa) {
  auto r = ask(*cat_, "www.example.com.", LDNS_RR_TYPE_MX);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->ancount(), 0u);
  EXPECT_EQ(r->nscount(), 1u);
}

TEST_F(LookupTest, EmptyNonTerminalIsNodata) {
  for (const char* name : {"b.c.example.com.", "c.example.com."}) {
    auto r = ask(*cat_, name, LDNS_RR_TYPE_A);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_EQ(r->ancount(), 0u) << name;
    EXPECT_EQ(r->nscount(), 1u) << name;
  }
}

TEST_F(LookupTest, WildcardSynthesisesWithQueryOwner) {
  auto r = ask(*cat_, "Anything.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(r->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"Anything.wild.example.com. 3600 IN A 192.0.2.50"});
  auto nodata = ask(*cat_, "x.wild.example.com.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(nodata->ancount(), 0u);
}

TEST_F(LookupTest, WildcardDoesNotMatchExistingNodeOrBelowIt) {
  // sub.wild exists: no wildcard for its other types (RFC 4592 2.2.1)
  auto r = ask(*cat_, "sub.wild.example.com.", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->ancount(), 0u);
  // below an existing node: closest encloser is sub.wild, which has no "*" child
  auto below = ask(*cat_, "x.sub.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(below->rcode(), LDNS_RCODE_NXDOMAIN);
  // the wildcard matches several labels deep below its parent
  auto deep = ask(*cat_, "a.b.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(deep->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(deep->ancount(), 1u);
}

TEST_F(LookupTest, CnameChainInsideZoneIsFollowed) {
  auto r = ask(*cat_, "chain.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->section(LDNS_SECTION_ANSWER),
            (std::vector<std::string>{"alias.example.com. 3600 IN CNAME www.example.com.",
                                      "chain.example.com. 3600 IN CNAME alias.example.com.",
                                      "www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(LookupTest, CnameToMissingNameIsNxdomainAndOutOfZoneStops) {
  auto r = ask(*cat_, "dangling.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN);  // RFC 6604: rcode of the last name
  EXPECT_EQ(r->ancount(), 1u);
  auto o = ask(*cat_, "outside.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(o->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(o->ancount(), 1u);
  auto c = ask(*cat_, "alias.example.com.", LDNS_RR_TYPE_CNAME);
  EXPECT_EQ(c->ancount(), 1u);
}

TEST_F(LookupTest, DelegationGivesReferralWithGlueAndNoAa) {
  for (const char* name : {"child.example.com.", "deep.host.child.example.com."}) {
    auto r = ask(*cat_, name, LDNS_RR_TYPE_A);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_FALSE(r->aa()) << name;
    EXPECT_EQ(r->ancount(), 0u);
    EXPECT_EQ(r->section(LDNS_SECTION_AUTHORITY),
              std::vector<std::string>{"child.example.com. 3600 IN NS ns.child.example.com."});
    auto add = r->section(LDNS_SECTION_ADDITIONAL);
    EXPECT_NE(std::find(add.begin(), add.end(), "ns.child.example.com. 3600 IN A 192.0.2.60"),
              add.end());
  }
}

TEST_F(LookupTest, DsAtCutIsAnsweredByParent) {
  auto r = ask(*cat_, "child.example.com.", LDNS_RR_TYPE_DS);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(r->ancount(), 1u);
}

TEST_F(LookupTest, OutOfZoneIsRefusedWithoutRecursion) {
  auto r = ask(*cat_, "www.other.org.", LDNS_RR_TYPE_A, QueryOptions{.rd = true});
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_FALSE(ldns_pkt_ra(r->pkt));
  EXPECT_TRUE(ldns_pkt_rd(r->pkt));
}

TEST_F(LookupTest, MxAndSrvAddAdditionalAddresses) {
  auto mx = ask(*cat_, "mail.example.com.", LDNS_RR_TYPE_MX);
  EXPECT_EQ(mx->section(LDNS_SECTION_ADDITIONAL).front(), "mx.example.com. 3600 IN A 192.0.2.20");
  auto srv = ask(*cat_, "_tunnel._tcp.example.com.", LDNS_RR_TYPE_SRV);
  EXPECT_EQ(srv->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"_tunnel._tcp.example.com. 3600 IN SRV 0 100 443 lb1.example.com."});
  EXPECT_EQ(srv->section(LDNS_SECTION_ADDITIONAL).front(), "lb1.example.com. 3600 IN A 192.0.2.31");
}

TEST_F(LookupTest, OtherTypesRoundTrip) {
  EXPECT_EQ(ask(*cat_, "txt.example.com.", LDNS_RR_TYPE_TXT)->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"txt.example.com. 3600 IN TXT \"hello\" \"world\""});
  EXPECT_EQ(ask(*cat_, "caa.example.com.", LDNS_RR_TYPE_CAA)->ancount(), 1u);
  EXPECT_EQ(ask(*cat_, "ptr.example.com.", LDNS_RR_TYPE_PTR)->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"ptr.example.com. 3600 IN PTR host.example.net."});
  auto unk = ask(*cat_, "unk.example.com.", 65534, QueryOptions{.edns = false});
  ASSERT_EQ(unk->ancount(), 1u);
  EXPECT_EQ(unk->wire[unk->wire.size() - 4], 0x0a);
  auto soa = ask(*cat_, "example.com.", LDNS_RR_TYPE_SOA);
  EXPECT_EQ(soa->ancount(), 1u);
  auto ns = ask(*cat_, "example.com.", LDNS_RR_TYPE_NS);
  EXPECT_EQ(ns->ancount(), 2u);
  EXPECT_EQ(ns->arcount(), 2u);  // glue for ns1 and ns2 (ldns moves OPT out of the count)
}

TEST_F(LookupTest, AnyIsAnsweredMinimally) {
  auto r = ask(*cat_, "www.example.com.", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->ancount(), 1u);  // one RRset, not both A and AAAA (RFC 8482)
}

TEST_F(LookupTest, RoundRobinRotatesByQueryId) {
  QueryOptions a{.id = 1}, b{.id = 2};
  auto r1 = ask(*cat_, "rr.example.com.", LDNS_RR_TYPE_A, a);
  auto r2 = ask(*cat_, "rr.example.com.", LDNS_RR_TYPE_A, b);
  ASSERT_EQ(r1->ancount(), 3u);
  char* f1 = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(r1->pkt), 0), 0));
  char* f2 = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(ldns_pkt_answer(r2->pkt), 0), 0));
  EXPECT_STRNE(f1, f2);
  free(f1);
  free(f2);
  EXPECT_EQ(r1->section(LDNS_SECTION_ANSWER), r2->section(LDNS_SECTION_ANSWER));
}

}  // namespace
}  // namespace dnsd::testutil
