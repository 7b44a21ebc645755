// What one push sends: the RRsets whose served content differs from the desired one, and,
// when those do not fit one DNS message, how they are split into several fenced updates.
//
// The order of a split (docs/sentinel.md "Publishing at scale"): every part is
// prerequisited on the `_sentinel` TXT exactly as read, which only the last part rewrites,
// so each later part holds only if nothing else wrote `_sentinel` since the read (then it
// fails NXRRSET and the push starts again from a fresh read). The RRsets that say which
// node is master (master A/AAAA, the SRV sets, `_sentinel`: RecordSet::master_rrsets) all
// go in the last part, together, after the others (node addresses, pool, apex NS). A
// reader between two parts sees new node and pool records beside the old master, SRV and
// epoch: never a master that the SRV priorities or `_sentinel` contradict, and a
// `_sentinel` of the new epoch only once everything of that epoch is served. A push cut
// short leaves the old `_sentinel`, and the next read re-sends what is still missing.
#pragma once
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "sentinel/records/record_set.h"

namespace sentinel::records {

// The RRsets of `desired` that `served` (a readout's records; `wrong_ttl` the RRsets
// served with another TTL) does not serve exactly, plus `_sentinel.<zone>` TXT always (it
// carries the epoch). Keeps desired's TTLs, shared and master_rrsets for those RRsets.
RecordSet changed_rrsets(const RecordSet& served, const std::set<RecordSet::Key>& wrong_ttl,
                         const RecordSet& desired);

// The unsigned size in bytes of the update that rewrites `part` (with the prerequisite).
using UpdateSizer = std::function<size_t(const RecordSet& part)>;

// `changed` as one update when it fits in `limit` bytes, else as several, in the order
// above, each within `limit`. Empty with `error` when the master's RRsets alone, or one
// RRset, do not fit one message.
std::vector<RecordSet> split_update(const RecordSet& changed, size_t limit,
                                    const UpdateSizer& size_of, std::string& error);

}  // namespace sentinel::records
