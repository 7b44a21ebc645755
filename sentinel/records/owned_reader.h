// Reads the records sentinel owns back from one dnsd: one AXFR over one TCP connection,
// signed with the node's update key, or, when the dnsd refuses that key a transfer, one
// query per owned RRset (docs/sentinel.md "Read-back").
#pragma once
#include <chrono>
#include <set>
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
  std::set<RecordSet::Key> wrong_ttl;     // served with another TTL than desired
  std::vector<std::string> sentinel_txt;  // raw `_sentinel` TXT rdata texts (prerequisite)
  uint64_t epoch = 0;                     // from `_sentinel`, 0 if none
  std::string master;                     // from `_sentinel`
  // How it was read: "axfr", or "queries" (with why the AXFR was not used), and the
  // request/response exchanges it took (an AXFR is one, however many messages it spans).
  std::string method;
  size_t exchanges = 0;
  size_t messages = 0;  // response messages received
  // "AXFR (1 exchange, 2 messages)", "2005 queries (AXFR answered REFUSED)"
  std::string summary() const;
};

// One query per owner/type of `desired` (UDP, TCP when truncated), one at a time.
Readout read_by_queries(const dnsd::common::SocketAddress& server, const RecordSet& desired,
                        std::chrono::milliseconds timeout);

// One AXFR of `zone`, signed with `key`, its answer's TSIG verified, kept to the owners
// and types of `desired`. `refused` is set when the dnsd answered the request with an
// error rcode (the key may not transfer the zone).
Readout read_by_transfer(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, std::chrono::milliseconds timeout,
                         bool& refused);

// read_by_transfer, or read_by_queries when the transfer is refused (a dnsd whose
// transfer_keys do not list the update key). `timeout` bounds each of the two.
Readout read_owned(const dnsd::common::SocketAddress& server, const dnsd::common::TsigKey& key,
                   const std::string& zone, const RecordSet& desired,
                   std::chrono::milliseconds timeout);

// Folds one served RR (owner lowercase) into `out` when `desired` owns its owner/type.
void add_served(Readout& out, const RecordSet& desired, const RecordSet::Key& key,
                std::string rdata, uint32_t ttl);
// A readout of nothing yet: every RRset of `desired` present and empty.
Readout empty_readout(const RecordSet& desired);
// After the last add_served: sorts, and takes the epoch and master from `_sentinel`.
void finish_readout(Readout& out);

// True when the readout serves exactly `desired` (rdata and TTL).
bool in_sync(const Readout& r, const RecordSet& desired);

}  // namespace sentinel::records
