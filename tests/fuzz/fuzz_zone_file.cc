// Fuzz target: the zone file loader (ldns + our rules) and the snapshot compiler.
#include <cstdint>
#include <cstdio>
#include <fstream>

#include "dnsd/answer/answer.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz::scratch_path("zone");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  dnsd::common::ErrorList errors;
  auto content = dnsd::zone::load_zone_file(path, fuzz::origin_wire(), errors);
  if (!content) return 0;
  auto snapshot = content->build(std::make_shared<const dnsd::zone::SelfSpec>(fuzz::self_config()));
  fuzz::check_structure(*snapshot);
  return 0;
}
