// Decodes a query's header, question and EDNS OPT in place. The result's `decision`
// already says what to do: drop it, answer FORMERR (with or without an OPT)/NOTIMP, or go
// on to the lookup.
#pragma once
#include <cstddef>
#include <cstdint>

#include "dnsd/wire/name.h"

namespace dnsd::answer {

enum class Decision : uint8_t {
  Ok,       // a well-formed query to answer
  Drop,     // no header, or a response (QR=1): never answer (no reflection loops)
  FormErr,  // malformed: header-only FORMERR
  BadOption,  // a well-formed message and OPT, but an option's content is malformed (a
              // COOKIE of a bad length, RFC 7873 5.2.2): FORMERR with an OPT (RFC 6891
              // 6.1.1), as BIND answers its DNS_R_OPTERR; the bad option is not echoed
  NotImp,   // unknown opcode
};

struct ParsedQuery {
  Decision decision = Decision::Drop;
  uint16_t id = 0;
  uint16_t flags = 0;  // second header word as received
  uint8_t opcode = 0;
  bool has_question = false;
  wire::NameBuf qname;        // as received (case preserved)
  wire::NameBuf qname_lower;  // for lookups
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  size_t question_end = 0;    // offset just after the question in the query
  // EDNS (RFC 6891)
  bool has_edns = false;
  uint8_t edns_version = 0;
  uint16_t edns_payload = 0;
  bool edns_do = false;
  bool nsid_requested = false;
  // COOKIE (RFC 7873): the first COOKIE option's data inside `data`, null if none.
  const uint8_t* cookie = nullptr;
  uint8_t cookie_len = 0;  // cookie_length_ok(): a malformed one made the query BadOption
  // TSIG (RFC 8945): where the TSIG RR starts in the query, 0 if unsigned.
  size_t tsig_offset = 0;
};

void parse_query(const uint8_t* data, size_t len, ParsedQuery& out) noexcept;

}  // namespace dnsd::answer
