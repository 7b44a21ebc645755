// One replicated update as every node keeps it: its place in the sequence, the marker it
// leaves behind, the RRs it deleted and added (the effective change on the primary, not
// the client's message: prerequisites were evaluated there once) and the primary's SOA.
// Encoded for the replication log, and turned into the RFC 2136 update the primary sends.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/replication/replication_marker.h"
#include "dnsd/update/update_message.h"
#include "dnsd/xfr/xfr_writer.h"

namespace dnsd::replication {

struct ReplicationEntry {
  uint64_t seq = 0;
  std::string marker;                   // format_marker() of this entry
  std::string soa_rdata;                // the primary's SOA after it ("" = none)
  uint32_t soa_ttl = 0;
  std::vector<xfr::XfrRecord> deleted;  // owner/type/rdata (TTL not significant)
  std::vector<xfr::XfrRecord> added;

  // The bytes the hash chain covers: seq, deleted and added.
  std::vector<uint8_t> changes_bytes() const;
};

std::vector<uint8_t> encode_entry(const ReplicationEntry& e);
std::optional<ReplicationEntry> decode_entry(const uint8_t* p, size_t len);

// The entry after `previous` (nullopt before entry 1) holding `deleted`/`added`, sequenced
// by `primary`: seq + 1 and the chained hash.
ReplicationEntry next_entry(const std::optional<Marker>& previous, const std::string& primary,
                            std::vector<xfr::XfrRecord> deleted, std::vector<xfr::XfrRecord> added,
                            std::string soa_rdata, uint32_t soa_ttl);

// The RFC 2136 update that moves a node from `previous_marker` (its TXT text; "" = it has
// none) to `e` in zone `origin` (lowercase wire): prerequisite the previous TXT exactly
// (or no TXT at all), then the deletions, the additions, the SOA, and the new marker.
// Unsigned; ID `id`.
std::vector<uint8_t> build_replication_update(const ReplicationEntry& e, const std::string& previous_marker,
                                              const std::string& origin, uint16_t id);

// What a replica reads back from such an update (already parsed): the entry, or nullopt
// (with `reason`) when it is not one: it must have exactly the marker prerequisite and
// set a new marker.
std::optional<ReplicationEntry> entry_from_update(const update::UpdateMessage& m, std::string& reason);

// A TXT query for the marker (unsigned, ID `id`), and the marker read from its answer:
// nullopt in `out` when the node has none; false when the answer is not a usable response.
std::vector<uint8_t> build_marker_query(const std::string& origin, uint16_t id);
bool read_marker_answer(const std::vector<uint8_t>& response, uint16_t id, std::optional<Marker>& out,
                        std::string& error);

// An SOA query for the zone apex (unsigned, ID `id`), and the serial read from its
// answer: false (with `error`) when the answer is not an authoritative SOA of `origin`.
std::vector<uint8_t> build_soa_query(const std::string& origin, uint16_t id);
bool read_soa_serial(const std::vector<uint8_t>& response, uint16_t id, const std::string& origin,
                     uint32_t& serial, std::string& error);

}  // namespace dnsd::replication
