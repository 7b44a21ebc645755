// answer(): one DNS message in, one response out. Pure, allocation-free, noexcept.
// Every RFC 1034/2308/4592/6891/5001/7873/8482 rule of the query path lives behind this call.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dnsd/answer/cookie.h"
#include "dnsd/answer/stop_answer.h"

namespace dnsd::zone {
class Catalog;
}

namespace dnsd::answer {

enum class Transport : uint8_t { Udp, Tcp };

struct QueryContext {
  Transport transport = Transport::Udp;
  bool refuse_all = false;  // stop_grace window: answer ordinary queries REFUSED ...
  StopAnswer stop_answer = StopAnswer::Refused;  // ... or what [server] stop_answer says
  ClientAddress client;     // the query's source: DNS cookies are bound to it (RFC 9018 4.4)
  uint32_t now = 0;         // wall clock, seconds since the epoch: cookie timestamps
};

// What happened; the network layer acts on it and the stats layer counts it.
enum class Outcome : uint8_t {
  Drop,       // not answerable (too short, a response, garbage header): send nothing
  Answered,   // response in the buffer (any rcode)
  SlowPath,   // UPDATE, NOTIFY, AXFR, IXFR: hand the query to the slow-path handler
};

struct Result {
  Outcome outcome = Outcome::Drop;
  size_t length = 0;      // bytes written to `out` when Answered
  uint8_t rcode = 0;      // low 4 bits of the response rcode (BADVERS shows as 16)
  bool truncated = false; // TC set
  bool valid_cookie = false;  // the query carried a valid server cookie of ours (RFC 7873
                              // 5.2.5): the source address is proven, RRL lets it through
  uint16_t qtype = 0;         // the question's type (0: no question), for the counters
  int zone = -1;              // index in catalog.zones of the zone that answered; -1 = none
};

// `out` must hold at least 512 bytes; the response never exceeds `out_cap`, the
// transport limit (UDP: 512 or the EDNS payload capped by the server's udp_payload;
// TCP: 65535) or the buffer, whichever is smallest.
Result answer(const uint8_t* query, size_t query_len, const zone::Catalog& catalog,
              const QueryContext& ctx, uint8_t* out, size_t out_cap) noexcept;

}  // namespace dnsd::answer
