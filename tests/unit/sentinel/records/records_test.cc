// desired_records, TXT parsing, canonical rdata, diffs, and build_update's wire format.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/records/record_set.h"
#include "sentinel/records/zone_updater.h"
#include "tests/unit/sentinel/records/records_test_config.h"

namespace sentinel::records {
namespace {

using test_config::kSecret;
using test_config::kZone;

config::SentinelConfig make_config() {
  config::SentinelConfig c = test_config::config_without_nodes();
  const char* names[] = {"lb1", "lb2", "lb3"};
  for (int i = 0; i < 3; ++i) {
    config::NodeConfig n;
    n.name = names[i];
    n.priority = i * 10;
    n.ipv4 = {"198.51.100." + std::to_string(i + 1)};
    n.port = 443;
    c.nodes.push_back(n);
  }
  c.nodes[1].ipv6 = {"2001:db8::2"};
  return c;
}

cluster::ClusterState make_state(const std::string& master = "lb2", uint64_t epoch = 7) {
  cluster::ClusterState s;
  s.epoch = epoch;
  s.master = master;
  return s;
}

const std::set<std::string> kAll{"lb1", "lb2", "lb3"};

using Key = std::pair<std::string, std::string>;
using Rdatas = std::vector<std::string>;

const Rdatas* find(const RecordSet& rs, const std::string& owner, const std::string& type) {
  auto it = rs.rrsets.find({owner, type});
  return it == rs.rrsets.end() ? nullptr : &it->second;
}

TEST(DesiredRecords, SrvOrderMasterFirstThenByPriority) {
  RecordSet rs = desired_records(make_config(), make_state(), kAll);
  EXPECT_EQ(rs.ttl, 30u);
  const Rdatas* srv = find(rs, "_tunnel._tcp.api.example.com.", "SRV");
  ASSERT_NE(srv, nullptr);
  // Canonical rdata lists are sorted; the priorities are what matter.
  EXPECT_EQ(*srv, (Rdatas{"0 100 443 lb2.api.example.com.", "10 100 443 lb1.api.example.com.",
                          "20 100 443 lb3.api.example.com."}));
}

TEST(DesiredRecords, MasterClusterAndNodeAddresses) {
  RecordSet rs = desired_records(make_config(), make_state(), kAll);
  ASSERT_NE(find(rs, "master.api.example.com.", "A"), nullptr);
  EXPECT_EQ(*find(rs, "master.api.example.com.", "A"), (Rdatas{"198.51.100.2"}));
  ASSERT_NE(find(rs, "master.api.example.com.", "AAAA"), nullptr);
  EXPECT_EQ(*find(rs, "master.api.example.com.", "AAAA"), (Rdatas{"2001:db8::2"}));
  ASSERT_NE(find(rs, "cluster.api.example.com.", "A"), nullptr);
  EXPECT_EQ(*find(rs, "cluster.api.example.com.", "A"),
            (Rdatas{"198.51.100.1", "198.51.100.2", "198.51.100.3"}));
  ASSERT_NE(find(rs, "cluster.api.example.com.", "AAAA"), nullptr);
  EXPECT_EQ(*find(rs, "cluster.api.example.com.", "AAAA"), (Rdatas{"2001:db8::2"}));
  for (int i = 1; i <= 3; ++i) {
    std::string owner = "lb" + std::to_string(i) + ".api.example.com.";
    ASSERT_NE(find(rs, owner, "A"), nullptr) << owner;
    EXPECT_EQ(*find(rs, owner, "A"), (Rdatas{"198.51.100." + std::to_string(i)}));
  }
  EXPECT_EQ(*find(rs, "lb2.api.example.com.", "AAAA"), (Rdatas{"2001:db8::2"}));
  // No IPv6: the AAAA RRset is owned and must not exist (empty list).
  ASSERT_NE(find(rs, "lb1.api.example.com.", "AAAA"), nullptr);
  EXPECT_TRUE(find(rs, "lb1.api.example.com.", "AAAA")->empty());
}

TEST(DesiredRecords, SentinelTxt) {
  auto s = make_state();
  s.drained = {"lb3"};
  RecordSet rs = desired_records(make_config(), s, {"lb1", "lb2"});
  const Rdatas* txt = find(rs, "_sentinel.api.example.com.", "TXT");
  ASSERT_NE(txt, nullptr);
  ASSERT_EQ(txt->size(), 1u);
  const std::string& t = (*txt)[0];
  EXPECT_NE(t.find("\"epoch=7\""), std::string::npos) << t;
  EXPECT_NE(t.find("\"master=lb2\""), std::string::npos) << t;
  EXPECT_NE(t.find("\"by=s1\""), std::string::npos) << t;
  EXPECT_NE(t.find("\"drained=lb3\""), std::string::npos) << t;
  EXPECT_EQ(t, "\"epoch=7\" \"master=lb2\" \"by=s1\" \"drained=lb3\"");
  EXPECT_EQ(epoch_of_txt(t), 7u);
  EXPECT_EQ(master_of_txt(t), "lb2");
}

TEST(DesiredRecords, SentinelTxtStrings) {
  EXPECT_EQ(sentinel_txt(3, "lb1", "s2", {"lb4", "lb3"}),
            (std::vector<std::string>{"epoch=3", "master=lb1", "by=s2", "drained=lb3,lb4"}));
  EXPECT_EQ(sentinel_txt(0, "", "s1", {}),
            (std::vector<std::string>{"epoch=0", "master=", "by=s1", "drained="}));
}

TEST(DesiredRecords, NodeOutOfServiceLeavesSrvAndPoolButKeepsOwnRecord) {
  RecordSet rs = desired_records(make_config(), make_state(), {"lb2", "lb3"});
  const Rdatas* srv = find(rs, "_tunnel._tcp.api.example.com.", "SRV");
  ASSERT_NE(srv, nullptr);
  EXPECT_EQ(*srv, (Rdatas{"0 100 443 lb2.api.example.com.", "10 100 443 lb3.api.example.com."}));
  EXPECT_EQ(*find(rs, "cluster.api.example.com.", "A"), (Rdatas{"198.51.100.2", "198.51.100.3"}));
  ASSERT_NE(find(rs, "lb1.api.example.com.", "A"), nullptr);
  EXPECT_EQ(*find(rs, "lb1.api.example.com.", "A"), (Rdatas{"198.51.100.1"}));
}

TEST(DesiredRecords, AllDownKeepsLastSrvAndPool) {
  RecordSet rs = desired_records(make_config(), make_state(), {});
  EXPECT_EQ(find(rs, "_tunnel._tcp.api.example.com.", "SRV"), nullptr);
  EXPECT_EQ(find(rs, "cluster.api.example.com.", "A"), nullptr);
  EXPECT_EQ(find(rs, "cluster.api.example.com.", "AAAA"), nullptr);
  ASSERT_NE(find(rs, "master.api.example.com.", "A"), nullptr);
  EXPECT_EQ(*find(rs, "master.api.example.com.", "A"), (Rdatas{"198.51.100.2"}));
  for (const char* n : {"lb1", "lb2", "lb3"})
    EXPECT_NE(find(rs, std::string(n) + ".api.example.com.", "A"), nullptr) << n;
  EXPECT_NE(find(rs, "_sentinel.api.example.com.", "TXT"), nullptr);
}

TEST(DesiredRecords, NoMasterYetPublishesNoMasterRecords) {
  RecordSet rs = desired_records(make_config(), make_state("", 0), kAll);
  EXPECT_EQ(find(rs, "master.api.example.com.", "A"), nullptr);
  const Rdatas* srv = find(rs, "_tunnel._tcp.api.example.com.", "SRV");
  ASSERT_NE(srv, nullptr);
  EXPECT_EQ(*srv, (Rdatas{"10 100 443 lb1.api.example.com.", "20 100 443 lb2.api.example.com.",
                          "30 100 443 lb3.api.example.com."}));
}

TEST(SentinelTxt, Parse) {
  std::string t = "\"epoch=12\" \"master=lb3\" \"by=s1\" \"drained=\"";
  EXPECT_EQ(epoch_of_txt(t), 12u);
  EXPECT_EQ(master_of_txt(t), "lb3");
  EXPECT_EQ(epoch_of_txt("\"master=lb3\""), 0u);
  EXPECT_EQ(epoch_of_txt("\"epoch=abc\""), 0u);
  EXPECT_EQ(epoch_of_txt("\"epoch=\""), 0u);
  EXPECT_EQ(epoch_of_txt("\"epoch=99999999999999999999\""), 0u);
  EXPECT_EQ(epoch_of_txt("\"epoch=18446744073709551615\" \"master=x\""),
            0u) << "20 digits are refused";
  EXPECT_EQ(epoch_of_txt("\"epoch=9999999999999999999\""), 9999999999999999999ull);
  EXPECT_EQ(master_of_txt("\"epoch=1\""), "");
}

TEST(Canonical, Ipv6AndNames) {
  RecordSet a;
  a.rrsets[{"x.api.example.com.", "AAAA"}] = {"2001:DB8:0::2"};
  a.rrsets[{"_tunnel._tcp.api.example.com.", "SRV"}] = {"0 100 443 LB2.API.example.com."};
  RecordSet b;
  b.rrsets[{"x.api.example.com.", "AAAA"}] = {"2001:db8::2", "2001:db8::2"};
  b.rrsets[{"_tunnel._tcp.api.example.com.", "SRV"}] = {"0 100 443 lb2.api.example.com."};
  EXPECT_FALSE(a == b);
  EXPECT_EQ(canonicalize(a), canonicalize(b));
  EXPECT_EQ(canonicalize(a).rrsets.at({"x.api.example.com.", "AAAA"}), (Rdatas{"2001:db8::2"}));
  EXPECT_EQ(canonical_rdata("x.api.example.com.", "AAAA", "2001:DB8:0::2"), "2001:db8::2");
  EXPECT_EQ(canonical_rdata("x.api.example.com.", "A", "not-an-ip"), std::nullopt);
}

TEST(Diff, PlusAndMinusLines) {
  RecordSet from, to;
  from.rrsets[{"master.api.example.com.", "A"}] = {"198.51.100.1"};
  to.rrsets[{"master.api.example.com.", "A"}] = {"198.51.100.2"};
  to.rrsets[{"lb1.api.example.com.", "A"}] = {"198.51.100.1"};
  auto d = diff_records(from, to);
  std::sort(d.begin(), d.end());
  EXPECT_EQ(d, (std::vector<std::string>{"+ lb1.api.example.com. 30 A 198.51.100.1",
                                         "+ master.api.example.com. 30 A 198.51.100.2",
                                         "- master.api.example.com. 30 A 198.51.100.1"}));
  EXPECT_TRUE(diff_records(to, to).empty());
  RecordSet longer = to;
  longer.ttl = 60;
  auto t = diff_records(to, longer);
  std::sort(t.begin(), t.end());
  EXPECT_EQ(t, (std::vector<std::string>{"+ lb1.api.example.com. 60 A 198.51.100.1",
                                         "+ master.api.example.com. 60 A 198.51.100.2",
                                         "- lb1.api.example.com. 30 A 198.51.100.1",
                                         "- master.api.example.com. 30 A 198.51.100.2"}));
}

// ---- build_update ----

struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

dnsd::common::TsigKey make_key() {
  dnsd::common::TsigKey k;
  k.name = "sentinel.";
  k.algorithm = dnsd::common::TsigAlgorithm::HmacSha256;
  EXPECT_TRUE(dnsd::common::base64_decode(kSecret, k.secret));
  return k;
}

std::string owner_of(const ldns_rr* rr) { return sentinel::records::owner_text(rr); }

std::string type_of(const ldns_rr* rr) {
  char* s = ldns_rr_type2str(ldns_rr_get_type(rr));
  std::string out = s ? s : "";
  free(s);
  return out;
}

class BuildUpdate : public ::testing::Test {
 protected:
  PktPtr parse(const std::vector<uint8_t>& wire) {
    ldns_pkt* raw = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&raw, wire.data(), wire.size()), LDNS_STATUS_OK);
    return PktPtr(raw);
  }
  RecordSet desired_ = desired_records(make_config(), make_state(), kAll);
  dnsd::common::TsigKey key_ = make_key();
};

TEST_F(BuildUpdate, HeaderZoneAndTsig) {
  std::string error;
  std::string prereq = "\"epoch=6\" \"master=lb1\" \"by=s1\" \"drained=\"";
  auto wire = build_update(key_, kZone, desired_, {prereq}, error);
  ASSERT_FALSE(wire.empty()) << error;
  EXPECT_EQ(error, "");
  PktPtr pkt = parse(wire);
  ASSERT_TRUE(pkt);
  EXPECT_EQ(ldns_pkt_get_opcode(pkt.get()), LDNS_PACKET_UPDATE);
  ldns_rr_list* zone = ldns_pkt_question(pkt.get());
  ASSERT_EQ(ldns_rr_list_rr_count(zone), 1u);
  ldns_rr* z = ldns_rr_list_rr(zone, 0);
  EXPECT_EQ(owner_of(z), kZone);
  EXPECT_EQ(ldns_rr_get_type(z), LDNS_RR_TYPE_SOA);
  EXPECT_EQ(ldns_rr_get_class(z), LDNS_RR_CLASS_IN);

  ASSERT_NE(ldns_pkt_tsig(pkt.get()), nullptr);
  EXPECT_TRUE(ldns_pkt_tsig_verify(pkt.get(), wire.data(), wire.size(), "sentinel.", kSecret,
                                   nullptr));
  // A different secret must not verify.
  PktPtr again = parse(wire);
  EXPECT_FALSE(ldns_pkt_tsig_verify(again.get(), wire.data(), wire.size(), "sentinel.",
                                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", nullptr));
}

TEST_F(BuildUpdate, PrerequisiteIsTheSentinelTxtAsRead) {
  std::string error;
  std::string prereq = "\"epoch=6\" \"master=lb1\" \"by=s1\" \"drained=\"";
  auto wire = build_update(key_, kZone, desired_, {prereq}, error);
  ASSERT_FALSE(wire.empty()) << error;
  PktPtr pkt = parse(wire);
  ldns_rr_list* pr = ldns_pkt_answer(pkt.get());
  ASSERT_EQ(ldns_rr_list_rr_count(pr), 1u);
  ldns_rr* rr = ldns_rr_list_rr(pr, 0);
  EXPECT_EQ(owner_of(rr), "_sentinel.api.example.com.");
  EXPECT_EQ(ldns_rr_get_type(rr), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(ldns_rr_get_class(rr), LDNS_RR_CLASS_IN);
  EXPECT_EQ(ldns_rr_ttl(rr), 0u);
  EXPECT_EQ(rdata_text(rr), prereq);
}

// The records of `nodes` nodes, as desired_records makes them: an A per node, the pool A
// and the SRV with one record per node, master and _sentinel.
RecordSet fleet(int nodes) {
  RecordSet rs;
  std::vector<std::string> srv, pool;
  for (int i = 0; i < nodes; ++i) {
    std::string ip = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
    srv.push_back(std::to_string(10 * i) + " 100 443 n" + std::to_string(i) + "." + kZone);
    pool.push_back(ip);
    rs.rrsets[{"n" + std::to_string(i) + "." + kZone, "A"}] = {ip};
  }
  rs.rrsets[{"_tunnel._tcp." + kZone, "SRV"}] = srv;
  rs.rrsets[{"cluster." + kZone, "A"}] = pool;
  rs.rrsets[{"master." + kZone, "A"}] = {"10.1.0.1"};
  rs.rrsets[{"_sentinel." + kZone, "TXT"}] = {"\"epoch=1\" \"master=n0\" \"by=s1\""};
  return rs;
}

TEST_F(BuildUpdate, TooLargeForOneMessageIsAnErrorNotAnAbort) {
  // ~640 nodes' records fill a 65,535-byte message; ldns aborted the process on them.
  struct Case { int nodes; bool fits; };
  for (Case c : {Case{100, true}, Case{500, true}, Case{700, false}, Case{1000, false}, Case{5000, false}}) {
    std::string error;
    auto wire = build_update(key_, kZone, fleet(c.nodes), {}, error);
    if (c.fits) {
      EXPECT_FALSE(wire.empty()) << c.nodes << ": " << error;
      EXPECT_LE(wire.size(), 65535u) << c.nodes;
      EXPECT_TRUE(parse(wire)) << c.nodes;
    } else {
      EXPECT_TRUE(wire.empty()) << c.nodes;
      EXPECT_NE(error.find("over the 65023 one DNS message can carry"), std::string::npos) << c.nodes << ": " << error;
    }
  }
}

TEST_F(BuildUpdate, EmptyPrerequisiteMeansTxtMustNotExist) {
  std::string error;
  auto wire = build_update(key_, kZone, desired_, {}, error);
  ASSERT_FALSE(wire.empty()) << error;
  PktPtr pkt = parse(wire);
  ldns_rr_list* pr = ldns_pkt_answer(pkt.get());
  ASSERT_EQ(ldns_rr_list_rr_count(pr), 1u);
  ldns_rr* rr = ldns_rr_list_rr(pr, 0);
  EXPECT_EQ(owner_of(rr), "_sentinel.api.example.com.");
  EXPECT_EQ(ldns_rr_get_type(rr), LDNS_RR_TYPE_TXT);
  EXPECT_EQ(ldns_rr_get_class(rr), LDNS_RR_CLASS_NONE);
  EXPECT_EQ(ldns_rr_rd_count(rr), 0u);
  EXPECT_EQ(ldns_rr_ttl(rr), 0u);
  // Also check rdlength 0 on the wire: the prerequisite RR follows the zone section
  // (header 12 + "api.example.com." 17 + type/class 4).
  size_t at = 12 + 17 + 4;
  while (at < wire.size() && wire[at] != 0 && (wire[at] & 0xc0) != 0xc0) at += 1 + wire[at];
  at += at < wire.size() && (wire[at] & 0xc0) == 0xc0 ? 2 : 1;  // pointer or root label
  ASSERT_GT(wire.size(), at + 10);
  EXPECT_EQ((wire[at] << 8) | wire[at + 1], LDNS_RR_TYPE_TXT);
  EXPECT_EQ((wire[at + 2] << 8) | wire[at + 3], LDNS_RR_CLASS_NONE);
  EXPECT_EQ(wire[at + 8], 0);  // rdlength
  EXPECT_EQ(wire[at + 9], 0);
}

TEST_F(BuildUpdate, UpdateSectionDeletesEveryRrsetThenAdds) {
  std::string error;
  auto wire = build_update(key_, kZone, desired_, {}, error);
  ASSERT_FALSE(wire.empty()) << error;
  PktPtr pkt = parse(wire);
  ldns_rr_list* up = ldns_pkt_authority(pkt.get());
  std::set<Key> deleted;
  std::map<Key, Rdatas> added;
  for (size_t i = 0; i < ldns_rr_list_rr_count(up); ++i) {
    ldns_rr* rr = ldns_rr_list_rr(up, i);
    Key k{owner_of(rr), type_of(rr)};
    if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_ANY) {
      EXPECT_EQ(ldns_rr_rd_count(rr), 0u) << k.first;
      EXPECT_EQ(ldns_rr_ttl(rr), 0u);
      EXPECT_TRUE(deleted.insert(k).second) << "deleted twice: " << k.first << " " << k.second;
      EXPECT_EQ(added.count(k), 0u) << "delete after add: " << k.first << " " << k.second;
    } else {
      EXPECT_EQ(ldns_rr_get_class(rr), LDNS_RR_CLASS_IN);
      EXPECT_EQ(ldns_rr_ttl(rr), 30u);
      EXPECT_EQ(deleted.count(k), 1u) << "add before delete: " << k.first << " " << k.second;
      added[k].push_back(rdata_text(rr));
    }
  }
  std::set<Key> want_deleted;
  std::map<Key, Rdatas> want_added;
  for (const auto& [k, r] : desired_.rrsets) {
    want_deleted.insert(k);
    if (!r.empty()) want_added[k] = r;
  }
  for (auto& [k, r] : added) std::sort(r.begin(), r.end());
  EXPECT_EQ(deleted, want_deleted);
  EXPECT_EQ(added, want_added);
  EXPECT_TRUE(deleted.count({"_tunnel._tcp.api.example.com.", "SRV"}));
  EXPECT_EQ(added[Key("master.api.example.com.", "A")], (Rdatas{"198.51.100.2"}));
}

TEST_F(BuildUpdate, BadRecordIsReported) {
  RecordSet bad;
  bad.rrsets[{"x.api.example.com.", "A"}] = {"not-an-address"};
  std::string error;
  build_update(key_, kZone, bad, {}, error);
  EXPECT_NE(error.find("bad record"), std::string::npos) << error;
}

}  // namespace
}  // namespace sentinel::records
