// Reading the sections of an RFC 2136 UPDATE: zone, prerequisites, updates, with names
// inside RDATA decompressed (RFC 1035 types may be compressed on the wire).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::update {

struct UpdateRR {
  std::string owner;  // lowercase wire
  uint16_t type = 0;
  uint16_t klass = 0;
  uint32_t ttl = 0;
  std::string rdata;  // uncompressed wire; empty for the delete forms
};

struct UpdateMessage {
  std::string zone;  // lowercase wire
  uint16_t zone_type = 0;
  uint16_t zone_class = 0;
  std::vector<UpdateRR> prerequisites;
  std::vector<UpdateRR> updates;
};

// Parses the message up to `end` (the start of its TSIG RR, or its length). False means
// FORMERR (malformed, zone count != 1, truncated, bad RDATA for a known type).
bool parse_update(const uint8_t* msg, size_t end, UpdateMessage& out);

// Reads RDATA of `type` at `pos` (length `rdlen`) into uncompressed wire form.
bool read_rdata(const uint8_t* msg, size_t len, size_t pos, uint16_t type, uint16_t rdlen,
                std::string& out);

}  // namespace dnsd::update
