// NOTIFY response classification.
#include "dnsd/xfr/notify_reply.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::xfr {

std::string rcode_name(unsigned rcode) {
  static const char* const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                      "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                      "NXRRSET", "NOTAUTH", "NOTZONE"};
  if (rcode < sizeof names / sizeof names[0]) return names[rcode];
  return "rcode " + std::to_string(rcode);
}

NotifyReply classify_notify_reply(const uint8_t* buf, size_t len, uint16_t id,
                                  const std::string& zone) {
  if (len < 12 || static_cast<uint16_t>(buf[0] << 8 | buf[1]) != id || !(buf[2] & 0x80))
    return {};  // a stray datagram or an old try's late answer: not this try's reply
  unsigned opcode = (buf[2] >> 3) & 0xF;
  if (opcode != wire::opcode::NOTIFY)
    return {NotifyReply::Failed, "not a NOTIFY response (opcode " + std::to_string(opcode) + ")"};
  unsigned rcode = buf[3] & 0xF;
  if (rcode != wire::rcode::NOERROR) return {NotifyReply::Failed, rcode_name(rcode)};
  unsigned qdcount = static_cast<unsigned>(buf[4] << 8 | buf[5]);
  size_t pos = 12;
  wire::NameBuf name;
  if (qdcount != 1 || !wire::read_name(buf, len, pos, name) || pos + 4 > len)
    return {NotifyReply::Failed, "a NOERROR response without the zone's question"};
  uint16_t qtype = static_cast<uint16_t>(buf[pos] << 8 | buf[pos + 1]);
  if (!wire::names_equal(name.view(), zone) || qtype != wire::type::SOA)
    return {NotifyReply::Failed, "a response for another zone (" + wire::name_to_text(name.view()) + ")"};
  return {NotifyReply::Acknowledged, ""};
}

}  // namespace dnsd::xfr
