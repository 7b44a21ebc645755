// The bytes of the journal and snapshot files. Each frame is
// [u32 magic][u32 length][payload][8 bytes of SHA-256(payload)], so a torn tail (crash
// mid-write) or a damaged byte is detected, never replayed.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/xfr/xfr_writer.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::update {

struct JournalEntry {
  uint32_t serial_from = 0;
  uint32_t serial_to = 0;
  xfr::XfrDiff diff;
};

// One framed entry; decode_entry is false on anything but exactly one whole, valid frame.
std::vector<uint8_t> encode_entry(const JournalEntry& e);
bool decode_entry(const uint8_t* p, size_t len, JournalEntry& out);

// The journal's first frame: the zone file serial the entries apply on top of.
std::vector<uint8_t> encode_journal_header(uint32_t base_serial);

// What a journal file holds, as far as its frames are whole and valid.
struct JournalScan {
  bool has_header = false;
  uint32_t base_serial = 0;
  std::vector<JournalEntry> entries;
  std::vector<size_t> entry_ends;  // file offset just past each entry
  size_t header_end = 0;
  size_t good_end = 0;          // bytes up to the end of the last whole entry
  bool whole_frames_after_break = false;  // damage in the middle, not just a torn tail
};
JournalScan scan_journal(const std::vector<uint8_t>& data);

// A snapshot: the base serial and the full zone content.
std::vector<uint8_t> encode_snapshot(uint32_t base_serial, const zone::ZoneSnapshot& zone);
// Reads only the base serial; false if the frame is torn or damaged.
bool snapshot_base(const std::vector<uint8_t>& data, uint32_t& base_serial);
// Builds the zone the snapshot holds (with the given self spec); nullptr with `error` if
// the frame is damaged or the content breaks the zone rules.
std::shared_ptr<const zone::ZoneSnapshot> decode_snapshot(
    const std::vector<uint8_t>& data, const std::string& origin, const std::string& path,
    std::shared_ptr<const zone::SelfSpec> self, std::string& error);

}  // namespace dnsd::update
