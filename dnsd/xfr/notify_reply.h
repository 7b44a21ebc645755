// What a datagram received after sending a NOTIFY means (RFC 1996 4.7): not ours (another
// ID, not a response: keep waiting), the acknowledgement (NOERROR, opcode NOTIFY, the
// zone's SOA question), or a failure (any other rcode, or our ID answered with something
// that is not a NOTIFY response for the zone). Pure, so it is unit-tested on its own.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace dnsd::xfr {

struct NotifyReply {
  enum Kind { NotOurs, Acknowledged, Failed } kind = NotOurs;
  std::string why;  // Failed: "REFUSED", "not a NOTIFY response (opcode 0)", ...
};

// `zone`: the wire name the NOTIFY was for; `id`: the ID it carried.
NotifyReply classify_notify_reply(const uint8_t* buf, size_t len, uint16_t id,
                                  const std::string& zone);

// "REFUSED", "SERVFAIL", ... or "rcode 12".
std::string rcode_name(unsigned rcode);

}  // namespace dnsd::xfr
