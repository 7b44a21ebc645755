// Fuzz target: the sentinel.toml loader.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sentinel/config/sentinel_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dnsd::common::ErrorList errors;
  auto c = sentinel::config::parse_sentinel_config(
      std::string(reinterpret_cast<const char*>(data), size), "/tmp/fuzz/sentinel.toml", errors);
  if (!c && errors.empty()) std::abort();
  return 0;
}
