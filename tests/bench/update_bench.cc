// Micro-benchmark of one dynamic update's CPU work without I/O (RFC 2136 processing, rules,
// diff and the copy-on-write commit of the new snapshot) by zone size: it must stay flat
// as the zone grows. Also the whole-zone build from a master file (what a start or a
// SIGHUP reload costs).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <fstream>

#include "dnsd/update/update_processor.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_loader.h"
#include "dnsd/zone/zone_snapshot.h"
#include "testutil/dns_test_util.h"

namespace dnsd::testutil {
namespace {

std::string zone_text(int names) {
  std::string z = "$ORIGIN api.example.test.\n$TTL 300\n@ SOA ns1.example.test. h.example.test. 1 3600 600 86400 60\n"
                  "@ NS ns1.example.test.\n";
  for (int i = 0; i < names; ++i)
    z += "host" + std::to_string(i) + " A 10.0." + std::to_string(i / 250 % 250) + "." +
         std::to_string(i % 250 + 1) + "\n";
  return z;
}

update::UpdateMessage add_one(const std::string& origin, int i) {
  update::UpdateMessage m;
  m.zone = origin;
  m.zone_type = 6;
  m.zone_class = 1;
  update::UpdateRR rr;
  std::string label = "u" + std::to_string(i);
  rr.owner = std::string(1, static_cast<char>(label.size())) + label + origin;
  rr.type = 1;
  rr.klass = 1;
  rr.ttl = 60;
  rr.rdata = std::string("\x0a\x09\x00", 3) + static_cast<char>(i % 250 + 1);
  m.updates.push_back(rr);
  return m;
}

void BM_ApplyUpdate(benchmark::State& state) {
  auto cat = make_catalog({{"api.example.test.", zone_text(static_cast<int>(state.range(0))), {}, {}, {}}});
  auto snapshot = cat->zones[0].snapshot;
  int i = 0;
  for (auto _ : state) {
    auto r = update::apply_update(add_one(snapshot->origin(), i++), snapshot, {});
    benchmark::DoNotOptimize(r.snapshot);
  }
}
BENCHMARK(BM_ApplyUpdate)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMicrosecond);

void BM_LoadZoneFile(benchmark::State& state) {
  char path[] = "/tmp/dnsd-bench-zone-XXXXXX";
  close(mkstemp(path));
  { std::ofstream(path) << zone_text(static_cast<int>(state.range(0))); }
  std::string origin = *wire::name_from_text("api.example.test.");
  for (auto _ : state) {
    common::ErrorList errors;
    auto b = zone::load_zone_file(path, origin, errors);
    auto snap = b->build(nullptr);
    benchmark::DoNotOptimize(snap);
  }
  unlink(path);
}
BENCHMARK(BM_LoadZoneFile)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace dnsd::testutil

BENCHMARK_MAIN();
