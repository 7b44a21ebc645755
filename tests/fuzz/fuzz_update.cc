// Fuzz target: UPDATE messages: TSIG verification, RFC 2136 parsing and processing against
// a real zone (prerequisites, deletes, adds, SOA rules).
#include <algorithm>
#include <cstdint>

#include "dnsd/answer/query_parser.h"
#include "dnsd/update/tsig.h"
#include "dnsd/update/update_message.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
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
  auto before = fuzz::zone_snapshot();
  auto result = dnsd::update::apply_update(msg, before, self_owners);
  if (result.changed != (result.snapshot != nullptr)) std::abort();
  if (!result.changed) return 0;
  // The copy-on-write result must equal the old zone with the reported diff applied, and
  // its node structure (empty non-terminals, child counts) must be whole.
  fuzz::check_structure(*result.snapshot);
  dnsd::zone::ZoneContent expect = before->to_content();
  for (const auto& r : result.diff.deleted) {
    auto& set = expect.nodes[r.owner][r.type];
    std::erase(set.rdatas, r.rdata);
    if (set.rdatas.empty()) expect.nodes[r.owner].erase(r.type);
    if (expect.nodes[r.owner].empty()) expect.nodes.erase(r.owner);
  }
  for (const auto& r : result.diff.added) {
    auto& set = expect.nodes[r.owner][r.type];
    set.ttl = r.ttl;
    set.add(r.rdata);
  }
  expect.nodes[expect.origin][dnsd::wire::type::SOA].rdatas = {result.diff.soa_after_rdata};
  expect.nodes[expect.origin][dnsd::wire::type::SOA].ttl = result.diff.soa_ttl;
  dnsd::zone::ZoneContent got = result.snapshot->to_content();
  if (got.nodes.size() != expect.nodes.size()) std::abort();
  for (const auto& [owner, node] : expect.nodes) {
    auto it = got.nodes.find(owner);
    if (it == got.nodes.end() || it->second.size() != node.size()) std::abort();
    for (const auto& [type, set] : node) {
      auto g = it->second.find(type);
      if (g == it->second.end() || g->second.ttl != set.ttl ||
          !std::is_permutation(set.rdatas.begin(), set.rdatas.end(), g->second.rdatas.begin(), g->second.rdatas.end()))
        std::abort();
    }
  }
  return 0;
}
