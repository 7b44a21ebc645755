// A bounds-checked cursor over a received packet with a sticky error flag: after the
// first out-of-bounds read every read returns 0 and ok() stays false.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dnsd/wire/name.h"

namespace dnsd::wire {

class WireReader {
 public:
  WireReader(const uint8_t* data, size_t len) noexcept : data_(data), len_(len) {}

  bool ok() const noexcept { return ok_; }
  size_t pos() const noexcept { return pos_; }
  size_t remaining() const noexcept { return ok_ ? len_ - pos_ : 0; }
  const uint8_t* data() const noexcept { return data_; }
  size_t size() const noexcept { return len_; }
  void fail() noexcept { ok_ = false; }

  uint8_t u8() noexcept {
    if (!need(1)) return 0;
    return data_[pos_++];
  }
  uint16_t u16() noexcept {
    if (!need(2)) return 0;
    uint16_t v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  uint32_t u32() noexcept {
    if (!need(4)) return 0;
    uint32_t v = static_cast<uint32_t>(data_[pos_]) << 24 | static_cast<uint32_t>(data_[pos_ + 1]) << 16 |
                 static_cast<uint32_t>(data_[pos_ + 2]) << 8 | data_[pos_ + 3];
    pos_ += 4;
    return v;
  }
  // Returns a pointer to `n` bytes and advances, or nullptr.
  const uint8_t* bytes(size_t n) noexcept {
    if (!need(n)) return nullptr;
    const uint8_t* p = data_ + pos_;
    pos_ += n;
    return p;
  }
  void skip(size_t n) noexcept { (void)bytes(n); }
  bool name(NameBuf& out) noexcept {
    if (!ok_) return false;
    if (!read_name(data_, len_, pos_, out)) ok_ = false;
    return ok_;
  }
  void seek(size_t pos) noexcept {
    if (pos > len_) ok_ = false;
    else pos_ = pos;
  }

 private:
  bool need(size_t n) noexcept {
    if (!ok_ || len_ - pos_ < n) {
      ok_ = false;
      return false;
    }
    return true;
  }
  const uint8_t* data_;
  size_t len_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace dnsd::wire
