// One slow-path request as every handler sees it: the message parsed once, its TSIG
// verified once, the catalog it is answered from and the zone its question names. Made
// by ZoneService::handle and handed down, so no handler copies or parses the message again.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/answer/query_parser.h"
#include "dnsd/net/slow_path.h"
#include "dnsd/update/tsig.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::service {

struct RequestContext {
  const net::SlowRequest& request;
  answer::ParsedQuery parsed;
  std::shared_ptr<const zone::Catalog> catalog;  // keeps `tsig.key` and `zone` alive
  update::TsigVerification tsig;
  const zone::ZoneEntry* zone = nullptr;  // the served zone whose apex is the question name
  std::string zone_text;                  // the question name as text, for log lines
  uint64_t now = 0;                       // seconds since the epoch, for TSIG

  const std::vector<uint8_t>& bytes() const { return request.query; }
  // "127.0.0.1:5353 key acme." for log lines.
  std::string who() const;
  // The header + question of the request as a response with `rcode`, finished per the
  // TSIG outcome (signed with the request's key when it verified).
  std::vector<uint8_t> reply(uint8_t rcode, bool tc = false) const;
  // The rcode for a request whose TSIG did not verify, 0 when it did (or was unsigned).
  uint8_t tsig_failure_rcode() const;
};

// Parses `request`; false when it is to be dropped or answered from `parsed` alone
// (FORMERR, NOTIMP): then only `parsed` is set. Otherwise verifies its TSIG against
// `catalog` and finds its zone.
bool make_context(RequestContext& ctx, std::shared_ptr<const zone::Catalog> catalog, uint64_t now);

// Finishes a response per a TSIG outcome (RFC 8945 5.2): signed when the request was
// validly signed (or BADTIME), an unsigned TSIG carrying BADKEY/BADSIG, nothing if unsigned.
void finish_tsig(std::vector<uint8_t>& r, const update::TsigVerification& v, uint64_t now);

}  // namespace dnsd::service
