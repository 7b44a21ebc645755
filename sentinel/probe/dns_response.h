// Pure judgement of a DNS probe reply: is it an authoritative SOA answer for the zone?
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sentinel/probe/probe.h"

namespace sentinel::probe {

// ok only if the message parses, QR is set, the ID matches, rcode is NOERROR, AA is set
// and the answer section holds a SOA owned by `zone` (case-insensitive). Sets `serial`
// and a one-line `detail` either way. Never crashes on arbitrary input (data may be null
// when len is 0).
ProbeResult parse_soa_response(const uint8_t* data, size_t len, uint16_t expected_id,
                               std::string_view zone);

}  // namespace sentinel::probe
