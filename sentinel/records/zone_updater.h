// Brings one dnsd's owned records to the desired ones: reads them back (owned_reader.h),
// rewrites only the RRsets that differ with TSIG-signed RFC 2136 updates, one when they fit
// one message, else several in the order of update_plan.h, each fenced by the `_sentinel`
// TXT as read (compare-and-swap on the epoch).
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/records/owned_reader.h"
#include "sentinel/records/record_set.h"

namespace sentinel::records {

struct PushOutcome {
  enum class Status : uint8_t { Updated, InSync, Fenced, Unreachable, Rejected };
  Status status = Status::Unreachable;
  std::string detail;  // Updated: "epoch 7 in 2 updates (52114 + 30270 bytes), read by AXFR ..."
};
const char* push_status_name(PushOutcome::Status s);

// Brings one dnsd to `desired`, whose `_sentinel` carries `epoch`. Refuses (Fenced) when
// the dnsd already serves a higher epoch. Each update's prerequisite is the `_sentinel`
// TXT exactly as read, so a concurrent change makes it fail (NXRRSET) and it is re-read.
PushOutcome push_records(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, uint64_t epoch,
                         std::chrono::milliseconds timeout);

// The largest unsigned update build_update makes: a DNS message over TCP is at most 65,535
// bytes, and the TSIG record (key and algorithm names, MAC) needs room after it.
inline constexpr size_t kMaxUpdateSize = 65535 - 512;

// Builds the signed update that rewrites the RRsets of `desired` (exposed for tests and
// --dry-run). Empty, with `error` set, when a record does not parse or the message would
// not fit in kMaxUpdateSize.
std::vector<uint8_t> build_update(const dnsd::common::TsigKey& key, const std::string& zone,
                                  const RecordSet& desired,
                                  const std::vector<std::string>& prereq_txt, std::string& error);

// The unsigned size of that update (SIZE_MAX when it cannot be built), for split_update.
size_t update_size(const std::string& zone, const RecordSet& desired,
                   const std::vector<std::string>& prereq_txt);

// The updates that bring `r` (read from a dnsd) to `desired`: changed_rrsets, then
// split_update within kMaxUpdateSize. Empty with `error` when they cannot fit.
std::vector<RecordSet> plan_updates(const std::string& zone, const Readout& r,
                                    const RecordSet& desired, std::string& error);

}  // namespace sentinel::records
