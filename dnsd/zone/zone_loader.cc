// Zone file loading: master_file.h reads the records, this file builds and checks the zone.
#include "dnsd/zone/zone_loader.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/master_file.h"

namespace dnsd::zone {
namespace {

void lower(std::string& s) {
  for (auto& c : s) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
}

}  // namespace

std::optional<ZoneContent> load_zone_file(const std::string& path, const std::string& origin,
                                          common::ErrorList& errors) {
  size_t before = errors.size();
  ZoneContent zone;
  zone.origin = origin;
  std::string origin_text = wire::name_to_text(origin);
  std::string owner;
  bool read = read_master_file(path, origin, errors, [&](const MasterRecord& rr) {
    owner.assign(rr.owner);
    lower(owner);
    if (rr.klass != wire::klass::IN) {
      errors.add(path, rr.line, "", "", "class must be IN");
    } else if (!wire::is_subdomain(owner, origin)) {
      errors.add(path, rr.line, "", "",
                 "owner " + wire::name_to_text(owner) + " is outside the zone " + origin_text);
    } else if (rr.type == wire::type::OPT || rr.type == wire::type::TSIG ||
               rr.type == wire::type::ANY || rr.type == wire::type::AXFR ||
               rr.type == wire::type::IXFR) {
      errors.add(path, rr.line, "", "", "meta type cannot appear in a zone file");
    } else {
      RRsetContent& set = zone.nodes[owner][rr.type];
      if (set.rdatas.empty()) {
        set.ttl = rr.ttl;
        set.line = rr.line;
      }
      set.add(std::string(rr.rdata));
    }
  });
  if (!read) return std::nullopt;
  if (errors.size() == before) check_zone_rules(zone, path, errors);
  if (errors.size() != before) return std::nullopt;
  return zone;
}

void check_zone_rules(const ZoneContent& zone, const std::string& file, common::ErrorList& errors) {
  std::string origin_text = wire::name_to_text(zone.origin);
  const RRsetContent* soa = zone.find(zone.origin, wire::type::SOA);
  if (!soa) {
    errors.add(file, 0, "", "", "zone " + origin_text + " has no SOA record at its apex");
  } else {
    SoaFields f;
    if (soa->rdatas.size() != 1) errors.add(file, soa->line, "", "", "more than one SOA record");
    else if (!parse_soa(soa->rdatas.front(), f)) errors.add(file, soa->line, "", "", "malformed SOA");
  }
  if (!zone.find(zone.origin, wire::type::NS)) {
    errors.add(file, 0, "", "", "zone " + origin_text + " has no NS records at its apex");
  }
  for (const auto& [owner, node] : zone.nodes) {
    auto cname = node.find(wire::type::CNAME);
    if (cname == node.end()) {
      auto soa_here = node.find(wire::type::SOA);
      if (soa_here != node.end() && owner != zone.origin)
        errors.add(file, soa_here->second.line, "", "", "SOA record below the apex");
      continue;
    }
    if (cname->second.rdatas.size() > 1)
      errors.add(file, cname->second.line, "", "",
                 wire::name_to_text(owner) + " has more than one CNAME record");
    if (owner == zone.origin)
      errors.add(file, cname->second.line, "", "", "CNAME at the zone apex");
    for (const auto& [type, set] : node) {
      if (type == wire::type::CNAME || type == wire::type::RRSIG || type == wire::type::NSEC)
        continue;
      errors.add(file, set.line, "", "",
                 wire::name_to_text(owner) + " has a CNAME and other data (RFC 1034 3.6.2)");
      break;
    }
  }
}

}  // namespace dnsd::zone
