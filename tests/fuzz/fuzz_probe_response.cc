// Fuzz target: the sentinel's probe-response parsers: the DNS probe's SOA response, the
// read-back of published records, the `_sentinel` TXT fields, and the state file.
#include <cstdint>
#include <string>

#include "sentinel/probe/dns_response.h"
#include "sentinel/records/record_set.h"
#include "sentinel/state/state_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint16_t id = size >= 2 ? static_cast<uint16_t>(data[0] << 8 | data[1]) : 0;
  auto r = sentinel::probe::parse_soa_response(data, size, id, "api.example.test.");
  if (r.ok && !r.serial) std::abort();
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)sentinel::records::epoch_of_txt(text);
  (void)sentinel::records::master_of_txt(text);
  sentinel::cluster::ClusterState s;
  std::string error;
  (void)sentinel::state::from_json(text, s, error);
  return 0;
}
