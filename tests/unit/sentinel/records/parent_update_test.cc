// The parent's delegation ([parent]): the desired set (the apex NS set's rule, glue made
// canonical), what counts as in sync in a read-back, the referral parsed, and the update:
// adds first, then per-record deletes, never a whole NS RRset, no prerequisite.
#include "sentinel/records/parent_update.h"

#include <gtest/gtest.h>

#include <memory>

#include "dnsd/common/ldns_include.h"
#include "sentinel/records/dns_message.h"
#include "sentinel/records/record_set.h"

namespace sentinel::records {
namespace {

constexpr const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";
const std::string kZone = "api.example.com.", kParent = "example.com.";
using List = std::vector<std::string>;

std::string ns(int i) { return "lb" + std::to_string(i) + "." + kZone; }

config::SentinelConfig make_config(int n) {
  config::SentinelConfig c;
  c.zone = kZone;
  c.parent.enabled = true;
  c.parent.zone = kParent;
  c.parent.ns_ttl = 20;
  for (int i = 1; i <= n; ++i) {
    config::NodeConfig node;
    node.name = "lb" + std::to_string(i);
    node.priority = i * 10;
    node.ipv4 = {"192.0.2." + std::to_string(i)};
    node.ipv6 = {"2001:DB8:0::" + std::to_string(i)};  // made canonical: 2001:db8::i
    node.ns = ns(i);
    c.nodes.push_back(node);
  }
  return c;
}

TEST(DesiredDelegation, IsTheApexNsSetWithCanonicalGlue) {
  auto c = make_config(3);
  for (const std::set<std::string>& serving :
       std::vector<std::set<std::string>>{{"lb1", "lb2", "lb3"}, {"lb2"}, {}, {"lb1", "lb3"}}) {
    auto d = desired_delegation(c, serving);
    auto apex = apex_ns_names(c, serving);
    std::sort(apex.begin(), apex.end());
    EXPECT_EQ(d.ns, apex);
    EXPECT_GE(d.ns.size(), 2u);
  }
  auto d = desired_delegation(c, {"lb1", "lb3"});
  EXPECT_EQ(d.aaaa.at(ns(3)), List{"2001:db8::3"});
  EXPECT_EQ(d.a.count(ns(2)), 0u);
}

// A readout as the parent would serve it: `names` with TTL `ttl` and glue for each.
DelegationReadout served(const List& names, uint32_t ttl, bool glue = true) {
  DelegationReadout r;
  r.ok = true;
  r.ns = names;
  std::sort(r.ns.begin(), r.ns.end());
  for (const auto& n : r.ns) {
    r.ns_ttls.push_back(ttl);
    if (!glue || n.find(kZone) == std::string::npos) continue;
    std::string i = n.substr(2, n.find('.') - 2);
    r.a[n] = {"192.0.2." + i};
    r.aaaa[n] = {"2001:db8::" + i};
    r.glue_ttls[n + " A"] = ttl;
    r.glue_ttls[n + " AAAA"] = ttl;
  }
  return r;
}

struct SyncCase {
  const char* what;
  DelegationReadout have;
  bool glue;
  bool want;
};

class DelegationInSync : public ::testing::TestWithParam<SyncCase> {};

TEST_P(DelegationInSync, Table) {
  const auto& t = GetParam();
  auto c = make_config(3);
  c.parent.glue = t.glue;
  auto want = desired_delegation(c, {"lb1", "lb2"});
  List owned{ns(1), ns(2), ns(3)};
  EXPECT_EQ(delegation_in_sync(t.have, want, owned, kZone, 20, t.glue), t.want) << t.what;
}

DelegationReadout with(DelegationReadout r, const std::function<void(DelegationReadout&)>& f) {
  f(r);
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DelegationInSync,
    ::testing::Values(
        SyncCase{"exactly the set, TTL and glue", served({ns(1), ns(2)}, 20), true, true},
        SyncCase{"a name that must leave is still there", served({ns(1), ns(2), ns(3)}, 20), true,
                 false},
        SyncCase{"a name is missing", served({ns(1)}, 20), true, false},
        SyncCase{"the TTL differs", served({ns(1), ns(2)}, 300), true, false},
        SyncCase{"a name that is not ours is left alone",
                 served({ns(1), ns(2), "ns.provider.net."}, 20), true, true},
        SyncCase{"glue missing", served({ns(1), ns(2)}, 20, false), true, false},
        SyncCase{"glue missing but not kept ([parent] glue = false)",
                 served({ns(1), ns(2)}, 20, false), false, true},
        SyncCase{"wrong glue address",
                 with(served({ns(1), ns(2)}, 20), [](auto& r) { r.a[ns(1)] = {"192.0.2.99"}; }),
                 true, false},
        SyncCase{"not read", DelegationReadout{}, true, false}));

struct PktDeleterT {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};

dnsd::common::TsigKey key() {
  dnsd::common::TsigKey k;
  k.name = "parent.sentinel.";
  k.algorithm = dnsd::common::TsigAlgorithm::HmacSha256;
  EXPECT_TRUE(dnsd::common::base64_decode(kSecret, k.secret));
  return k;
}

std::string lower(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The update section as lines: "+ owner ttl TYPE rdata", "- owner TYPE rdata" (one record),
// "-* owner TYPE" (an RRset).
List update_lines(const std::vector<uint8_t>& wire, std::string* zone = nullptr,
                  size_t* prereqs = nullptr) {
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, wire.data(), wire.size()), LDNS_STATUS_OK);
  std::unique_ptr<ldns_pkt, PktDeleterT> pkt(raw);
  if (zone) {
    char* z = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)));
    *zone = lower(z);
    free(z);
  }
  if (prereqs) *prereqs = ldns_rr_list_rr_count(ldns_pkt_answer(pkt.get()));
  EXPECT_NE(ldns_pkt_tsig(pkt.get()), nullptr);
  List out;
  ldns_rr_list* up = ldns_pkt_authority(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(up); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(up, i);
    char* o = ldns_rdf2str(ldns_rr_owner(rr));
    std::string owner = lower(o);
    free(o);
    char* t = ldns_rr_type2str(ldns_rr_get_type(rr));
    std::string type = t;
    free(t);
    switch (ldns_rr_get_class(rr)) {
      case LDNS_RR_CLASS_ANY: out.push_back("-* " + owner + " " + type); break;
      case LDNS_RR_CLASS_NONE:
        EXPECT_EQ(ldns_rr_ttl(rr), 0u);
        out.push_back("- " + owner + " " + type + " " + rdata_text(rr));
        break;
      default:
        out.push_back("+ " + owner + " " + std::to_string(ldns_rr_ttl(rr)) + " " + type + " " +
                      rdata_text(rr));
    }
  }
  return out;
}

TEST(DelegationUpdate, AddsFirstThenDeletesRecordByRecord) {
  auto c = make_config(3);
  auto want = desired_delegation(c, {"lb1", "lb2"});  // lb3 left
  List owned{ns(1), ns(2), ns(3)};
  auto have = served({ns(1), ns(2), ns(3), "ns.provider.net."}, 20);
  std::string error, zone;
  size_t prereqs = 99;
  auto wire = build_delegation_update(key(), kParent, kZone, want, owned, have, 20, true, error);
  ASSERT_FALSE(wire.empty()) << error;
  auto lines = update_lines(wire, &zone, &prereqs);
  EXPECT_EQ(zone, kParent);  // the zone section names the parent
  EXPECT_EQ(prereqs, 0u);
  EXPECT_EQ(lines, (List{
                       "+ " + kZone + " 20 NS " + ns(1),
                       "+ " + kZone + " 20 NS " + ns(2),
                       "+ " + ns(1) + " 20 A 192.0.2.1",
                       "+ " + ns(2) + " 20 A 192.0.2.2",
                       "+ " + ns(1) + " 20 AAAA 2001:db8::1",
                       "+ " + ns(2) + " 20 AAAA 2001:db8::2",
                       "- " + kZone + " NS " + ns(3),
                       "-* " + ns(3) + " A",
                       "-* " + ns(3) + " AAAA",
                   }));
  for (const auto& l : lines)  // the NS RRset is never deleted whole; a foreign NS never
    EXPECT_TRUE(l.rfind("-* " + kZone, 0) != 0 && l.find("provider") == std::string::npos) << l;
}

TEST(DelegationUpdate, StaleGlueOfAKeptNameIsDeletedByRecord) {
  auto c = make_config(2);
  auto want = desired_delegation(c, {"lb1", "lb2"});
  auto have = served({ns(1), ns(2)}, 20);
  have.a[ns(1)] = {"192.0.2.1", "192.0.2.77"};
  std::string error;
  auto lines = update_lines(
      build_delegation_update(key(), kParent, kZone, want, {ns(1), ns(2)}, have, 20, true, error));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "- " + ns(1) + " A 192.0.2.77"), lines.end());
  EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](auto& l) { return l[0] == '-'; }), 1);
}

// NS names in the parent zone itself (ns1.example.com.): the A records a referral carries
// for them are the parent's data, never checked nor deleted as glue.
TEST(DelegationUpdate, SiblingNamesAddressesAreNotGlue) {
  auto c = make_config(3);
  for (int i = 0; i < 3; ++i) c.nodes[i].ns = "ns" + std::to_string(i + 1) + "." + kParent;
  auto want = desired_delegation(c, {"lb1", "lb2", "lb3"});
  EXPECT_TRUE(want.a.empty());
  List owned{"ns1." + kParent, "ns2." + kParent, "ns3." + kParent};
  DelegationReadout have;
  have.ok = true;
  have.ns = owned;
  have.ns_ttls = {20, 20, 20};
  for (const auto& n : owned) {
    have.a[n] = {"198.51.100.1"};
    have.glue_ttls[n + " A"] = 3600;
  }
  EXPECT_TRUE(delegation_in_sync(have, want, owned, kZone, 20, true));
  have.ns_ttls = {300, 300, 300};  // out of sync by the TTL: an update, without address deletes
  EXPECT_FALSE(delegation_in_sync(have, want, owned, kZone, 20, true));
  std::string error;
  auto lines = update_lines(
      build_delegation_update(key(), kParent, kZone, want, owned, have, 20, true, error));
  for (const auto& l : lines) EXPECT_EQ(l.find(" A "), std::string::npos) << l;
  EXPECT_EQ(lines.size(), 3u);
}

TEST(DelegationUpdate, WithoutGlueNoAddressRecords) {
  auto c = make_config(3);
  c.parent.glue = false;
  auto want = desired_delegation(c, {"lb2", "lb3"});
  std::string error;
  auto lines = update_lines(build_delegation_update(key(), kParent, kZone, want,
                                                    {ns(1), ns(2), ns(3)}, served({}, 20), 20,
                                                    false, error));
  EXPECT_EQ(lines, (List{"+ " + kZone + " 20 NS " + ns(2), "+ " + kZone + " 20 NS " + ns(3),
                         "- " + kZone + " NS " + ns(1)}));
}

// A referral as a parent sends it: NS in the authority section, glue in the additional.
std::vector<uint8_t> referral(int rcode, bool in_answer) {
  ldns_pkt* p = ldns_pkt_new();
  ldns_pkt_set_qr(p, true);
  ldns_pkt_set_rcode(p, static_cast<uint8_t>(rcode));
  auto add = [&](ldns_pkt_section s, const std::string& text) {
    ldns_rr* rr = rr_from(text);
    ASSERT_NE(rr, nullptr) << text;
    ldns_pkt_push_rr(p, s, rr);
  };
  ldns_pkt_section nss = in_answer ? LDNS_SECTION_ANSWER : LDNS_SECTION_AUTHORITY;
  add(nss, "API.example.com. 20 IN NS " + ns(2));
  add(nss, "api.example.com. 30 IN NS " + ns(1));
  add(nss, "other.example.com. 30 IN NS ns.other.example.com.");
  add(LDNS_SECTION_ADDITIONAL, ns(1) + " 20 IN A 192.0.2.1");
  add(LDNS_SECTION_ADDITIONAL, ns(1) + " 25 IN AAAA 2001:db8::1");
  add(LDNS_SECTION_ADDITIONAL, "ns.other.example.com. 20 IN A 192.0.2.50");
  auto wire = to_wire(p);
  ldns_pkt_free(p);
  return wire;
}

TEST(ParseDelegation, ReadsTheReferralOrAnAnswer) {
  for (bool in_answer : {false, true}) {
    auto r = parse_delegation(referral(LDNS_RCODE_NOERROR, in_answer), kZone);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.ns, (List{ns(1), ns(2)}));
    EXPECT_EQ(r.ns_ttls, (std::vector<uint32_t>{30, 20}));
    EXPECT_EQ(r.a.at(ns(1)), List{"192.0.2.1"});
    EXPECT_EQ(r.aaaa.at(ns(1)), List{"2001:db8::1"});
    EXPECT_EQ(r.glue_ttls.at(ns(1) + " AAAA"), 25u);
    EXPECT_EQ(r.a.size(), 1u);  // the other zone's glue is not this delegation's
  }
  auto refused = parse_delegation(referral(LDNS_RCODE_REFUSED, false), kZone);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.rcode, "REFUSED");
}

TEST(ResponseRcode, NamesTheTsigErrorOverNotauth) {
  std::vector<uint8_t> refused(12, 0);
  refused[2] = 0x80;
  refused[3] = LDNS_RCODE_REFUSED;
  EXPECT_EQ(response_rcode(refused), "REFUSED");
  // NOTAUTH with a TSIG record whose error is BADKEY (17).
  ldns_pkt* p = ldns_pkt_new();
  ldns_pkt_set_qr(p, true);
  ldns_pkt_set_rcode(p, LDNS_RCODE_NOTAUTH);
  // Its rdata field by field (RFC 8945 4.2): algorithm, 48-bit time, fudge, MAC, original
  // ID, error, other data.
  ldns_rr* tsig = ldns_rr_new_frm_type(LDNS_RR_TYPE_TSIG);
  ldns_rr_set_owner(tsig, ldns_dname_new_frm_str("parent.sentinel."));
  ldns_rr_set_class(tsig, LDNS_RR_CLASS_ANY);
  uint8_t time[6] = {0, 0, 0x65, 0x53, 0xf1, 0x00}, empty[2] = {0, 0};
  ldns_rr_set_rdf(tsig, ldns_dname_new_frm_str("hmac-sha256."), 0);
  ldns_rr_set_rdf(tsig, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_TSIGTIME, 6, time), 1);
  ldns_rr_set_rdf(tsig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 300), 2);
  ldns_rr_set_rdf(tsig, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, 2, empty), 3);
  ldns_rr_set_rdf(tsig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 0), 4);
  ldns_rr_set_rdf(tsig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 17), 5);
  ldns_rr_set_rdf(tsig, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_INT16_DATA, 2, empty), 6);
  ldns_pkt_set_tsig(p, tsig);
  auto wire = to_wire(p);
  ldns_pkt_free(p);
  ASSERT_FALSE(wire.empty());
  EXPECT_EQ(response_rcode(wire), "BADKEY");
}

}  // namespace
}  // namespace sentinel::records
