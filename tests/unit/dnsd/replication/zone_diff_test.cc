// The repair of a diverged node: the zone difference (table-driven), the AXFR reader, and
// the whole repair update applied to a diverged zone giving the primary's content.
#include <gtest/gtest.h>

#include <algorithm>

#include "dnsd/replication/axfr_reader.h"
#include "dnsd/replication/replication_entry.h"
#include "dnsd/replication/zone_diff.h"
#include "dnsd/update/update_message.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "testutil/dns_test_util.h"

namespace dnsd::replication {
namespace {

namespace T = wire::type;
using xfr::XfrRecord;

const std::string kOrigin("\x07" "example" "\x03" "com" "\x00", 13);
std::string owner(const std::string& label) {
  return std::string(1, static_cast<char>(label.size())) + label + kOrigin;
}
const std::string kWww = owner("www"), kLb = owner("lb"), kMail = owner("mail");
const std::string kMarker = marker_owner(kOrigin);

XfrRecord rr(const std::string& o, uint16_t type, uint32_t ttl, const std::string& rdata) { return {o, type, ttl, rdata}; }
std::string fmt(const std::vector<XfrRecord>& v) {
  std::string s;
  for (const auto& r : v)
    s += "[" + std::to_string(r.owner.size()) + ":" + std::to_string(r.type) + "/" + std::to_string(r.ttl) + " " +
         r.rdata + "]";
  return s;
}

struct DiffCase {
  const char* what;
  std::vector<XfrRecord> primary, replica;
  std::vector<XfrRecord> deleted, added;
};

TEST(ZoneDiff, WhatTurnsTheReplicaIntoThePrimary) {
  const std::vector<DiffCase> cases = {
      {"the same content", {rr(kWww, T::A, 60, "AAAA")}, {rr(kWww, T::A, 60, "AAAA")}, {}, {}},
      {"both empty", {}, {}, {}, {}},
      {"an RR only the replica has is deleted", {rr(kWww, T::A, 60, "AAAA")},
       {rr(kWww, T::A, 60, "AAAA"), rr(kWww, T::A, 60, "BBBB")}, {rr(kWww, T::A, 0, "BBBB")}, {}},
      {"an RR only the primary has is added", {rr(kWww, T::TXT, 60, "\x01x"), rr(kMail, T::MX, 300, "mx")},
       {rr(kWww, T::TXT, 60, "\x01x")}, {}, {rr(kMail, T::MX, 300, "mx")}},
      {"a changed rdata: delete the old, add the new", {rr(kWww, T::A, 60, "NEW1")},
       {rr(kWww, T::A, 60, "OLD1")}, {rr(kWww, T::A, 0, "OLD1")}, {rr(kWww, T::A, 60, "NEW1")}},
      {"a whole RRset only on the replica", {},
       {rr(kMail, T::TXT, 60, "\x01" "a"), rr(kMail, T::TXT, 60, "\x01" "b")},
       {rr(kMail, T::TXT, 0, "\x01" "a"), rr(kMail, T::TXT, 0, "\x01" "b")}, {}},
      {"another TTL: every RR of the primary's set is added again (it sets the set's TTL)",
       {rr(kWww, T::A, 300, "AAAA"), rr(kWww, T::A, 300, "BBBB")},
       {rr(kWww, T::A, 60, "AAAA"), rr(kWww, T::A, 60, "BBBB")}, {},
       {rr(kWww, T::A, 300, "AAAA"), rr(kWww, T::A, 300, "BBBB")}},
      {"another TTL and one RR less", {rr(kWww, T::A, 300, "AAAA")},
       {rr(kWww, T::A, 60, "AAAA"), rr(kWww, T::A, 60, "BBBB")}, {rr(kWww, T::A, 0, "BBBB")},
       {rr(kWww, T::A, 300, "AAAA")}},
      {"the SOA, the marker and the self addresses are each node's own",
       {rr(kOrigin, T::SOA, 3600, "soa-1"), rr(kMarker, T::TXT, 0, "\x05seq=1"), rr(kLb, T::A, 30, "1111")},
       {rr(kOrigin, T::SOA, 3600, "soa-9"), rr(kMarker, T::TXT, 0, "\x05seq=9"), rr(kLb, T::AAAA, 30, "2222")},
       {}, {}},
      {"other types at a self name or the marker name are replicated",
       {rr(kLb, T::TXT, 60, "\x01p"), rr(kMarker, T::A, 60, "MMMM")}, {rr(kLb, T::TXT, 60, "\x01r")},
       {rr(kLb, T::TXT, 0, "\x01r")}, {rr(kLb, T::TXT, 60, "\x01p"), rr(kMarker, T::A, 60, "MMMM")}},
      {"a duplicate counts once", {rr(kWww, T::A, 60, "AAAA"), rr(kWww, T::A, 60, "AAAA")},
       {rr(kWww, T::A, 60, "AAAA")}, {}, {}},
      {"the order of the input does not matter; the output is sorted (by wire owner, type, rdata)",
       {rr(kWww, T::A, 60, "BBBB"), rr(kMail, T::A, 60, "CCCC"), rr(kWww, T::A, 60, "AAAA")}, {}, {},
       {rr(kWww, T::A, 60, "AAAA"), rr(kWww, T::A, 60, "BBBB"), rr(kMail, T::A, 60, "CCCC")}},
  };
  for (const auto& c : cases) {
    ZoneDiff d = zone_diff(c.primary, c.replica, kOrigin, {kLb});
    EXPECT_EQ(fmt(d.deleted), fmt(c.deleted)) << c.what;
    EXPECT_EQ(fmt(d.added), fmt(c.added)) << c.what;
    EXPECT_EQ(d.empty(), c.deleted.empty() && c.added.empty()) << c.what;
  }
}

// Every record of a transfer, as an AXFR of `records` split into messages of `max` bytes.
std::vector<std::vector<uint8_t>> axfr_messages(const std::vector<XfrRecord>& records, uint16_t id, size_t max) {
  auto q = build_axfr_query(kOrigin, id);
  xfr::XfrWriter w(q.data(), q.size(), max);
  for (const auto& r : records) w.add(r.owner, r.type, r.ttl, r.rdata);
  return w.finish();
}

TEST(AxfrReader, ReadsEveryRecordOverManyMessages) {
  std::vector<XfrRecord> zone = {rr(kOrigin, T::SOA, 3600, "soa")};
  for (int i = 0; i < 40; ++i) zone.push_back(rr(owner("n" + std::to_string(i)), T::TXT, 60, "\x04text"));
  auto with_closing = zone;
  with_closing.push_back(zone.front());
  auto msgs = axfr_messages(with_closing, 9, 200);
  ASSERT_GT(msgs.size(), 3u);
  AxfrReader r(kOrigin, 9);
  std::string error;
  for (size_t i = 0; i + 1 < msgs.size(); ++i) ASSERT_EQ(r.add(msgs[i], error), AxfrReader::Progress::More) << error;
  ASSERT_EQ(r.add(msgs.back(), error), AxfrReader::Progress::Done) << error;
  EXPECT_EQ(fmt(r.records()), fmt(zone));  // the closing SOA is not kept
  EXPECT_EQ(r.add(msgs.back(), error), AxfrReader::Progress::Error);
}

TEST(AxfrReader, RefusesWhatIsNotThisTransfer) {
  std::string error;
  auto zone = axfr_messages({rr(kOrigin, T::SOA, 3600, "soa"), rr(kOrigin, T::SOA, 3600, "soa")}, 5, 16384);
  EXPECT_EQ(AxfrReader(kOrigin, 6).add(zone[0], error), AxfrReader::Progress::Error);  // another ID
  EXPECT_NE(error.find("not a response"), std::string::npos) << error;
  auto refused = zone[0];
  refused[3] = static_cast<uint8_t>((refused[3] & 0xF0) | wire::rcode::REFUSED);
  EXPECT_EQ(AxfrReader(kOrigin, 5).add(refused, error), AxfrReader::Progress::Error);
  EXPECT_NE(error.find("replication key allowed to transfer"), std::string::npos) << error;
  auto no_soa = axfr_messages({rr(kWww, T::A, 60, "AAAA")}, 5, 16384);
  EXPECT_EQ(AxfrReader(kOrigin, 5).add(no_soa[0], error), AxfrReader::Progress::Error);
  EXPECT_NE(error.find("first record"), std::string::npos) << error;
  auto cut = zone[0];
  cut.resize(cut.size() - 3);
  EXPECT_EQ(AxfrReader(kOrigin, 5).add(cut, error), AxfrReader::Progress::Error);
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

std::vector<XfrRecord> replicated(const zone::ZoneSnapshot& z) {
  std::vector<XfrRecord> out;
  for (auto& r : snapshot_records(z))
    if (is_replicated_record(r, z.origin(), z.self() ? z.self()->owners : std::vector<std::string>{}))
      out.push_back(r);
  std::sort(out.begin(), out.end(), [](const XfrRecord& a, const XfrRecord& b) {
    return std::tie(a.owner, a.type, a.rdata, a.ttl) < std::tie(b.owner, b.type, b.rdata, b.ttl);
  });
  return out;
}

struct RepairCase {
  const char* what;
  const char* primary;  // zone text after the SOA/NS lines
  const char* replica;
};

// The repair update as the primary builds it, applied to the replica's zone through the
// normal update path, gives exactly the primary's replicated records and its marker.
TEST(Repair, TheRepairUpdateMakesTheReplicaThePrimarysZone) {
  const char* head = "$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1 hostmaster 5 7200 3600 1209600 300\n@ NS ns1\n"
                     "ns1 A 192.0.2.1\n";
  const std::vector<RepairCase> cases = {
      {"changed, missing and extra records", "www 60 A 192.0.2.10\nacme 60 TXT \"t1\"\n",
       "www 60 A 192.0.2.99\nrogue 60 TXT \"x\"\n"},
      {"a CNAME on the replica where the primary has an A", "alias 60 A 192.0.2.7\n",
       "alias 60 CNAME www\nwww A 192.0.2.10\n"},
      {"a TTL change", "www 300 A 192.0.2.10\n", "www 60 A 192.0.2.10\n"},
      {"only the marker differs", "www 60 A 192.0.2.10\n", "www 60 A 192.0.2.10\n"},
  };
  for (const auto& c : cases) {
    auto p = testutil::make_catalog({{"example.com.", std::string(head) + c.primary, {"lb"}, {"192.0.2.50"}, {}}});
    auto r = testutil::make_catalog({{"example.com.", std::string(head) + c.replica, {"lb"}, {"192.0.2.51"}, {}}});
    ASSERT_TRUE(p && r) << c.what;
    const auto& ps = p->zones[0].snapshot;
    const auto& rs = r->zones[0].snapshot;
    ZoneDiff d = zone_diff(snapshot_records(*ps), snapshot_records(*rs), kOrigin, ps->self()->owners);
    ReplicationEntry e;
    e.seq = 4;
    e.marker = "seq=4 primary=lb1 hash=0123456789abcdef";
    e.deleted = d.deleted;
    e.added = d.added;
    // The replica has no marker in this test: the fence is "no TXT" (the "" form).
    auto msg = build_replication_update(e, "", kOrigin, 3);
    update::UpdateMessage m;
    ASSERT_TRUE(update::parse_update(msg.data(), msg.size(), m)) << c.what;
    std::string reason;
    ASSERT_TRUE(entry_from_update(m, reason)) << c.what << ": " << reason;
    auto result = update::apply_update(m, rs, rs->self()->owners);
    ASSERT_EQ(result.rcode, 0) << c.what << ": " << result.reason;
    ASSERT_TRUE(result.changed) << c.what;
    EXPECT_EQ(fmt(replicated(*result.snapshot)), fmt(replicated(*ps))) << c.what;
    auto marker = served_marker(*result.snapshot);
    ASSERT_TRUE(marker && *marker) << c.what;
    EXPECT_EQ(format_marker(**marker), e.marker) << c.what;
  }
}

// The primary reads a node's marker and SOA serial with two queries on one connection:
// both read from answers as dnsd's answer path writes them (compressed names included).
TEST(ReplicaQueries, SoaSerialAndMarkerFromDnsdsAnswers) {
  auto c = testutil::make_catalog(
      {{"example.com.",
        "$ORIGIN example.com.\n@ 3600 SOA ns1 hostmaster 2024010107 7200 3600 1209600 300\n@ NS ns1\n"
        "ns1 A 192.0.2.1\n_replication 0 TXT \"seq=3 primary=lb1 hash=0123456789abcdef\"\n",
        {}, {}, {}}});
  ASSERT_TRUE(c);
  std::string error;
  uint32_t serial = 0;
  auto soa = testutil::run(*c, build_soa_query(kOrigin, 77), answer::Transport::Tcp);
  ASSERT_TRUE(read_soa_serial(soa->wire, 77, kOrigin, serial, error)) << error;
  EXPECT_EQ(serial, 2024010107u);
  EXPECT_FALSE(read_soa_serial(soa->wire, 78, kOrigin, serial, error));  // not our ID
  const std::string other("\x07" "example" "\x03" "net" "\x00", 13);
  auto refused = testutil::run(*c, build_soa_query(other, 79), answer::Transport::Tcp);
  EXPECT_FALSE(read_soa_serial(refused->wire, 79, other, serial, error));
  EXPECT_NE(error.find("rcode"), std::string::npos) << error;
  auto txt = testutil::run(*c, build_marker_query(kOrigin, 80), answer::Transport::Tcp);
  std::optional<Marker> m;
  ASSERT_TRUE(read_marker_answer(txt->wire, 80, m, error)) << error;
  ASSERT_TRUE(m);
  EXPECT_EQ(format_marker(*m), "seq=3 primary=lb1 hash=0123456789abcdef");
  EXPECT_FALSE(read_soa_serial(txt->wire, 80, kOrigin, serial, error));  // a TXT answer has no SOA
}

}  // namespace
}  // namespace dnsd::replication
