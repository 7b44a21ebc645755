// What turns a diverged replica's zone into the primary's (docs/dnsd.md "One zone on every
// node", "A diverged node"): the RRs to delete (sent as class NONE, RFC 2136 2.5.4) and to
// add, over the replicated content only: the SOA, the _replication marker and the
// addresses of the self names are each node's own and never compared.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dnsd/replication/replication_marker.h"

#include "dnsd/xfr/xfr_writer.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::replication {

struct ZoneDiff {
  std::vector<xfr::XfrRecord> deleted;  // owner/type/rdata of the replica's (TTL 0)
  std::vector<xfr::XfrRecord> added;    // the primary's, with the primary's TTL
  bool empty() const { return deleted.empty() && added.empty(); }
};

// False for the records that are not replicated: the SOA at the apex `origin`, any TXT at
// the _replication marker owner, and A/AAAA at one of `self_owners` (all lowercase wire).
bool is_replicated_record(const xfr::XfrRecord& r, const std::string& origin,
                          const std::vector<std::string>& self_owners);

// Deletions and additions that make `replica` hold exactly the replicated records of
// `primary` (both lowercase wire, in any order; duplicates count once). An RRset whose
// TTL differs gets all of the primary's RRs added again (an added RR sets the RRset's
// TTL). Sorted by owner, type, rdata, so the same inputs give the same update.
ZoneDiff zone_diff(const std::vector<xfr::XfrRecord>& primary, const std::vector<xfr::XfrRecord>& replica,
                   const std::string& origin, const std::vector<std::string>& self_owners);

// Every RR of a zone snapshot as a transfer would give it (self sets excluded).
std::vector<xfr::XfrRecord> snapshot_records(const zone::ZoneSnapshot& zone);

// The marker `zone` serves, nullopt inside when it has none; nullopt when it is not a
// valid marker.
std::optional<std::optional<Marker>> served_marker(const zone::ZoneSnapshot& zone);

}  // namespace dnsd::replication
