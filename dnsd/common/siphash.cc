// SipHash-2-4: two compression rounds per 8-byte word, four finalization rounds.
#include "dnsd/common/siphash.h"

namespace dnsd::common {
namespace {

constexpr uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

uint64_t load_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

struct State {
  uint64_t v0, v1, v2, v3;
  void round() {
    v0 += v1;
    v1 = rotl(v1, 13);
    v1 ^= v0;
    v0 = rotl(v0, 32);
    v2 += v3;
    v3 = rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = rotl(v1, 17);
    v1 ^= v2;
    v2 = rotl(v2, 32);
  }
  void compress(uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
};

}  // namespace

void siphash24(const uint8_t key[16], const uint8_t* data, size_t len, uint8_t out[8]) noexcept {
  const uint64_t k0 = load_le(key, 8), k1 = load_le(key + 8, 8);
  State s{0x736f6d6570736575ull ^ k0, 0x646f72616e646f6dull ^ k1, 0x6c7967656e657261ull ^ k0,
          0x7465646279746573ull ^ k1};
  size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) s.compress(load_le(data + i, 8));
  // The last word: the remaining bytes, and the length's low byte on top.
  s.compress(load_le(data + whole, len - whole) | (static_cast<uint64_t>(len & 0xFF) << 56));
  s.v2 ^= 0xFF;
  for (int i = 0; i < 4; ++i) s.round();
  uint64_t tag = s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(tag >> (8 * i));
}

}  // namespace dnsd::common
