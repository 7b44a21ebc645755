// RFC 1035 4.2.2 / RFC 7766 framing: a TCP stream of 2-byte big-endian lengths, each
// followed by one message. Pure, so partial prefixes and bodies are unit-tested.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace dnsd::net {

class TcpFramer {
 public:
  static constexpr size_t kCapacity = 2 + 65535;

  TcpFramer() : buf_(kCapacity) {}

  // Where the next read may write, and how much.
  uint8_t* write_ptr() { return buf_.data() + end_; }
  size_t write_space() const { return buf_.size() - end_; }
  void commit(size_t n) { end_ += n; }

  // Next complete message, or false. Pointers stay valid until the next commit()/compact().
  bool next(const uint8_t*& msg, size_t& len) {
    if (end_ - start_ < 2) return false;
    size_t l = static_cast<size_t>(buf_[start_] << 8 | buf_[start_ + 1]);
    if (end_ - start_ < 2 + l) return false;
    msg = buf_.data() + start_ + 2;
    len = l;
    start_ += 2 + l;
    return true;
  }
  // Moves an incomplete tail to the front so the buffer can always hold a whole message.
  void compact() {
    if (start_ == 0) return;
    std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
    end_ -= start_;
    start_ = 0;
  }
  bool has_partial() const { return end_ != start_; }

 private:
  std::vector<uint8_t> buf_;
  size_t start_ = 0;
  size_t end_ = 0;
};

}  // namespace dnsd::net
