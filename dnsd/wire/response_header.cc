// Response header writer.
#include "dnsd/wire/response_header.h"

#include "dnsd/wire/dns_constants.h"

namespace dnsd::wire {

uint16_t response_flags(uint16_t query_flags, uint8_t opcode, uint8_t rcode, ResponseBits bits) {
  uint16_t copied = flag::RD | (bits.copy_cd ? flag::CD : 0);
  uint16_t f = static_cast<uint16_t>(flag::QR | (opcode & 0xF) << 11 | (query_flags & copied) | (rcode & 0xF));
  if (bits.aa) f |= flag::AA;
  if (bits.tc) f |= flag::TC;
  if (bits.ra) f |= flag::RA;
  return f;
}

void write_response_header(uint8_t* msg, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
                           uint16_t ar) {
  const uint16_t words[5] = {flags, qd, an, ns, ar};
  for (size_t i = 0; i < 5; ++i) {
    msg[2 + 2 * i] = static_cast<uint8_t>(words[i] >> 8);
    msg[3 + 2 * i] = static_cast<uint8_t>(words[i]);
  }
}

std::vector<uint8_t> response_head(const uint8_t* request, size_t question_end, uint8_t opcode,
                                   uint16_t query_flags, uint8_t rcode, ResponseBits bits) {
  if (question_end < kHeaderSize) question_end = kHeaderSize;
  std::vector<uint8_t> r(request, request + question_end);
  write_response_header(r.data(), response_flags(query_flags, opcode, rcode, bits),
                        question_end > kHeaderSize ? 1 : 0, 0, 0, 0);
  return r;
}

}  // namespace dnsd::wire
