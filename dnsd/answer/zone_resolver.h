// The authoritative lookup rules for one query inside one zone: exact match, zone cuts
// (referrals with glue), CNAME chains, wildcards (RFC 4592), negative answers (RFC 2308),
// ANY (RFC 8482). Writes the answer/authority/additional sections; returns rcode and AA.
#pragma once
#include <cstdint>

#include "dnsd/answer/response_writer.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::answer {

struct Resolution {
  uint8_t rcode = 0;
  bool authoritative = true;
  bool truncated = false;  // a required RRset (answer/authority/glue) did not fit
};

// `qname_lower` is the lowercase query name; its first occurrence in the message (the
// question) is at offset 12, used as the owner of answers so the client's case is kept.
Resolution resolve(const zone::ZoneSnapshot& zone, const wire::NameBuf& qname_lower,
                   uint16_t qtype, ResponseWriter& out) noexcept;

// A referral that goes nowhere, not authoritative: the zone's own apex NS set (with in-zone
// glue), or with `upward` the same NS targets owned by the zone's parent name.
Resolution apex_referral(const zone::ZoneSnapshot& zone, bool upward, ResponseWriter& out) noexcept;

}  // namespace dnsd::answer
