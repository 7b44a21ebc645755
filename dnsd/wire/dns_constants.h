// DNS numbers used across the tree (RFC 1035, 2136, 6891, 3597 and friends).
#pragma once
#include <cstdint>

namespace dnsd::wire {

namespace type {
inline constexpr uint16_t A = 1, NS = 2, CNAME = 5, SOA = 6, PTR = 12, HINFO = 13, MX = 15,
                          TXT = 16, AAAA = 28, SRV = 33, DNAME = 39, OPT = 41, DS = 43,
                          RRSIG = 46, NSEC = 47, DNSKEY = 48, TSIG = 250, IXFR = 251,
                          AXFR = 252, MAILB = 253, MAILA = 254, ANY = 255, CAA = 257;
}  // namespace type

namespace klass {
inline constexpr uint16_t IN = 1, CH = 3, NONE = 254, ANY = 255;
}  // namespace klass

namespace opcode {
inline constexpr uint8_t QUERY = 0, IQUERY = 1, STATUS = 2, NOTIFY = 4, UPDATE = 5;
}  // namespace opcode

namespace rcode {
inline constexpr uint8_t NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4,
                         REFUSED = 5, YXDOMAIN = 6, YXRRSET = 7, NXRRSET = 8, NOTAUTH = 9,
                         NOTZONE = 10;
inline constexpr uint16_t BADVERS = 16;  // extended (RFC 6891), also BADSIG for TSIG
}  // namespace rcode

namespace edns {
inline constexpr uint16_t NSID = 3;     // RFC 5001
inline constexpr uint16_t COOKIE = 10;  // RFC 7873
}  // namespace edns

// Header flag bits in the second 16-bit word.
namespace flag {
inline constexpr uint16_t QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080,
                          AD = 0x0020, CD = 0x0010;
}  // namespace flag

inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kMaxNameLength = 255;
inline constexpr size_t kMaxLabelLength = 63;
inline constexpr size_t kMaxLabels = 128;

}  // namespace dnsd::wire
