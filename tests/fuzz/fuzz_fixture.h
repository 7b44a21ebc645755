// Shared fixtures of the fuzz targets: one small zone with self names, loaded once.
#pragma once
#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
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

// The fixture zone with lb1's self names, loaded once.
inline std::shared_ptr<const dnsd::zone::ZoneSnapshot> zone_snapshot() {
  static std::shared_ptr<const dnsd::zone::ZoneSnapshot> snapshot = [] {
    std::string path = scratch_path("fixture.zone");
    { std::ofstream(path) << kZoneText; }
    dnsd::common::ErrorList errors;
    auto c = dnsd::zone::load_zone_file(path, origin_wire(), errors);
    std::remove(path.c_str());
    if (!c) {
      std::fprintf(stderr, "fuzz fixture zone does not load:\n%s", errors.to_string().c_str());
      std::abort();
    }
    return c->build(std::make_shared<const dnsd::zone::SelfSpec>(self_config("lb1")));
  }();
  return snapshot;
}

// Aborts unless the snapshot's node structure is whole: every node but the apex has its
// parent, every child count is exact, and a node without data is a self name, the apex
// or a non-terminal with children.
inline void check_structure(const dnsd::zone::ZoneSnapshot& z) {
  using Snap = dnsd::zone::ZoneSnapshot;
  std::map<std::string, uint32_t> children;
  size_t nodes = 0;
  for (const auto& shard : z.shards()) {
    for (uint32_t i = 0; i < shard->node_count; ++i) {
      const Snap::Node& n = shard->nodes()[i];
      std::string name = z.full_name(n);
      ++nodes;
      if (z.find(name) != &n) std::abort();  // reachable through the index
      if (name == z.origin()) continue;
      std::string parent = name.substr(1u + static_cast<uint8_t>(name[0]));
      if (!z.find(parent)) std::abort();
      ++children[parent];
    }
  }
  if (nodes != z.node_count()) std::abort();
  for (const auto& shard : z.shards()) {
    for (uint32_t i = 0; i < shard->node_count; ++i) {
      const Snap::Node& n = shard->nodes()[i];
      std::string name = z.full_name(n);
      if (n.children != children[name]) std::abort();
      bool self = z.self() && z.self()->is_owner(name);
      if (n.rrset_count == 0 && n.children == 0 && !self && name != z.origin()) std::abort();
    }
  }
}

inline const dnsd::zone::Catalog& catalog() {
  static std::shared_ptr<dnsd::zone::Catalog> cat = [] {
    auto c = std::make_shared<dnsd::zone::Catalog>();
    c->identity = "fuzz";
    c->cookies.count = 1;  // a fixed secret: the cookie path is fuzzed too
    for (uint8_t i = 0; i < 16; ++i) c->cookies.keys[0].bytes[i] = i;
    dnsd::zone::ZoneEntry e;
    e.self = self_config("lb1");
    e.snapshot = zone_snapshot();
    c->zones.push_back(std::move(e));
    return c;
  }();
  return *cat;
}

}  // namespace fuzz
