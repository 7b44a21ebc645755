// Internal to master_file.cc: the native parser of one record line (the fast path).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dnsd::zone::detail {

struct FastContext {
  std::string_view origin;  // current $ORIGIN as absolute wire; empty: no fast path
  std::string_view prev;    // previous owner as wire; empty: none (blank owners go to ldns)
  uint32_t default_ttl = 0; // the $TTL value (0 means ldns's default of 3600)
};

struct FastRecord {
  std::string owner;        // wire, case as written
  std::string rdata;        // uncompressed wire
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  bool sets_prev = false;   // an owner was written: it becomes the previous owner
};

// Parses one logical line, as ldns's line reader returns it (parentheses and comments
// already removed), into `out`. Returns false when the line is anything but a plain record
// of a native type: the caller then hands it to ldns, which also words every error.
bool parse_fast(std::string_view line, const FastContext& ctx, FastRecord& out);

}  // namespace dnsd::zone::detail
