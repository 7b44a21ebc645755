// Fuzz target: journal replay: entry decoding, and opening a state dir whose journal file
// holds the input (torn tails, bad checksums, wrong serials must all be survived).
#include <sys/stat.h>

#include <cstdint>
#include <fstream>

#include "dnsd/update/journal.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dnsd::update::JournalEntry e;
  (void)dnsd::update::decode_entry(data, size, e);
  static const std::string dir = [] {
    std::string d = fuzz::scratch_path("state");
    mkdir(d.c_str(), 0700);
    return d;
  }();
  {
    std::ofstream f(dir + "/api.example.test.journal", std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  std::remove((dir + "/api.example.test.snapshot").c_str());
  auto zone = fuzz::zone_snapshot();
  dnsd::update::Journal::LoadReport report;
  auto j = dnsd::update::Journal::open(dir, fuzz::origin_wire(), zone, report);
  (void)j;
  fuzz::check_structure(*zone);
  return 0;
}
