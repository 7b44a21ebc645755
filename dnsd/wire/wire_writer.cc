// Name compression for WireWriter.
#include "dnsd/wire/wire_writer.h"

#include "dnsd/wire/name.h"

namespace dnsd::wire {

bool WireWriter::name_at_equals(size_t offset, std::string_view suffix) const noexcept {
  // Walk the (possibly compressed) name in our own buffer, comparing label by label.
  size_t p = offset;
  size_t s = 0;
  for (int hops = 0; hops < 64;) {
    if (p >= pos_) return false;
    uint8_t c = buf_[p];
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= pos_) return false;
      p = static_cast<size_t>(c & 0x3F) << 8 | buf_[p + 1];
      ++hops;
      continue;
    }
    if (s >= suffix.size() || static_cast<uint8_t>(suffix[s]) != c) return false;
    if (c == 0) return s + 1 == suffix.size();
    for (size_t i = 1; i <= c; ++i) {
      if (p + i >= pos_ || s + i >= suffix.size()) return false;
      if (lower_byte(buf_[p + i]) != lower_byte(static_cast<uint8_t>(suffix[s + i]))) return false;
    }
    p += 1u + c;
    s += 1u + c;
  }
  return false;
}

size_t WireWriter::find_target(std::string_view suffix) const noexcept {
  for (size_t i = 0; i < targets_; ++i) {
    if (name_at_equals(target_offsets_[i], suffix)) return target_offsets_[i];
  }
  return 0;
}

void WireWriter::add_target(size_t offset) noexcept {
  // Register each label start of the name at `offset` (until a pointer or the root).
  size_t p = offset;
  while (p < pos_ && targets_ < kMaxCompressionTargets && p < 0x3FFF) {
    uint8_t c = buf_[p];
    if (c == 0 || (c & 0xC0) != 0) break;
    target_offsets_[targets_++] = static_cast<uint16_t>(p);
    p += 1u + c;
  }
}

void WireWriter::name(std::string_view wire, bool compress) noexcept {
  size_t start = pos_;
  size_t p = 0;
  while (p < wire.size()) {
    uint8_t c = static_cast<uint8_t>(wire[p]);
    if (c == 0) {
      u8(0);
      break;
    }
    if (compress) {
      size_t at = find_target(wire.substr(p));
      if (at != 0) {
        pointer(at);
        break;
      }
    }
    bytes(wire.data() + p, 1u + c);
    p += 1u + c;
  }
  if (ok_ && compress) add_target(start);
}

}  // namespace dnsd::wire
