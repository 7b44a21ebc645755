// Parses and judges the reply to a SOA probe query (pure, fuzz-safe).
#include "sentinel/probe/dns_response.h"

#include <memory>
#include <string>

#include "dnsd/common/ldns_include.h"

namespace sentinel::probe {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct RdfFree {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};

std::string rcode_name(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, static_cast<int>(rcode));
  if (entry != nullptr && entry->name != nullptr) return entry->name;
  return "RCODE" + std::to_string(static_cast<int>(rcode));
}

ProbeResult failure(std::string detail, ProbeFailure why = ProbeFailure::BadResponse) {
  ProbeResult r;
  r.failure = why;
  r.detail = std::move(detail);
  return r;
}

}  // namespace

ProbeResult parse_soa_response(const uint8_t* data, size_t len, uint16_t expected_id,
                               std::string_view zone) {
  if (data == nullptr || len < LDNS_HEADER_SIZE) return failure("malformed response");
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, len) != LDNS_STATUS_OK || raw == nullptr) {
    if (raw != nullptr) ldns_pkt_free(raw);
    return failure("malformed response");
  }
  std::unique_ptr<ldns_pkt, PktFree> pkt(raw);
  if (!ldns_pkt_qr(pkt.get())) return failure("QR not set");
  if (ldns_pkt_id(pkt.get()) != expected_id) return failure("ID mismatch");
  ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt.get());
  if (rcode != LDNS_RCODE_NOERROR) return failure("rcode " + rcode_name(rcode), ProbeFailure::DnsRcode);
  if (!ldns_pkt_aa(pkt.get())) return failure("AA not set", ProbeFailure::NotAuthoritative);

  std::string zone_text(zone);
  if (zone_text.empty() || zone_text.back() != '.') zone_text.push_back('.');
  std::unique_ptr<ldns_rdf, RdfFree> zone_name(ldns_dname_new_frm_str(zone_text.c_str()));
  if (!zone_name) return failure("invalid zone name", ProbeFailure::Error);

  const ldns_rr_list* answer = ldns_pkt_answer(pkt.get());
  size_t count = answer != nullptr ? ldns_rr_list_rr_count(answer) : 0;
  for (size_t i = 0; i < count; ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    if (rr == nullptr || ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA) continue;
    const ldns_rdf* owner = ldns_rr_owner(rr);
    if (owner == nullptr || ldns_rdf_get_type(owner) != LDNS_RDF_TYPE_DNAME) continue;
    if (ldns_dname_compare(owner, zone_name.get()) != 0) continue;
    if (ldns_rr_rd_count(rr) < 3) continue;
    const ldns_rdf* serial_rdf = ldns_rr_rdf(rr, 2);
    if (serial_rdf == nullptr || ldns_rdf_size(serial_rdf) != 4) continue;
    ProbeResult r;
    r.ok = true;
    r.failure = ProbeFailure::None;
    r.serial = ldns_rdf2native_int32(serial_rdf);
    r.detail = "SOA serial " + std::to_string(*r.serial) + ", AA";
    return r;
  }
  return failure("no SOA in answer");
}

}  // namespace sentinel::probe
