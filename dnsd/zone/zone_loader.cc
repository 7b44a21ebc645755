// Master file reading through ldns, one RR at a time so each error has its line.
#include "dnsd/zone/zone_loader.h"

#include "dnsd/common/ldns_include.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::zone {
namespace {

std::string rdf_wire(const ldns_rdf* rdf) {
  return std::string(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
}

// The text of line `n` (1-based) of the file, trimmed, for error messages.
std::string line_text(const std::string& path, int n) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (!f) return "";
  std::string out;
  int line = 1;
  for (int c; (c = std::fgetc(f)) != EOF && line <= n;) {
    if (c == '\n') ++line;
    else if (line == n && out.size() < 120) out.push_back(static_cast<char>(c));
  }
  std::fclose(f);
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
  return s;
}

std::optional<std::string> rdata_wire(const ldns_rr* rr) {
  ldns_buffer* buf = ldns_buffer_new(512);
  if (!buf) return std::nullopt;
  std::optional<std::string> out;
  if (ldns_rr_rdata2buffer_wire(buf, rr) == LDNS_STATUS_OK) {
    out = std::string(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                      ldns_buffer_position(buf));
  }
  ldns_buffer_free(buf);
  return out;
}

}  // namespace

std::optional<ZoneBuilder> load_zone_file(const std::string& path, const std::string& origin,
                                          common::ErrorList& errors) {
  size_t before = errors.size();
  FILE* fp = std::fopen(path.c_str(), "r");
  if (!fp) {
    errors.add(path, 0, "", "", std::string("cannot open zone file: ") + std::strerror(errno));
    return std::nullopt;
  }
  ZoneBuilder zone(origin);
  ldns_rdf* ldns_origin = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin.size(), origin.data());
  ldns_rdf* prev = ldns_origin ? ldns_rdf_clone(ldns_origin) : nullptr;
  uint32_t default_ttl = 3600;
  int line = 0;  // ldns counts the newlines it consumed: after an RR on line N it holds N
  std::string origin_text = wire::name_to_text(origin);
  while (!std::feof(fp)) {
    ldns_rr* rr = nullptr;
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &default_ttl, &ldns_origin, &prev, &line);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
        s == LDNS_STATUS_SYNTAX_ORIGIN) {
      continue;
    }
    if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
      errors.add(path, line, "", "", "$INCLUDE is not supported; use one file per zone");
      continue;
    }
    if (s != LDNS_STATUS_OK) {
      std::string text = line_text(path, line);
      errors.add(path, line, "", "",
                 std::string(ldns_get_errorstr_by_id(s)) + (text.empty() ? "" : ": " + text));
      if (errors.size() - before > 50) break;  // a binary file: stop after enough lines
      continue;
    }
    std::string owner = lower(rdf_wire(ldns_rr_owner(rr)));
    uint16_t type = static_cast<uint16_t>(ldns_rr_get_type(rr));
    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
      errors.add(path, line, "", "", "class must be IN");
    } else if (owner.size() > wire::kMaxNameLength) {  // ldns lets some through
      errors.add(path, line, "", "", "owner name is longer than 255 bytes");
    } else if (!wire::is_subdomain(owner, origin)) {
      errors.add(path, line, "", "",
                 "owner " + wire::name_to_text(owner) + " is outside the zone " + origin_text);
    } else if (type == wire::type::OPT || type == wire::type::TSIG || type == wire::type::ANY ||
               type == wire::type::AXFR || type == wire::type::IXFR) {
      errors.add(path, line, "", "", "meta type cannot appear in a zone file");
    } else if (auto rd = rdata_wire(rr)) {
      zone.add(owner, type, ldns_rr_ttl(rr), *rd, line);
    } else {
      errors.add(path, line, "", "", "cannot encode rdata");
    }
    ldns_rr_free(rr);
  }
  std::fclose(fp);
  if (ldns_origin) ldns_rdf_deep_free(ldns_origin);
  if (prev) ldns_rdf_deep_free(prev);
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
