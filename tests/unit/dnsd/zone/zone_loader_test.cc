// Zone file loading: every error names the file and line; zone rules; self conflicts.
#include "dnsd/zone/zone_loader.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "dnsd/common/ldns_include.h"
#include <unistd.h>

#include <fstream>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/catalog_builder.h"

namespace dnsd::zone {
namespace {

class TempZone {
 public:
  explicit TempZone(const std::string& text) {
    char p[] = "/tmp/dnsd-zone-test-XXXXXX";
    int fd = mkstemp(p);
    close(fd);
    path_ = p;
    std::ofstream(path_) << text;
  }
  ~TempZone() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string kOrigin = *wire::name_from_text("example.com.");
const std::string kHead =
    "$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 host 1 2 3 4 5\n@ NS ns1.other.net.\n";

std::string load_errors(const std::string& text) {
  TempZone z(text);
  common::ErrorList errors;
  auto content = load_zone_file(z.path(), kOrigin, errors);
  EXPECT_EQ(content.has_value(), errors.empty());
  std::string s = errors.to_string();
  // Replace the random temp path with a stable marker.
  for (size_t at; (at = s.find(z.path())) != std::string::npos;) s.replace(at, z.path().size(), "ZONE");
  return s;
}

TEST(ZoneLoaderTest, LoadsRecordsAndMergesDuplicates) {
  TempZone z(kHead + "www A 192.0.2.1\nwww A 192.0.2.1\nwww A 192.0.2.2\n");
  common::ErrorList errors;
  auto content = load_zone_file(z.path(), kOrigin, errors);
  ASSERT_TRUE(content) << errors.to_string();
  std::string www = *wire::name_from_text("www.example.com.");
  EXPECT_EQ(content->line_of(www, wire::type::A), 5);
  EXPECT_EQ(content->line_of(www, wire::type::TXT), -1);
  auto snap = content->build(nullptr);
  const ZoneSnapshot::Node* n = snap->find(www);
  ASSERT_NE(n, nullptr);
  const ZoneSnapshot::RRset* a = ZoneSnapshot::rrset(*n, wire::type::A);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->count, 2u);
  EXPECT_EQ(a->ttl, 60u);
  EXPECT_EQ(snap->serial(), 1u);
}

TEST(ZoneLoaderTest, SyntaxErrorHasLine) {
  EXPECT_EQ(load_errors(kHead + "www A 192.0.2.1\nbad A not-an-address\n"),
            "ZONE:6: Syntax error, could not parse the RR's rdata: bad A not-an-address\n")
      << "got: " << load_errors(kHead + "www A 192.0.2.1\nbad A not-an-address\n");
}

TEST(ZoneLoaderTest, ReportsEveryError) {
  std::string errs = load_errors(kHead + "a A 1.2.3.4.5\nb AAAA zzz\nc MX x\n");
  EXPECT_NE(errs.find("ZONE:5:"), std::string::npos) << errs;
  EXPECT_NE(errs.find("ZONE:6:"), std::string::npos) << errs;
  EXPECT_NE(errs.find("ZONE:7:"), std::string::npos) << errs;
}

TEST(ZoneLoaderTest, ZoneRules) {
  EXPECT_NE(load_errors("$ORIGIN example.com.\n@ 60 NS ns1.other.net.\n").find("has no SOA"),
            std::string::npos);
  EXPECT_NE(load_errors("$ORIGIN example.com.\n@ 60 SOA ns1 host 1 2 3 4 5\n").find("no NS"),
            std::string::npos);
  EXPECT_NE(load_errors(kHead + "www CNAME a\nwww TXT x\n").find("CNAME and other data"),
            std::string::npos);
  EXPECT_NE(load_errors(kHead + "www.other.org. A 192.0.2.1\n").find("ZONE:5: owner www.other.org. is outside"),
            std::string::npos);
  EXPECT_NE(load_errors(kHead + "x CH TXT hi\n").find("class must be IN"), std::string::npos);
}

TEST(ZoneLoaderTest, MissingFileIsAnError) {
  common::ErrorList errors;
  EXPECT_FALSE(load_zone_file("/nonexistent/zone", kOrigin, errors));
  EXPECT_NE(errors.to_string().find("/nonexistent/zone: cannot open zone file"), std::string::npos);
}

TEST(CatalogBuilderTest, SelfNameWithAddressInFileIsAConfigError) {
  TempZone z(kHead + "www A 192.0.2.1\n@ AAAA 2001:db8::1\n");
  config::Config cfg;
  cfg.path = "dnsd.toml";
  config::ZoneConfig zc;
  zc.name = "example.com.";
  zc.file = z.path();
  zc.self = {"@", "www"};
  zc.line = 12;
  cfg.zones.push_back(zc);
  common::ErrorList errors;
  EXPECT_EQ(build_catalog(cfg, errors), nullptr);
  std::string s = errors.to_string();
  EXPECT_NE(s.find(z.path() + ":5: www.example.com. is a self name"), std::string::npos) << s;
  EXPECT_NE(s.find(z.path() + ":6: example.com. is a self name"), std::string::npos) << s;
}

TEST(CatalogBuilderTest, BuildsSeveralZonesAndFindsLongestSuffix) {
  TempZone parent(kHead + "sub NS ns.sub\nns.sub A 192.0.2.9\n");
  TempZone child("$ORIGIN sub.example.com.\n$TTL 60\n@ SOA ns host 1 2 3 4 5\n@ NS ns\nns A 192.0.2.9\n");
  config::Config cfg;
  cfg.server.identity = "n1";
  config::ZoneConfig a, b;
  a.name = "example.com.";
  a.file = parent.path();
  a.self = {};
  b.name = "Sub.Example.com.";
  b.file = child.path();
  b.self = {"*"};
  cfg.zones = {a, b};
  inet_pton(AF_INET, "10.0.0.1", &cfg.node.ipv4.emplace_back());
  common::ErrorList errors;
  auto cat = build_catalog(cfg, errors);
  ASSERT_NE(cat, nullptr) << errors.to_string();
  EXPECT_EQ(cat->zones.size(), 2u);
  wire::NameBuf q;
  std::string n = *wire::name_from_text("x.sub.example.com.");
  size_t pos = 0;
  ASSERT_TRUE(wire::read_name(reinterpret_cast<const uint8_t*>(n.data()), n.size(), pos, q));
  const ZoneSnapshot* z = cat->find_zone(q);
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->apex(), *wire::name_from_text("sub.example.com."));
  // the self wildcard was injected
  EXPECT_NE(z->find(*wire::name_from_text("*.sub.example.com.")), nullptr);
}

}  // namespace
}  // namespace dnsd::zone
