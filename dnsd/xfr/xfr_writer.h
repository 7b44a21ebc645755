// Zone transfer responses (RFC 5936 AXFR, RFC 1995 IXFR): a stream of DNS messages, each
// holding as many whole RRs as fit, the first echoing the question. Signing (TSIG) is
// applied by the caller to each message in order.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::xfr {

struct XfrRecord {
  std::string owner;  // uncompressed wire
  uint16_t type;
  uint32_t ttl;
  std::string rdata;  // uncompressed wire
};

// One difference sequence of an IXFR (RFC 1995 2): the SOA before, the RRs deleted,
// the SOA after, the RRs added.
struct XfrDiff {
  std::string soa_before_rdata;
  std::string soa_after_rdata;
  uint32_t soa_ttl = 0;
  std::vector<XfrRecord> deleted;  // excluding the SOA
  std::vector<XfrRecord> added;    // excluding the SOA
};

// Splits records into response messages for the query `query` (its ID and question are
// echoed; `question_end` is the offset just after its question). Each message is at most
// `max_message` bytes (<= 65535). AA is set.
class XfrWriter {
 public:
  XfrWriter(const uint8_t* query, size_t question_end, size_t max_message = 16384);
  void add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata);
  // Finishes and returns the messages (at least one).
  std::vector<std::vector<uint8_t>> finish();

 private:
  void start_message();
  void close_message();

  std::vector<uint8_t> header_and_question_;
  size_t max_;
  std::vector<std::vector<uint8_t>> done_;
  std::vector<uint8_t> cur_;
  uint16_t count_ = 0;
};

// AXFR: SOA, every other RRset of the zone, SOA again (RFC 5936 2.2).
std::vector<std::vector<uint8_t>> build_axfr(const uint8_t* query, size_t question_end,
                                             const zone::ZoneSnapshot& zone,
                                             size_t max_message = 16384);

// IXFR with the given diffs (oldest first): current SOA, then each diff, then current SOA
// (RFC 1995 4). With no diffs (client already current) only the current SOA is sent.
std::vector<std::vector<uint8_t>> build_ixfr(const uint8_t* query, size_t question_end,
                                             const zone::ZoneSnapshot& zone,
                                             const std::vector<XfrDiff>& diffs,
                                             size_t max_message = 16384);

}  // namespace dnsd::xfr
