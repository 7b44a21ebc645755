// Writes RRsets from a ZoneSnapshot into a response with section counts, compressing
// names inside the RDATA of the RFC 1035 types only (RFC 3597 4), and rotating RRs.
#pragma once
#include <cstdint>
#include <string_view>

#include "dnsd/wire/wire_writer.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::answer {

enum class Section : uint8_t { Answer, Authority, Additional };

// An owner name: either a pointer to a name already in the message or a wire name.
struct Owner {
  size_t pointer = 0;          // offset of an earlier name, 0 = use `wire`
  std::string_view wire;
};

class ResponseWriter {
 public:
  ResponseWriter(wire::WireWriter& w, uint16_t rotation) noexcept : w_(w), rotation_(rotation) {}

  // Writes the whole RRset (or nothing: returns false and rewinds if it does not fit).
  bool rrset(Section s, const Owner& owner, const zone::ZoneSnapshot::RRset& set, uint32_t ttl) noexcept;
  bool rrset(Section s, const Owner& owner, const zone::ZoneSnapshot::RRset& set) noexcept {
    return rrset(s, owner, set, set.ttl);
  }

  uint16_t count(Section s) const noexcept { return counts_[static_cast<int>(s)]; }
  void add_count(Section s, uint16_t n) noexcept { counts_[static_cast<int>(s)] += n; }
  void reset_counts() noexcept { counts_[0] = counts_[1] = counts_[2] = 0; }
  wire::WireWriter& writer() noexcept { return w_; }

 private:
  void owner(const Owner& o) noexcept;
  void rdata(uint16_t type, const uint8_t* p, uint16_t len) noexcept;

  wire::WireWriter& w_;
  uint16_t rotation_;
  uint16_t counts_[3] = {0, 0, 0};
};

}  // namespace dnsd::answer
