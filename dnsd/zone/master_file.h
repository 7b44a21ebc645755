// RFC 1035 master file reader: a native fast path for the common record types (A, AAAA,
// NS, CNAME, PTR, MX, TXT, SRV, SOA in their plain forms) and ldns for everything else.
// It splits the file into records exactly as ldns_rr_new_frm_fp_l does and keeps ldns's
// $ORIGIN/$TTL/previous-owner state, so every record, value and error is what ldns gives.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "dnsd/common/config_error.h"

namespace dnsd::zone {

struct MasterRecord {
  std::string_view owner;  // absolute owner, uncompressed wire form, case as written
  uint16_t type = 0;
  uint16_t klass = 0;      // as written (IN=1 by default, CH, ...); the caller rejects non-IN
  uint32_t ttl = 0;
  std::string_view rdata;  // uncompressed wire rdata, as ldns_rr_rdata2buffer_wire gives it
  int line = 0;            // 1-based line of the file where the record starts
};

// Reads the master file at `path`. `origin` is the zone apex as wire (lowercase). Calls
// on_record for every RR in file order (the views are valid during the call only). Every
// problem goes to `errors` as (path, line, "", "", reason); reading goes on with the next
// record but stops after 50 errors (a binary file). Returns false if the file cannot be
// read (error added: "cannot open zone file: <strerror>").
bool read_master_file(const std::string& path, const std::string& origin,
                      common::ErrorList& errors,
                      const std::function<void(const MasterRecord&)>& on_record);

}  // namespace dnsd::zone
