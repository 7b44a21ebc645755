// Domain names in wire form: decompression from packets (loop-safe), lowercasing,
// label offsets for suffix walks, and text conversion for the slow paths.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "dnsd/wire/dns_constants.h"

namespace dnsd::wire {

// An uncompressed wire name in a fixed buffer (no heap), with where each label starts.
struct NameBuf {
  uint8_t data[kMaxNameLength];
  uint8_t label_offset[kMaxLabels];
  uint16_t length = 0;  // bytes including the root label
  uint8_t labels = 0;   // labels excluding the root

  std::string_view view() const {
    return {reinterpret_cast<const char*>(data), length};
  }
  // The name with its first `skip` labels removed (skip <= labels).
  std::string_view suffix(unsigned skip) const {
    size_t off = skip < labels ? label_offset[skip] : length - 1u;
    return {reinterpret_cast<const char*>(data) + off, length - off};
  }
};

// Reads a possibly compressed name starting at `pos` in `pkt` into `out`.
// Pointers must point strictly backwards (so loops cannot exist); a name over 255 bytes,
// a label type other than 00/11, or running off the packet is an error.
// On success `pos` is just past the name as it appears at `pos`.
bool read_name(const uint8_t* pkt, size_t pkt_len, size_t& pos, NameBuf& out) noexcept;

// Lowercases ASCII letters in place (names compare case-insensitively, RFC 4343).
void lowercase(NameBuf& name) noexcept;
// `to` = `from` lowercased: only its `length` bytes and `labels` offsets are copied.
void copy_lowercase(const NameBuf& from, NameBuf& to) noexcept;
inline uint8_t lower_byte(uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c;
}

// Recomputes labels/label_offset from data/length; false if malformed.
bool index_labels(NameBuf& name) noexcept;

// Case-insensitive comparison of two uncompressed wire names.
bool names_equal(std::string_view a, std::string_view b) noexcept;

// True when `name` is `zone` or below it (both uncompressed, lowercase wire).
bool is_subdomain(std::string_view name, std::string_view zone) noexcept;

// Counts labels of an uncompressed wire name (root = 0).
unsigned count_labels(std::string_view wire) noexcept;

// Text <-> wire for configs, tests and logs. Text accepts a trailing dot or not, "\\."
// and "\\DDD" escapes. from_text returns nullopt on an invalid name.
std::optional<std::string> name_from_text(std::string_view text);
std::string name_to_text(std::string_view wire);

}  // namespace dnsd::wire
