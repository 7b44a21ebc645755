// Builds UPDATE messages with ldns (an independent encoder) for the update tests.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "testutil/dns_test_util.h"
#include "dnsd/update/update_message.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_content.h"

namespace dnsd::update::testing {

// One RR from presentation format; "owner ttl class type" with no RDATA (the delete and
// prerequisite forms, which ldns's text parser refuses) is built field by field.
inline ldns_rr* make_rr(const std::string& s) {
  char owner[256], cls[16], type[16];
  unsigned ttl = 0;
  int used = 0;
  if (sscanf(s.c_str(), "%255s %u %15s %15s %n", owner, &ttl, cls, type, &used) == 4 &&
      static_cast<size_t>(used) == s.size()) {
    ldns_rr* rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_dname_new_frm_str(owner));
    ldns_rr_set_ttl(rr, ttl);
    ldns_rr_set_class(rr, ldns_get_rr_class_by_name(cls));
    ldns_rr_set_type(rr, ldns_get_rr_type_by_name(type));
    return rr;
  }
  ldns_rr* rr = nullptr;
  ldns_rr_new_frm_str(&rr, s.c_str(), 0, nullptr, nullptr);
  return rr;
}

// Prerequisite and update RRs in presentation format, e.g. "x.example.com. 0 ANY A".
inline std::vector<uint8_t> make_update(const std::string& zone, const std::vector<std::string>& prereqs,
                                        const std::vector<std::string>& updates) {
  ldns_rr_list* pr = ldns_rr_list_new();
  ldns_rr_list* up = ldns_rr_list_new();
  for (const auto& s : prereqs) ldns_rr_list_push_rr(pr, make_rr(s));
  for (const auto& s : updates) ldns_rr_list_push_rr(up, make_rr(s));
  ldns_pkt* p = ldns_update_pkt_new(ldns_dname_new_frm_str(zone.c_str()), LDNS_RR_CLASS_IN, pr, up, nullptr);
  ldns_rr_list_deep_free(pr);  // the packet holds its own copies
  ldns_rr_list_deep_free(up);
  return testutil::to_wire(p);
}

inline UpdateMessage parse(const std::vector<uint8_t>& m) {
  UpdateMessage msg;
  EXPECT_TRUE(parse_update(m.data(), m.size(), msg));
  return msg;
}

inline std::string w(const char* text) { return *wire::name_from_text(text); }

}  // namespace dnsd::update::testing
