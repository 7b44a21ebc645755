// RFC 2136 semantics: prerequisites, update forms, apex protections, serials, self names.
#include "dnsd/update/update_processor.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <fstream>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/zone/zone_loader.h"
#include "update_test_util.h"

namespace dnsd::update {
namespace {

using testing::make_update;
using testing::parse;
using testing::w;
namespace T = wire::type;

std::shared_ptr<const zone::ZoneSnapshot> base() {
  char path[] = "/tmp/dnsd-upd-XXXXXX";
  close(mkstemp(path));
  std::ofstream(path) << "$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 h 10 2 3 4 5\n@ NS ns1\n@ NS ns2\n"
                         "ns1 A 192.0.2.1\nns2 A 192.0.2.2\nwww A 192.0.2.10\nwww A 192.0.2.11\n"
                         "alias CNAME www\ntxt TXT \"a\"\n";
  common::ErrorList errors;
  auto z = zone::load_zone_file(path, w("example.com."), errors);
  unlink(path);
  EXPECT_TRUE(z) << errors.to_string();
  return z->build(nullptr);
}

UpdateResult run(const std::vector<std::string>& pre, const std::vector<std::string>& up,
                 const std::shared_ptr<const zone::ZoneSnapshot>& z, std::vector<std::string> self = {}) {
  return apply_update(parse(make_update("example.com.", pre, up)), z, self);
}

TEST(PrerequisiteTest, EveryKindWithItsRcode) {
  auto z = base();
  struct Case { std::string pre; uint8_t rcode; };
  for (const Case& c : std::vector<Case>{
           {"www.example.com. 0 ANY A", 0},              // RRset exists
           {"nope.example.com. 0 ANY A", wire::rcode::NXRRSET},
           {"www.example.com. 0 NONE A", wire::rcode::YXRRSET},  // RRset does not exist
           {"www.example.com. 0 NONE MX", 0},
           {"www.example.com. 0 ANY ANY", 0},            // name in use
           {"nope.example.com. 0 ANY ANY", wire::rcode::NXDOMAIN},
           {"www.example.com. 0 NONE ANY", wire::rcode::YXDOMAIN},  // name not in use
           {"nope.example.com. 0 NONE ANY", 0},
           {"txt.example.com. 0 IN TXT \"a\"", 0},       // value dependent
           {"txt.example.com. 0 IN TXT \"b\"", wire::rcode::NXRRSET},
           {"www.example.com. 0 IN A 192.0.2.10", wire::rcode::NXRRSET},  // only part of the set
           {"www.other.org. 0 ANY A", wire::rcode::NOTZONE},
           {"www.example.com. 60 ANY A", wire::rcode::FORMERR}}) {
    auto r = run({c.pre}, {"new.example.com. 60 IN A 192.0.2.99"}, z);
    EXPECT_EQ(r.rcode, c.rcode) << c.pre << ": " << r.reason;
    EXPECT_EQ(r.changed, c.rcode == 0) << c.pre;
  }
  // whole-RRset value match
  EXPECT_EQ(run({"www.example.com. 0 IN A 192.0.2.10", "www.example.com. 0 IN A 192.0.2.11"},
                {"new.example.com. 60 IN A 192.0.2.99"}, z).rcode, 0);
}

TEST(UpdateTest, AddDeleteRRsetDeleteNameDeleteRR) {
  auto z = base();
  auto add = run({}, {"new.example.com. 120 IN A 192.0.2.99"}, z);
  ASSERT_TRUE(add.changed);
  EXPECT_EQ(add.snapshot->to_content().find(w("new.example.com."), T::A)->ttl, 120u);
  EXPECT_EQ(add.snapshot->serial(), 11u);
  EXPECT_EQ(add.diff.added.size(), 1u);
  auto del_rrset = run({}, {"www.example.com. 0 ANY A"}, z);
  EXPECT_EQ(del_rrset.snapshot->to_content().find(w("www.example.com."), T::A), nullptr);
  EXPECT_EQ(del_rrset.diff.deleted.size(), 2u);
  auto del_name = run({}, {"txt.example.com. 0 ANY ANY"}, z);
  EXPECT_EQ(del_name.snapshot->to_content().nodes.count(w("txt.example.com.")), 0u);
  auto del_rr = run({}, {"www.example.com. 0 NONE A 192.0.2.10"}, z);
  EXPECT_EQ(del_rr.snapshot->to_content().find(w("www.example.com."), T::A)->rdatas.size(), 1u);
  // deleting something absent changes nothing: NOERROR, no serial bump
  auto noop = run({}, {"nope.example.com. 0 ANY A"}, z);
  EXPECT_EQ(noop.rcode, 0);
  EXPECT_FALSE(noop.changed);
}

// The diff an update reports (journal, IXFR) is computed from the owners it names only;
// it must equal the full before/after comparison, whatever the mix of operations.
TEST(UpdateTest, DiffFromTouchedOwnersEqualsTheFullDiff) {
  auto z = base();
  auto same = [](const xfr::XfrDiff& a, const xfr::XfrDiff& b) {
    auto key = [](const std::vector<xfr::XfrRecord>& v) {
      std::vector<std::string> out;
      for (const auto& r : v) out.push_back(r.owner + "/" + std::to_string(r.type) + "/" + std::to_string(r.ttl) + "/" + r.rdata);
      std::sort(out.begin(), out.end());
      return out;
    };
    return a.soa_before_rdata == b.soa_before_rdata && a.soa_after_rdata == b.soa_after_rdata &&
           key(a.deleted) == key(b.deleted) && key(a.added) == key(b.added);
  };
  std::vector<std::vector<std::string>> updates = {
      {"new.example.com. 120 IN A 192.0.2.99"},
      {"www.example.com. 0 ANY A", "www.example.com. 300 IN A 192.0.2.77"},
      {"txt.example.com. 0 ANY ANY", "n1.example.com. 60 IN TXT hello", "n2.example.com. 60 IN A 192.0.2.5"},
      {"www.example.com. 0 NONE A 192.0.2.10", "www.example.com. 999 IN A 192.0.2.11"},
      {"example.com. 60 IN SOA ns1.example.com. h.example.com. 50 2 3 4 5"},
  };
  for (const auto& up : updates) {
    auto r = run({}, up, z);
    ASSERT_TRUE(r.changed) << up[0];
    EXPECT_TRUE(same(r.diff, diff_contents(z->to_content(), r.snapshot->to_content()))) << up[0];
  }
}

TEST(UpdateTest, ApexSoaAndNsAreProtected) {
  auto z = base();
  auto r = run({}, {"example.com. 0 ANY ANY"}, z);  // keeps SOA and NS at the apex
  EXPECT_FALSE(r.changed);
  EXPECT_FALSE(run({}, {"example.com. 0 ANY NS"}, z).changed);
  EXPECT_FALSE(run({}, {"example.com. 0 ANY SOA"}, z).changed);
  auto one = run({}, {"example.com. 0 NONE NS ns1.example.com."}, z);
  ASSERT_TRUE(one.changed);
  auto last = apply_update(parse(make_update("example.com.", {}, {"example.com. 0 NONE NS ns2.example.com."})),
                           one.snapshot, {});
  EXPECT_FALSE(last.changed);  // the last apex NS stays
}

TEST(UpdateTest, SoaSerialRules) {
  auto z = base();
  auto higher = run({}, {"example.com. 60 IN SOA ns1.example.com. h.example.com. 50 2 3 4 5"}, z);
  EXPECT_EQ(higher.snapshot->serial(), 50u);  // no extra bump on top
  auto lower = run({}, {"example.com. 60 IN SOA ns1.example.com. h.example.com. 5 2 3 4 5"}, z);
  EXPECT_FALSE(lower.changed);
  EXPECT_TRUE(serial_lt(0xFFFFFFFFu, 0u));  // RFC 1982 wrap
  EXPECT_FALSE(serial_lt(5, 5));
  EXPECT_TRUE(serial_lt(10, 11));
}

TEST(UpdateTest, SerialWrapsAround) {
  auto z = base();
  // RFC 1982 only allows steps below 2^31, so walk up to 2^32 - 1 in three updates.
  for (uint32_t serial : {2000000000u, 4000000000u, 4294967295u}) {
    auto r = apply_update(parse(make_update("example.com.", {},
                                            {"example.com. 60 IN SOA ns1.example.com. h.example.com. " +
                                             std::to_string(serial) + " 2 3 4 5"})),
                          z, {});
    ASSERT_TRUE(r.changed) << serial;
    z = r.snapshot;
  }
  auto wrapped = apply_update(parse(make_update("example.com.", {}, {"n.example.com. 60 IN A 192.0.2.1"})), z, {});
  ASSERT_TRUE(wrapped.changed);
  EXPECT_EQ(wrapped.snapshot->serial(), 0u);
}

TEST(UpdateTest, CnameConflictsAreIgnored) {
  auto z = base();
  EXPECT_FALSE(run({}, {"alias.example.com. 60 IN A 192.0.2.1"}, z).changed);
  EXPECT_FALSE(run({}, {"www.example.com. 60 IN CNAME other.example.com."}, z).changed);
  auto replace = run({}, {"alias.example.com. 60 IN CNAME txt.example.com."}, z);
  EXPECT_EQ(replace.snapshot->to_content().find(w("alias.example.com."), T::CNAME)->rdatas.size(), 1u);
}

TEST(UpdateTest, SelfNamesAreRefused) {
  auto z = base();
  std::vector<std::string> self = {w("example.com."), w("*.example.com.")};
  EXPECT_EQ(run({}, {"example.com. 60 IN A 192.0.2.1"}, z, self).rcode, wire::rcode::REFUSED);
  EXPECT_EQ(run({}, {"*.example.com. 0 ANY ANY"}, z, self).rcode, wire::rcode::REFUSED);
  EXPECT_EQ(run({}, {"example.com. 60 IN TXT \"ok\""}, z, self).rcode, 0);
}

TEST(UpdateTest, AllOrNothing) {
  auto z = base();
  auto r = run({}, {"new.example.com. 60 IN A 192.0.2.1", "www.other.org. 60 IN A 192.0.2.2"}, z);
  EXPECT_EQ(r.rcode, wire::rcode::NOTZONE);
  EXPECT_EQ(r.snapshot, nullptr);
  EXPECT_EQ(z->find(w("new.example.com.")), nullptr);
}

TEST(UpdateTest, ZoneSectionChecks) {
  auto z = base();
  auto other = apply_update(parse(make_update("example.org.", {}, {})), z, {});
  EXPECT_EQ(other.rcode, wire::rcode::NOTAUTH);
  auto m = make_update("example.com.", {}, {});
  m[5] = 2;  // zocount 2
  UpdateMessage msg;
  EXPECT_FALSE(parse_update(m.data(), m.size(), msg));
}

TEST(UpdateMessageTest, CompressedRdataNamesAreStoredUncompressed) {
  auto m = make_update("example.com.", {}, {"mx.example.com. 60 IN MX 10 mail.example.com."});
  auto msg = parse(m);
  ASSERT_EQ(msg.updates.size(), 1u);
  EXPECT_EQ(msg.updates[0].rdata, std::string("\x00\x0a", 2) + w("mail.example.com."));
  // hand-compressed CNAME target pointing at the zone name (offset 12)
  std::vector<uint8_t> c = make_update("example.com.", {}, {});
  c[9] = 1;  // upcount 1
  std::vector<uint8_t> rr = {1, 'x', 0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'y', 0xC0, 12};
  c.insert(c.end(), rr.begin(), rr.end());
  auto cm = parse(c);
  EXPECT_EQ(cm.updates[0].rdata, w("y.example.com."));
  // a truncated record is FORMERR
  c.pop_back();
  UpdateMessage bad;
  EXPECT_FALSE(parse_update(c.data(), c.size(), bad));
}

}  // namespace
}  // namespace dnsd::update
