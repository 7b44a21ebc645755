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

std::optional<ZoneBuilder> load_zone_file(const std::string& path, const std::string& origin,
                                          common::ErrorList& errors) {
  size_t before = errors.size();
  ZoneBuilder zone(origin);
  std::string origin_text = wire::name_to_text(origin);
  std::string owner;
  bool read = read_master_file(path, origin, errors, [&](const MasterRecord& rr) {
    owner.assign(rr.owner);
    lower(owner);
    if (rr.klass != wire::klass::IN) {
      errors.add(path, rr.line, "", "", "class must be IN");
    } else if (owner.size() > wire::kMaxNameLength) {  // ldns lets some through
      errors.add(path, rr.line, "", "", "owner name is longer than 255 bytes");
    } else if (!wire::is_subdomain(owner, origin)) {
      errors.add(path, rr.line, "", "",
                 "owner " + wire::name_to_text(owner) + " is outside the zone " + origin_text);
    } else if (rr.type == wire::type::OPT || rr.type == wire::type::TSIG ||
               rr.type == wire::type::ANY || rr.type == wire::type::AXFR ||
               rr.type == wire::type::IXFR) {
      errors.add(path, rr.line, "", "", "meta type cannot appear in a zone file");
    } else {
      zone.add(owner, rr.type, rr.ttl, rr.rdata, rr.line);
    }
  });
  if (!read) return std::nullopt;
  zone.seal();
  if (errors.size() == before) zone.check_rules(path, errors);
  if (errors.size() != before) return std::nullopt;
  return zone;
}

void check_owner_rules(const std::string& origin, const std::string& owner, const NodeContent& node,
                       const std::string& file, common::ErrorList& errors) {
  if (owner == origin) {
    auto soa = node.find(wire::type::SOA);
    SoaFields f;
    if (soa == node.end() || soa->second.rdatas.size() != 1 || !parse_soa(soa->second.rdatas[0], f))
      errors.add(file, 0, "", "", "the apex must keep exactly one well-formed SOA record");
    if (!node.count(wire::type::NS)) errors.add(file, 0, "", "", "the apex must keep its NS records");
  } else if (node.count(wire::type::SOA)) {
    errors.add(file, 0, "", "", "SOA record below the apex");
  }
  auto cname = node.find(wire::type::CNAME);
  if (cname == node.end()) return;
  if (cname->second.rdatas.size() > 1)
    errors.add(file, 0, "", "", wire::name_to_text(owner) + " has more than one CNAME record");
  if (owner == origin) errors.add(file, 0, "", "", "CNAME at the zone apex");
  for (const auto& [type, set] : node) {
    if (type == wire::type::CNAME || type == wire::type::RRSIG || type == wire::type::NSEC) continue;
    errors.add(file, 0, "", "", wire::name_to_text(owner) + " has a CNAME and other data (RFC 1034 3.6.2)");
    break;
  }
}

}  // namespace dnsd::zone
