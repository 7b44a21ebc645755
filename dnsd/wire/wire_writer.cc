// Name compression for WireWriter.
#include "dnsd/wire/wire_writer.h"

#include "dnsd/wire/name.h"

namespace dnsd::wire {

bool WireWriter::name_at_equals(size_t offset, std::string_view suffix) const noexcept {
  // Walk the (possibly compressed) name in our own buffer, comparing label by label. The
  // bounds are checked once per label, and bytes are folded to lowercase only when they
  // differ (names in a response mostly share their case).
  const uint8_t* s = reinterpret_cast<const uint8_t*>(suffix.data());
  const size_t n = suffix.size();
  size_t p = offset;
  size_t i = 0;
  for (int hops = 0; hops < 64;) {
    if (p >= pos_) return false;
    uint8_t c = buf_[p];
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= pos_) return false;
      p = static_cast<size_t>(c & 0x3F) << 8 | buf_[p + 1];
      ++hops;
      continue;
    }
    if (i >= n || s[i] != c) return false;
    if (c == 0) return i + 1 == n;
    if (p + c >= pos_ || i + c >= n) return false;
    const uint8_t* a = buf_ + p + 1;
    const uint8_t* b = s + i + 1;
    for (size_t k = 0; k < c; ++k)
      if (a[k] != b[k] && lower_byte(a[k]) != lower_byte(b[k])) return false;
    p += 1u + c;
    i += 1u + c;
  }
  return false;
}

size_t WireWriter::find_target(std::string_view suffix) const noexcept {
  // Equal names have equal wire lengths: one byte compare skips most targets (the same
  // first match as comparing every target, so the same bytes out).
  for (size_t i = 0; i < targets_; ++i) {
    if (target_lengths_[i] == suffix.size() && name_at_equals(target_offsets_[i], suffix))
      return target_offsets_[i];
  }
  return 0;
}

size_t WireWriter::wire_length_at(size_t offset) const noexcept {
  // The uncompressed length of the name at `offset`, following pointers; 0 if malformed.
  size_t p = offset, length = 0;
  for (int hops = 0; hops < 64;) {
    if (p >= pos_) return 0;
    uint8_t c = buf_[p];
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= pos_) return 0;
      p = static_cast<size_t>(c & 0x3F) << 8 | buf_[p + 1];
      ++hops;
      continue;
    }
    if ((c & 0xC0) != 0) return 0;
    length += 1u + c;
    if (length > 255) return 0;
    if (c == 0) return length;
    p += 1u + c;
  }
  return 0;
}

void WireWriter::add_target(size_t offset) noexcept { add_target(offset, wire_length_at(offset)); }

void WireWriter::add_target(size_t offset, size_t length) noexcept {
  // Register each label start of the name at `offset` (until a pointer or the root), with
  // the length of the name from there; `length` is the whole name's (0: unknown, never matched).
  size_t p = offset;
  while (p < pos_ && targets_ < kMaxCompressionTargets && p < 0x3FFF) {
    uint8_t c = buf_[p];
    if (c == 0 || (c & 0xC0) != 0) break;
    target_offsets_[targets_] = static_cast<uint16_t>(p);
    target_lengths_[targets_++] = static_cast<uint8_t>(length);
    if (length != 0) length -= 1u + c;
    p += 1u + c;
  }
}

void WireWriter::name(std::string_view wire, bool compress) noexcept {
  size_t start = pos_;
  size_t p = 0;
  bool whole = false;  // the name ended with the root or a pointer: `wire` is all of it
  while (p < wire.size()) {
    uint8_t c = static_cast<uint8_t>(wire[p]);
    if (c == 0) {
      u8(0);
      whole = p + 1 == wire.size();
      break;
    }
    if (compress) {
      size_t at = find_target(wire.substr(p));
      if (at != 0) {
        pointer(at);
        whole = true;
        break;
      }
    }
    bytes(wire.data() + p, 1u + c);
    p += 1u + c;
  }
  // Its length is known here; anything odd is measured in the buffer instead.
  if (ok_ && compress) add_target(start, whole && wire.size() <= 255 ? wire.size() : wire_length_at(start));
}

}  // namespace dnsd::wire
