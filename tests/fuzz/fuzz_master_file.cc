// Fuzz target: the master file reader. It must not crash, and it must read exactly what
// the former ldns loop reads: the same records (owner, type, class, TTL, wire rdata), the
// same errors at the same lines. A difference aborts with both sides printed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "tests/fuzz/fuzz_fixture.h"
#include "tests/unit/dnsd/zone/ldns_reference.h"

namespace {

void dump(const char* who, const dnsd::zone::reference::Result& r) {
  std::cerr << who << ": " << r.recs.size() << " records, " << r.errors.size() << " errors\n";
  for (const auto& rec : r.recs) std::cerr << "  " << rec << "\n";
  for (const auto& e : r.errors) std::cerr << "  error " << e << "\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz::scratch_path("master");
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::string origin = fuzz::origin_wire();
  auto fast = dnsd::zone::reference::with_reader(path, origin);
  auto ref = dnsd::zone::reference::with_ldns(path, origin);
  if (fast.recs != ref.recs || fast.errors != ref.errors) {
    dump("read_master_file", fast);
    dump("ldns", ref);
    std::abort();
  }
  return 0;
}
