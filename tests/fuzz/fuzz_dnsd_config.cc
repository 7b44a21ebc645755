// Fuzz target: the dnsd.toml loader (TOML parse, key table, cross-checks).
#include <cstdint>
#include <fstream>

#include "dnsd/config/config.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz::scratch_path("dnsd.toml");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  dnsd::common::ErrorList errors;
  auto c = dnsd::config::load_config(path, errors);
  if (!c && errors.empty()) std::abort();  // a refusal always says why
  return 0;
}
