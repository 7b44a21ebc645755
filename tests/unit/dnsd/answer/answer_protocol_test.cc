// answer(): self names, EDNS/NSID/BADVERS, truncation, CHAOS identity, opcodes, malformed input.
#include <algorithm>
#include <gtest/gtest.h>

#include "answer/test_zone.h"
#include "dnsd/wire/dns_constants.h"
#include "testutil/dns_test_util.h"

namespace dnsd::testutil {
namespace {

constexpr const char* kApiZone = R"(
$ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60
@     NS  ns1.example.test.
lb1   A   127.0.0.11
www   TXT "static"
_sentinel TXT "epoch=3" "master=lb1" "by=s1" "drained=lb9,lb2"
)";

std::shared_ptr<zone::Catalog> api_catalog(const std::string& node = "lb1") {
  return make_catalog({{"api.example.test.", kApiZone, {"@", "*"}, {"198.51.100.10"},
                        {"2001:db8::10"}, node}},
                      "lb1");
}

TEST(SelfTest, ApexAndAnyNameAnswerWithNodeAddresses) {
  auto cat = api_catalog();
  auto apex = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A);
  EXPECT_TRUE(apex->aa());
  EXPECT_EQ(apex->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"api.example.test. 30 IN A 198.51.100.10"});
  auto any = ask(*cat, "x7.y.api.example.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(any->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"x7.y.api.example.test. 30 IN AAAA 2001:db8::10"});
  // A name in the file is answered from the file, not from self.
  auto www = ask(*cat, "www.api.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(www->ancount(), 0u);
  EXPECT_EQ(www->rcode(), LDNS_RCODE_NOERROR);
  auto lb1 = ask(*cat, "lb1.api.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(lb1->section(LDNS_SECTION_ANSWER),
            std::vector<std::string>{"lb1.api.example.test. 300 IN A 127.0.0.11"});
}

TEST(SelfTest, NodeWithoutIpv6GivesNodata) {
  auto cat = make_catalog({{"api.example.test.", kApiZone, {"@"}, {"198.51.100.10"}, {}}});
  auto r = ask(*cat, "api.example.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->ancount(), 0u);
  EXPECT_EQ(r->nscount(), 1u);
  // without "*" in self, unknown names are NXDOMAIN
  EXPECT_EQ(ask(*cat, "nope.api.example.test.", LDNS_RR_TYPE_A)->rcode(), LDNS_RCODE_NXDOMAIN);
}

TEST(SelfTest, DrainedNodeRefusesSelfAddressesOnly) {
  auto drained = api_catalog("lb2");
  EXPECT_EQ(ask(*drained, "api.example.test.", LDNS_RR_TYPE_A)->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(ask(*drained, "foo.api.example.test.", LDNS_RR_TYPE_AAAA)->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(ask(*drained, "api.example.test.", LDNS_RR_TYPE_SOA)->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ask(*drained, "lb1.api.example.test.", LDNS_RR_TYPE_A)->ancount(), 1u);
  auto other = api_catalog("lb1");
  EXPECT_EQ(ask(*other, "api.example.test.", LDNS_RR_TYPE_A)->ancount(), 1u);
}

TEST(EdnsTest, OptEchoedAndNsidReturned) {
  auto cat = api_catalog();
  auto r = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.nsid = true});
  EXPECT_EQ(ldns_pkt_edns_udp_size(r->pkt), 1232);
  ldns_rdf* data = ldns_pkt_edns_data(r->pkt);
  ASSERT_NE(data, nullptr);
  std::string opt(reinterpret_cast<const char*>(ldns_rdf_data(data)), ldns_rdf_size(data));
  EXPECT_EQ(opt, std::string("\x00\x03\x00\x03lb1", 7));
  auto plain = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_pkt_edns_data(plain->pkt), nullptr);
  auto noedns = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.edns = false});
  EXPECT_FALSE(ldns_pkt_edns(noedns->pkt));
}

TEST(EdnsTest, VersionAboveZeroIsBadvers) {
  auto cat = api_catalog();
  auto r = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.version = 1});
  EXPECT_EQ(r->result.rcode, wire::rcode::BADVERS);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(r->pkt), 1);
  EXPECT_EQ(r->ancount(), 0u);
}

TEST(EdnsTest, FormerrForAMetaQtypeKeepsTheOpt) {
  // RFC 6891 6.1.1: a well-formed request with an OPT gets an OPT back, its FORMERR too
  // (a query for type OPT or TSIG, which are not types one can ask for).
  auto cat = api_catalog();
  for (uint16_t t : {LDNS_RR_TYPE_OPT, LDNS_RR_TYPE_TSIG}) {
    auto r = ask(*cat, "api.example.test.", t, QueryOptions{.nsid = true});
    EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR) << t;
    EXPECT_EQ(ldns_pkt_edns_udp_size(r->pkt), 1232) << t;
    EXPECT_EQ(r->edns_option(wire::edns::NSID), (std::vector<uint8_t>{'l', 'b', '1'})) << t;
    auto plain = ask(*cat, "api.example.test.", t, QueryOptions{.edns = false});
    EXPECT_EQ(plain->rcode(), LDNS_RCODE_FORMERR) << t;
    EXPECT_FALSE(ldns_pkt_edns(plain->pkt)) << "no OPT asked, none given: " << t;
  }
}

std::string big_txt_zone() {
  std::string z = kApiZone;
  for (int i = 0; i < 40; ++i) z += "big TXT \"" + std::string(60, static_cast<char>('a' + i % 26)) + std::to_string(i) + "\"\n";
  return z;
}

TEST(TruncationTest, TcOverUdpFullOverTcp) {
  auto cat = make_catalog({{"api.example.test.", big_txt_zone(), {}, {}, {}}});
  auto small = ask(*cat, "big.api.example.test.", LDNS_RR_TYPE_TXT, QueryOptions{.edns = false});
  EXPECT_TRUE(small->tc());
  EXPECT_EQ(small->ancount(), 0u);
  EXPECT_LE(small->wire.size(), 512u);
  auto edns = ask(*cat, "big.api.example.test.", LDNS_RR_TYPE_TXT, QueryOptions{.payload = 1232});
  EXPECT_TRUE(edns->tc());
  EXPECT_LE(edns->wire.size(), 1232u);
  EXPECT_TRUE(ldns_pkt_edns(edns->pkt));  // OPT survives truncation
  auto tcp = ask(*cat, "big.api.example.test.", LDNS_RR_TYPE_TXT, {}, answer::Transport::Tcp);
  EXPECT_FALSE(tcp->tc());
  EXPECT_EQ(tcp->ancount(), 40u);
}

TEST(TruncationTest, PayloadBelow512IsTreatedAs512) {
  auto cat = api_catalog();
  auto r = ask(*cat, "api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.payload = 100});
  EXPECT_FALSE(r->tc());
  EXPECT_EQ(r->ancount(), 1u);
}

TEST(ChaosTest, IdServerAndHostnameBind) {
  auto cat = api_catalog();
  for (const char* n : {"id.server.", "HOSTNAME.bind."}) {
    auto r = ask(*cat, n, LDNS_RR_TYPE_TXT, QueryOptions{.qclass = LDNS_RR_CLASS_CH});
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << n;
    auto ans = r->section(LDNS_SECTION_ANSWER);
    ASSERT_EQ(ans.size(), 1u);
    EXPECT_NE(ans[0].find("CH TXT \"lb1\""), std::string::npos) << ans[0];
  }
  auto version = ask(*cat, "version.bind.", LDNS_RR_TYPE_TXT, QueryOptions{.qclass = LDNS_RR_CLASS_CH});
  EXPECT_EQ(version->rcode(), LDNS_RCODE_REFUSED);
  auto noid = make_catalog({{"api.example.test.", kApiZone, {}, {}, {}}});
  EXPECT_EQ(ask(*noid, "id.server.", LDNS_RR_TYPE_TXT, QueryOptions{.qclass = LDNS_RR_CLASS_CH})->rcode(),
            LDNS_RCODE_REFUSED);
}

TEST(OpcodeTest, UnknownOpcodeIsNotimpAndGraceIsRefused) {
  auto cat = api_catalog();
  auto q = make_query("api.example.test.", LDNS_RR_TYPE_A);
  q[2] = static_cast<uint8_t>((q[2] & 0x87) | (2 << 3));  // opcode STATUS
  auto r = run(*cat, q);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTIMPL);
  auto g = run(*cat, make_query("api.example.test.", LDNS_RR_TYPE_A), answer::Transport::Udp, true);
  EXPECT_EQ(g->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_EQ(g->ancount(), 0u);
}

// In the stop_grace window UPDATE, NOTIFY, transfers and TSIG-signed queries still go to
// the zone service (sentinel's pushes and read-backs, replication: issue 19); only an
// ordinary query gets the stop answer.
TEST(OpcodeTest, GraceStillHandsUpdatesNotifiesTransfersAndSignedQueriesOn) {
  auto cat = api_catalog();
  auto with_opcode = [](int opcode) {
    auto q = make_query("api.example.test.", LDNS_RR_TYPE_SOA);
    q[2] = static_cast<uint8_t>((q[2] & 0x87) | (opcode << 3));
    return q;
  };
  ldns_pkt* signed_query = nullptr;
  ASSERT_EQ(ldns_pkt_query_new_frm_str(&signed_query, "www.api.example.test.", LDNS_RR_TYPE_A,
                                       LDNS_RR_CLASS_IN, 0),
            LDNS_STATUS_OK);
  ASSERT_EQ(ldns_pkt_tsig_sign(signed_query, "sentinel.", "c2VudGluZWwta2V5LWZvci10ZXN0cw==", 300,
                               "hmac-sha256.", nullptr),
            LDNS_STATUS_OK);
  const std::pair<const char*, std::vector<uint8_t>> slow[] = {
      {"UPDATE", with_opcode(5)},
      {"NOTIFY", with_opcode(4)},
      {"AXFR", make_query("api.example.test.", LDNS_RR_TYPE_AXFR)},
      {"IXFR", make_query("api.example.test.", LDNS_RR_TYPE_IXFR)},
      {"TSIG-signed A", to_wire(signed_query)},
  };
  std::vector<uint8_t> out(65535);
  for (auto how : {answer::StopAnswer::Upward, answer::StopAnswer::Refused}) {
    answer::QueryContext grace;
    grace.transport = answer::Transport::Tcp;
    grace.refuse_all = true;
    grace.stop_answer = how;
    for (const auto& [what, q] : slow) {
      auto r = answer::answer(q.data(), q.size(), *cat, grace, out.data(), out.size());
      EXPECT_EQ(r.outcome, answer::Outcome::SlowPath) << what;
    }
    auto plain = make_query("www.api.example.test.", LDNS_RR_TYPE_A);
    auto r = answer::answer(plain.data(), plain.size(), *cat, grace, out.data(), out.size());
    EXPECT_EQ(r.outcome, answer::Outcome::Answered);
    EXPECT_EQ(r.rcode, how == answer::StopAnswer::Refused ? LDNS_RCODE_REFUSED : LDNS_RCODE_NOERROR);
  }
}

// stop_answer = "lame": an empty NOERROR, AA clear, RA set, so resolvers mark the node
// recursion-lame and stop choosing it before it exits.
TEST(OpcodeTest, GraceCanAnswerLame) {
  auto cat = api_catalog();
  for (const char* name : {"api.example.test.", "www.api.example.test.", "example.org."}) {
    auto g = run(*cat, make_query(name, LDNS_RR_TYPE_A), answer::Transport::Udp, true,
                 answer::StopAnswer::Lame);
    EXPECT_EQ(g->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_FALSE(ldns_pkt_aa(g->pkt)) << name;
    EXPECT_TRUE(ldns_pkt_ra(g->pkt)) << name;
    EXPECT_EQ(g->ancount(), 0u);
    EXPECT_EQ(ldns_pkt_nscount(g->pkt), 0u);
  }
}

// stop_answer = "referral": NOERROR, AA and RA clear, the zone's own apex NS set in the
// authority section (a referral that goes nowhere); outside our zones REFUSED.
TEST(OpcodeTest, GraceCanAnswerAReferralToTheApex) {
  auto cat = make_catalog({{"api.example.test.", std::string(kApiZone) +
                                "@ NS ns2.api.example.test.\nns2 A 127.0.0.12\n",
                            {"@", "*"}, {"198.51.100.10"}, {}, "lb1"}},
                          "lb1");
  for (const char* name : {"api.example.test.", "www.api.example.test.", "x.y.api.example.test."}) {
    auto g = run(*cat, make_query(name, LDNS_RR_TYPE_A), answer::Transport::Udp, true,
                 answer::StopAnswer::Referral);
    EXPECT_EQ(g->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_FALSE(ldns_pkt_aa(g->pkt)) << name;
    EXPECT_FALSE(ldns_pkt_ra(g->pkt)) << name;
    EXPECT_EQ(g->ancount(), 0u) << name;
    EXPECT_EQ(g->section(LDNS_SECTION_AUTHORITY),
              (std::vector<std::string>{"api.example.test. 300 IN NS ns1.example.test.",
                                        "api.example.test. 300 IN NS ns2.api.example.test."}))
        << name;
    auto glue = g->section(LDNS_SECTION_ADDITIONAL);
    EXPECT_NE(std::find(glue.begin(), glue.end(), "ns2.api.example.test. 300 IN A 127.0.0.12"),
              glue.end()) << name;
  }
  auto other = run(*cat, make_query("example.org.", LDNS_RR_TYPE_A), answer::Transport::Udp, true,
                   answer::StopAnswer::Referral);
  EXPECT_EQ(other->rcode(), LDNS_RCODE_REFUSED);
}

// stop_answer = "upward" (the default): the same NS targets, owned by the zone's parent,
// no glue: an upward referral, which resolvers take for a lame server.
TEST(OpcodeTest, GraceCanAnswerAnUpwardReferral) {
  auto cat = api_catalog();
  for (const char* name : {"api.example.test.", "www.api.example.test.", "x.y.api.example.test."}) {
    auto g = run(*cat, make_query(name, LDNS_RR_TYPE_A), answer::Transport::Tcp, true,
                 answer::StopAnswer::Upward);
    EXPECT_EQ(g->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_FALSE(ldns_pkt_aa(g->pkt)) << name;
    EXPECT_FALSE(ldns_pkt_ra(g->pkt)) << name;
    EXPECT_EQ(g->ancount(), 0u) << name;
    EXPECT_EQ(g->section(LDNS_SECTION_AUTHORITY),
              (std::vector<std::string>{"example.test. 300 IN NS ns1.example.test."}))
        << name;
    EXPECT_EQ(g->section(LDNS_SECTION_ADDITIONAL).size(), 0u) << name;
  }
  auto other = run(*cat, make_query("example.org.", LDNS_RR_TYPE_A), answer::Transport::Udp, true,
                   answer::StopAnswer::Upward);
  EXPECT_EQ(other->rcode(), LDNS_RCODE_REFUSED);
}

TEST(OpcodeTest, GraceCanAnswerNotauth) {
  auto cat = api_catalog();
  auto g = run(*cat, make_query("www.api.example.test.", LDNS_RR_TYPE_A), answer::Transport::Udp,
               true, answer::StopAnswer::NotAuth);
  EXPECT_EQ(g->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_FALSE(ldns_pkt_aa(g->pkt));
  EXPECT_EQ(g->ancount(), 0u);
  auto other = run(*cat, make_query("example.org.", LDNS_RR_TYPE_A), answer::Transport::Udp, true,
                   answer::StopAnswer::NotAuth);
  EXPECT_EQ(other->rcode(), LDNS_RCODE_REFUSED);
}

TEST(MalformedTest, DroppedOrFormerr) {
  auto cat = api_catalog();
  std::vector<uint8_t> good = make_query("api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.edns = false});
  // too short: dropped
  EXPECT_EQ(run(*cat, std::vector<uint8_t>(good.begin(), good.begin() + 11))->result.outcome,
            answer::Outcome::Drop);
  // a response: dropped
  auto resp = good;
  resp[2] |= 0x80;
  EXPECT_EQ(run(*cat, resp)->result.outcome, answer::Outcome::Drop);
  // truncated name
  auto trunc = std::vector<uint8_t>(good.begin(), good.begin() + 16);
  EXPECT_EQ(run(*cat, trunc)->rcode(), LDNS_RCODE_FORMERR);
  // qdcount 0 and 2
  auto qd0 = good;
  qd0[5] = 0;
  EXPECT_EQ(run(*cat, qd0)->rcode(), LDNS_RCODE_FORMERR);
  auto qd2 = good;
  qd2[5] = 2;
  EXPECT_EQ(run(*cat, qd2)->rcode(), LDNS_RCODE_FORMERR);
  // compression loop in the question
  std::vector<uint8_t> loop(good.begin(), good.begin() + 12);
  loop.insert(loop.end(), {0xC0, 12, 0, 1, 0, 1});
  EXPECT_EQ(run(*cat, loop)->rcode(), LDNS_RCODE_FORMERR);
  // two OPT records
  auto two = make_query("api.example.test.", LDNS_RR_TYPE_A);
  std::vector<uint8_t> opt(two.end() - 11, two.end());
  two.insert(two.end(), opt.begin(), opt.end());
  two[11] = 2;
  EXPECT_EQ(run(*cat, two)->rcode(), LDNS_RCODE_FORMERR);
  // A broken OPT RR (these three) gets a header-only FORMERR, no OPT: there is no one
  // OPT to answer (BIND does the same; only bad option content gets an OPT back).
  EXPECT_EQ(run(*cat, two)->wire.size(), 12u);
  // OPT with a non-root owner
  auto named = make_query("api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.edns = false});
  named[11] = 1;
  named.insert(named.end(), {1, 'x', 0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(run(*cat, named)->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(run(*cat, named)->wire.size(), 12u);
  // OPT option overrunning its rdata
  auto badopt = make_query("api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.edns = false});
  badopt[11] = 1;
  badopt.insert(badopt.end(), {0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 4, 0, 3, 0, 9});
  EXPECT_EQ(run(*cat, badopt)->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(run(*cat, badopt)->wire.size(), 12u);
  // the next good query is answered
  EXPECT_EQ(run(*cat, good)->ancount(), 1u);
}

TEST(MalformedTest, FormerrKeepsIdAndQr) {
  auto cat = api_catalog();
  auto q = make_query("api.example.test.", LDNS_RR_TYPE_A, QueryOptions{.edns = false, .id = 777});
  q[5] = 0;
  auto r = run(*cat, q);
  EXPECT_EQ(ldns_pkt_id(r->pkt), 777);
  EXPECT_TRUE(ldns_pkt_qr(r->pkt));
}

}  // namespace
}  // namespace dnsd::testutil
