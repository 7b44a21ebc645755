// Fuzz target: UPDATE messages: TSIG verification, RFC 2136 parsing and processing against
// a real zone (prerequisites, deletes, adds, SOA rules).
#include <cstdint>

#include "dnsd/answer/query_parser.h"
#include "dnsd/update/tsig.h"
#include "dnsd/update/update_message.h"
#include "dnsd/update/update_processor.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<dnsd::common::TsigKey> keys = [] {
    dnsd::common::TsigKey k;
    k.name = std::string("\x08sentinel\x00", 10);
    dnsd::common::base64_decode("MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=", k.secret);
    return std::vector<dnsd::common::TsigKey>{k};
  }();
  static const std::vector<std::string> self_owners = fuzz::self_config().owners;
  dnsd::answer::ParsedQuery q;
  dnsd::answer::parse_query(data, size, q);
  if (q.tsig_offset != 0)
    (void)dnsd::update::verify_request(data, size, q.tsig_offset, keys, 1'700'000'000);
  dnsd::update::UpdateMessage msg;
  if (!dnsd::update::parse_update(data, q.tsig_offset ? q.tsig_offset : size, msg)) return 0;
  auto result = dnsd::update::apply_update(msg, *fuzz::zone_content(), self_owners);
  if (result.changed && !result.content) std::abort();
  return 0;
}
