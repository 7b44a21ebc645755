// Zone file parsing: read_master_file (native fast path) against the former loader's ldns
// loop (ldns_rr_new_frm_fp_l per record) on generated zones of 100k and 1M names, plus the
// whole load_zone_file (parse + build). Items are records: items_per_second gives ns/record.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include "dnsd/common/ldns_include.h"

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "dnsd/wire/name.h"
#include "dnsd/zone/master_file.h"
#include "dnsd/zone/zone_loader.h"

namespace {

// host<i> A lines, and every 1000th name also an SRV, a TXT and an MX.
struct ZoneFile {
  std::string path;
  int records = 0;
  explicit ZoneFile(int names) {
    char p[] = "/tmp/dnsd-master-bench-XXXXXX";
    int fd = mkstemp(p);
    close(fd);
    path = p;
    std::ofstream f(path);
    f << "$ORIGIN bench.example.\n$TTL 300\n"
         "@ SOA ns1 hostmaster ( 1 3600 600 86400 60 )\n@ NS ns1\nns1 A 192.0.2.1\n";
    records = 3;
    char line[128];
    for (int i = 0; i < names; ++i) {
      std::snprintf(line, sizeof line, "host%d A 10.%d.%d.%d\n", i, i >> 16 & 255, i >> 8 & 255,
                    i & 255);
      f << line;
      ++records;
      if (i % 1000 == 0) {
        f << "_svc" << i << "._tcp 60 IN SRV 0 5 443 host" << i << "\n"
          << "host" << i << " TXT \"v=spf1 -all\" \"id=" << i << "\"\n"
          << "host" << i << " MX 10 mail" << i % 7 << ".bench.example.\n";
        records += 3;
      }
    }
  }
  ~ZoneFile() { unlink(path.c_str()); }
};

// One file per size, written on first use and removed at exit.
const ZoneFile& zone(int64_t names) {
  static std::map<int64_t, std::unique_ptr<ZoneFile>> files;
  auto& f = files[names];
  if (!f) f = std::make_unique<ZoneFile>(static_cast<int>(names));
  return *f;
}

const std::string& origin() {
  static std::string o = *dnsd::wire::name_from_text("bench.example.");
  return o;
}

void BM_ReadMasterFile(benchmark::State& state) {
  const ZoneFile& z = zone(state.range(0));
  size_t n = 0;
  for (auto _ : state) {
    dnsd::common::ErrorList errors;
    n = 0;
    dnsd::zone::read_master_file(
        z.path, origin(), errors,
        [&](const dnsd::zone::MasterRecord& r) { n += r.rdata.size() > 0; });
    if (!errors.empty()) state.SkipWithError(errors.to_string().c_str());
  }
  if (n != static_cast<size_t>(z.records)) state.SkipWithError("wrong record count");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * z.records);
}
BENCHMARK(BM_ReadMasterFile)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The loader's former loop, as it was (minus the zone building).
void BM_LdnsLoop(benchmark::State& state) {
  const ZoneFile& z = zone(state.range(0));
  for (auto _ : state) {
    FILE* fp = std::fopen(z.path.c_str(), "r");
    ldns_rdf* o = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin().size(), origin().data());
    ldns_rdf* prev = ldns_rdf_clone(o);
    uint32_t ttl = 3600;
    int line = 0;
    size_t bytes = 0;
    while (!std::feof(fp)) {
      ldns_rr* rr = nullptr;
      ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &o, &prev, &line);
      if (s != LDNS_STATUS_OK) continue;
      ldns_buffer* buf = ldns_buffer_new(512);
      ldns_rr_rdata2buffer_wire(buf, rr);
      bytes += ldns_buffer_position(buf);
      ldns_buffer_free(buf);
      ldns_rr_free(rr);
    }
    benchmark::DoNotOptimize(bytes);
    std::fclose(fp);
    ldns_rdf_deep_free(o);
    ldns_rdf_deep_free(prev);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * z.records);
}
BENCHMARK(BM_LdnsLoop)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

// The whole load: parse, group and check (load_zone_file), then the snapshot build.
void BM_LoadZoneFile(benchmark::State& state) {
  const ZoneFile& z = zone(state.range(0));
  for (auto _ : state) {
    dnsd::common::ErrorList errors;
    auto content = dnsd::zone::load_zone_file(z.path, origin(), errors);
    if (!content) {
      state.SkipWithError(errors.to_string().c_str());
      break;
    }
    auto snapshot = content->build(nullptr);
    benchmark::DoNotOptimize(snapshot);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * z.records);
}
BENCHMARK(BM_LoadZoneFile)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
BENCHMARK_MAIN();
