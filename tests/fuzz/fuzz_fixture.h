// Shared fixtures of the fuzz targets: one small zone with self names, loaded once.
#pragma once
#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "dnsd/common/config_error.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/zone_loader.h"
#include "dnsd/zone/zone_snapshot.h"

namespace fuzz {

inline const char* kZoneText = R"($ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60
@     NS  ns1.example.test.
@     NS  ns2.example.test.
@     MX  10 mail
mail  A   192.0.2.30
www   CNAME @
chain CNAME www
_tunnel._tcp 30 SRV 0 100 443 lb1
lb1   A   192.0.2.11
_sentinel TXT "epoch=3" "master=lb1" "by=s1" "drained=lb2"
*.wild A  192.0.2.50
sub.wild AAAA 2001:db8::51
legacy NS ns.legacy
ns.legacy A 192.0.2.20
a.b.c TXT "deep"
)";

inline std::string origin_wire() {
  std::string o = *dnsd::wire::name_from_text("api.example.test.");
  return o;
}

// A temp file path that the process owns (fuzzers run one input at a time).
inline std::string scratch_path(const char* what) {
  const char* dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return std::string(dir) + "/dnsgtm-fuzz-" + what + "-" + std::to_string(getpid());
}

inline std::shared_ptr<const dnsd::zone::ZoneContent> zone_content() {
  static std::shared_ptr<const dnsd::zone::ZoneContent> content = [] {
    std::string path = scratch_path("fixture.zone");
    { std::ofstream(path) << kZoneText; }
    dnsd::common::ErrorList errors;
    auto c = dnsd::zone::load_zone_file(path, origin_wire(), errors);
    std::remove(path.c_str());
    if (!c) {
      std::fprintf(stderr, "fuzz fixture zone does not load:\n%s", errors.to_string().c_str());
      std::abort();
    }
    return std::make_shared<const dnsd::zone::ZoneContent>(std::move(*c));
  }();
  return content;
}

inline dnsd::zone::SelfSpec self_config(const std::string& node = "lb2") {
  dnsd::zone::SelfSpec self;
  self.node_name = node;
  self.owners.push_back(origin_wire());
  self.owners.push_back(std::string("\x01*", 2) + origin_wire());
  in_addr v4{};
  inet_pton(AF_INET, "198.51.100.10", &v4);
  self.ipv4.push_back(v4);
  in6_addr v6{};
  inet_pton(AF_INET6, "2001:db8::10", &v6);
  self.ipv6.push_back(v6);
  return self;
}

inline const dnsd::zone::Catalog& catalog() {
  static std::shared_ptr<dnsd::zone::Catalog> cat = [] {
    auto c = std::make_shared<dnsd::zone::Catalog>();
    c->identity = "fuzz";
    dnsd::zone::ZoneEntry e;
    e.self = self_config("lb1");
    e.snapshot = dnsd::zone::ZoneSnapshot::compile(zone_content(), e.self);
    c->zones.push_back(std::move(e));
    return c;
  }();
  return *cat;
}

}  // namespace fuzz
