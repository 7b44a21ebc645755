// The primary's AXFR of a replica's zone, for the repair of a diverged node: the query,
// and the response messages read into records (RFC 5936 2.2: the first and the last
// record are the SOA). Rdata is taken as sent: dnsd writes transfers uncompressed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dnsd/xfr/xfr_writer.h"

namespace dnsd::replication {

// An AXFR query for `origin` (lowercase wire), ID `id`, unsigned.
std::vector<uint8_t> build_axfr_query(const std::string& origin, uint16_t id);

class AxfrReader {
 public:
  enum class Progress { More, Done, Error };
  AxfrReader(std::string origin, uint16_t id) : origin_(std::move(origin)), id_(id) {}
  // One response message: Done after the closing SOA, Error (with `error`) for a refusal
  // or anything that is not this transfer.
  Progress add(const std::vector<uint8_t>& message, std::string& error);
  // Every record between the two SOAs (owners lowercase), the first SOA included.
  const std::vector<xfr::XfrRecord>& records() const { return records_; }

 private:
  std::string origin_;
  uint16_t id_;
  bool done_ = false;
  std::vector<xfr::XfrRecord> records_;
};

}  // namespace dnsd::replication
