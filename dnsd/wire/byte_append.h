// Big-endian appends to a growing byte vector, for the slow paths that build messages and
// files (TSIG, transfers, NOTIFY). The query path uses WireWriter over a fixed buffer.
#pragma once
#include <cstdint>
#include <vector>

namespace dnsd::wire {

inline void append_u16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
inline void append_u32(std::vector<uint8_t>& v, uint32_t x) {
  append_u16(v, static_cast<uint16_t>(x >> 16));
  append_u16(v, static_cast<uint16_t>(x));
}
inline void append_u48(std::vector<uint8_t>& v, uint64_t x) {
  append_u16(v, static_cast<uint16_t>(x >> 32));
  append_u32(v, static_cast<uint32_t>(x));
}

}  // namespace dnsd::wire
