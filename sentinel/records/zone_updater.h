// Reads the owned records back from one dnsd and rewrites them with one TSIG-signed
// RFC 2136 update, fenced by the `_sentinel` TXT (compare-and-swap on the epoch).
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/records/record_set.h"

namespace sentinel::records {

struct Readout {
  bool ok = false;
  std::string error;
  RecordSet records;                      // the owned RRsets as this dnsd serves them
  std::vector<std::string> sentinel_txt;  // raw `_sentinel` TXT rdata texts (prerequisite)
  uint64_t epoch = 0;                     // from `_sentinel`, 0 if none
  std::string master;                     // from `_sentinel`
};

// Queries every owner/type of `desired` from the dnsd at `server`.
Readout read_owned(const dnsd::common::SocketAddress& server, const RecordSet& desired,
                   std::chrono::milliseconds timeout);

// True when the readout serves exactly `desired` (rdata and TTL).
bool in_sync(const Readout& r, const RecordSet& desired);

struct PushOutcome {
  enum class Status : uint8_t { Updated, InSync, Fenced, Unreachable, Rejected };
  Status status = Status::Unreachable;
  std::string detail;
};
const char* push_status_name(PushOutcome::Status s);

// Brings one dnsd to `desired`, whose `_sentinel` carries `epoch`. Refuses (Fenced) when
// the dnsd already serves a higher epoch. The update's prerequisite is the `_sentinel`
// TXT exactly as read, so a concurrent change makes it fail (NXRRSET) and it is re-read.
PushOutcome push_records(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, uint64_t epoch,
                         std::chrono::milliseconds timeout);

// The largest unsigned update build_update makes: a DNS message over TCP is at most 65,535
// bytes, and the TSIG record (key and algorithm names, MAC) needs room after it.
inline constexpr size_t kMaxUpdateSize = 65535 - 512;

// Builds the signed update message (exposed for tests and --dry-run). Empty, with `error`
// set, when a record does not parse or the message would not fit in kMaxUpdateSize.
std::vector<uint8_t> build_update(const dnsd::common::TsigKey& key, const std::string& zone,
                                  const RecordSet& desired,
                                  const std::vector<std::string>& prereq_txt, std::string& error);

}  // namespace sentinel::records
