// Writes a DNS message into a caller-owned buffer with a hard size limit and name
// compression (RFC 1035 4.1.4) from a fixed table: no heap. Overflow is sticky; callers
// take a mark() before each RR and rewind() to it when the RR did not fit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace dnsd::wire {

class WireWriter {
 public:
  static constexpr size_t kMaxCompressionTargets = 64;

  struct Mark {
    size_t pos;
    size_t targets;
  };

  WireWriter(uint8_t* buf, size_t limit) noexcept : buf_(buf), limit_(limit) {}

  bool ok() const noexcept { return ok_; }
  size_t size() const noexcept { return pos_; }
  size_t limit() const noexcept { return limit_; }
  uint8_t* data() noexcept { return buf_; }
  void set_limit(size_t limit) noexcept { limit_ = limit; }

  Mark mark() const noexcept { return {pos_, targets_}; }
  void rewind(Mark m) noexcept {
    pos_ = m.pos;
    targets_ = m.targets;
    ok_ = true;
  }

  void u8(uint8_t v) noexcept {
    if (need(1)) buf_[pos_++] = v;
  }
  void u16(uint16_t v) noexcept {
    if (!need(2)) return;
    buf_[pos_] = static_cast<uint8_t>(v >> 8);
    buf_[pos_ + 1] = static_cast<uint8_t>(v);
    pos_ += 2;
  }
  void u32(uint32_t v) noexcept {
    if (!need(4)) return;
    buf_[pos_] = static_cast<uint8_t>(v >> 24);
    buf_[pos_ + 1] = static_cast<uint8_t>(v >> 16);
    buf_[pos_ + 2] = static_cast<uint8_t>(v >> 8);
    buf_[pos_ + 3] = static_cast<uint8_t>(v);
    pos_ += 4;
  }
  void bytes(const void* p, size_t n) noexcept {
    if (!need(n)) return;
    std::memcpy(buf_ + pos_, p, n);
    pos_ += n;
  }
  // An RR's type, class, TTL and a zero RDLENGTH in one bounds check; returns where the
  // RDLENGTH is, for put_u16_at once the RDATA is written.
  size_t rr_fixed(uint16_t type, uint16_t klass, uint32_t ttl) noexcept {
    size_t at = pos_ + 8;
    if (!need(10)) return at;
    uint8_t* b = buf_ + pos_;
    b[0] = static_cast<uint8_t>(type >> 8);
    b[1] = static_cast<uint8_t>(type);
    b[2] = static_cast<uint8_t>(klass >> 8);
    b[3] = static_cast<uint8_t>(klass);
    b[4] = static_cast<uint8_t>(ttl >> 24);
    b[5] = static_cast<uint8_t>(ttl >> 16);
    b[6] = static_cast<uint8_t>(ttl >> 8);
    b[7] = static_cast<uint8_t>(ttl);
    b[8] = 0;
    b[9] = 0;
    pos_ += 10;
    return at;
  }
  void put_u16_at(size_t at, uint16_t v) noexcept {
    if (at + 2 > pos_) return;
    buf_[at] = static_cast<uint8_t>(v >> 8);
    buf_[at + 1] = static_cast<uint8_t>(v);
  }

  // Registers a name already in the buffer at `offset` (e.g. the question) as a
  // compression target, with all its suffixes.
  void add_target(size_t offset) noexcept;
  // The same for a name whose uncompressed wire length is known (the question's): no walk.
  void add_target(size_t offset, size_t length) noexcept;

  // Writes an uncompressed wire name, compressing against earlier names if `compress`,
  // and registering its labels as targets for later names.
  void name(std::string_view wire, bool compress = true) noexcept;

  // Writes a 2-byte pointer to an offset known to hold a name.
  void pointer(size_t offset) noexcept { u16(static_cast<uint16_t>(0xC000 | offset)); }

 private:
  bool need(size_t n) noexcept {
    if (!ok_ || limit_ - pos_ < n || pos_ > limit_) {
      ok_ = false;
      return false;
    }
    return true;
  }
  // Offset of a name in the buffer equal (case-insensitively) to `suffix`, or 0.
  size_t find_target(std::string_view suffix) const noexcept;
  bool name_at_equals(size_t offset, std::string_view suffix) const noexcept;
  size_t wire_length_at(size_t offset) const noexcept;

  uint8_t* buf_;
  size_t limit_;
  size_t pos_ = 0;
  bool ok_ = true;
  uint16_t target_offsets_[kMaxCompressionTargets];
  uint8_t target_lengths_[kMaxCompressionTargets];  // the wire length of the name from there
  size_t targets_ = 0;
};

}  // namespace dnsd::wire
