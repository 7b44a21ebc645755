// The one place a response header's flags word is made (RFC 1035 4.1.1): QR set, the
// request's opcode, RD (and CD where asked) copied, the low four rcode bits. Every
// responder (query answers, the slow path, zone transfers) calls this, so a header rule
// changes in one place.
#pragma once
#include <cstdint>
#include <cstddef>
#include <vector>

namespace dnsd::wire {

struct ResponseBits {
  bool aa = false;
  bool tc = false;
  bool ra = false;
  bool copy_cd = false;  // queries copy CD (RFC 4035 3.2.2); the slow path does not
};

// The second header word of a response to a request whose second word was `query_flags`.
uint16_t response_flags(uint16_t query_flags, uint8_t opcode, uint8_t rcode, ResponseBits bits = {});

// A response header at the front of `msg` (at least 12 bytes): ID kept, flags set as
// above, the four counts set.
void write_response_header(uint8_t* msg, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns,
                           uint16_t ar);

// Header + question of `request` (`question_end` = 12 when there is none) as a response
// with `rcode` and no records: the form of every refusal and of an update's answer.
std::vector<uint8_t> response_head(const uint8_t* request, size_t question_end, uint8_t opcode,
                                   uint16_t query_flags, uint8_t rcode, ResponseBits bits = {});

}  // namespace dnsd::wire
