// Small ldns helpers shared by the updates sentinel sends.
#include "sentinel/records/dns_message.h"

namespace sentinel::records {

std::vector<uint8_t> to_wire(ldns_pkt* pkt) {
  uint8_t* buf = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&buf, pkt, &size) != LDNS_STATUS_OK) return {};
  std::vector<uint8_t> out(buf, buf + size);
  free(buf);
  return out;
}

std::vector<uint8_t> build_query(const std::string& owner, const std::string& type) {
  ldns_rdf* name = ldns_dname_new_frm_str(owner.c_str());
  if (!name) return {};
  ldns_pkt* q = ldns_pkt_query_new(name, ldns_get_rr_type_by_name(type.c_str()),
                                   LDNS_RR_CLASS_IN, 0);
  if (!q) return {};
  ldns_pkt_set_random_id(q);
  auto wire = to_wire(q);
  ldns_pkt_free(q);
  return wire;
}

ldns_rr* rr_from(const std::string& text) {
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK) return nullptr;
  return rr;
}

ldns_rr* empty_rr(const std::string& owner, const std::string& type, ldns_rr_class cls) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner.c_str()));
  ldns_rr_set_type(rr, ldns_get_rr_type_by_name(type.c_str()));
  ldns_rr_set_class(rr, cls);
  ldns_rr_set_ttl(rr, 0);
  return rr;
}

std::vector<uint8_t> sign_to_wire(ldns_pkt* pkt, const dnsd::common::TsigKey& key,
                                  std::string& error) {
  std::string secret = dnsd::common::base64_encode(key.secret.data(), key.secret.size());
  if (ldns_pkt_tsig_sign(pkt, key.name.c_str(), secret.c_str(), 300,
                         dnsd::common::tsig_algorithm_name(key.algorithm), nullptr) !=
      LDNS_STATUS_OK) {
    error = "TSIG signing failed";
    return {};
  }
  return to_wire(pkt);
}

const char* rcode_name(int rcode) {
  static const char* names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
                                "NOTZONE"};
  return rcode >= 0 && rcode <= 10 ? names[rcode] : "rcode?";
}

std::string response_rcode(const std::vector<uint8_t>& response) {
  if (response.size() < 12) return "malformed";
  int rcode = response[3] & 0x0f;
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, response.data(), response.size()) != LDNS_STATUS_OK)
    return rcode_name(rcode);
  PktPtr pkt(raw);
  // TSIG rdata: algorithm, time, fudge, MAC, original ID, error, other (RFC 8945 4.2).
  if (const ldns_rr* tsig = ldns_pkt_tsig(pkt.get()); tsig && ldns_rr_rd_count(tsig) > 5) {
    switch (ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5))) {
      case 16: return "BADSIG";
      case 17: return "BADKEY";
      case 18: return "BADTIME";
      default: break;
    }
  }
  return rcode_name(rcode);
}

}  // namespace sentinel::records
