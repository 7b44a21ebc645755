// Small ldns helpers shared by the updates sentinel sends (its nodes' zone, the parent's
// delegation): queries, RRs from text, signing, rcode names.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "dnsd/common/tsig_key.h"

namespace sentinel::records {

struct PktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using PktPtr = std::unique_ptr<ldns_pkt, PktDeleter>;

std::vector<uint8_t> to_wire(ldns_pkt* pkt);
// A query for owner/type, random ID, no RD; empty when the name does not parse.
std::vector<uint8_t> build_query(const std::string& owner, const std::string& type);
// "owner ttl IN type rdata" -> RR; null when ldns rejects it.
ldns_rr* rr_from(const std::string& text);
// An RR with no rdata: "delete an RRset" (class ANY) or "RRset does not exist" (NONE).
ldns_rr* empty_rr(const std::string& owner, const std::string& type, ldns_rr_class cls);
// Signs `pkt` with `key` (RFC 8945, fudge 300 s) and packs it; empty with `error` set on failure.
std::vector<uint8_t> sign_to_wire(ldns_pkt* pkt, const dnsd::common::TsigKey& key,
                                  std::string& error);
const char* rcode_name(int rcode);
// The rcode a response carries, by name: the TSIG error (BADKEY, BADSIG, BADTIME) when its
// TSIG record has one (RFC 8945 5.2: the header then says NOTAUTH), else the header's.
std::string response_rcode(const std::vector<uint8_t>& response);

}  // namespace sentinel::records
