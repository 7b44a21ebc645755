// Micro-benchmark of answer() alone (no sockets), over the bench query mix: existing A,
// self/wildcard, SRV, NXDOMAIN, NODATA, out of zone. Regressions in lookup show here first.
// BM_AnswerMix sends it with EDNS (1232), BM_AnswerMixNoEdns without, as scripts/bench does.
// BM_AnswerCookies runs the same mix with DNS cookies (RFC 7873, RFC 9018): none, a client
// cookie alone (one SipHash to make the server cookie) and a valid server cookie (one to
// check it); scripts/bench prints the ratios to the no-cookie run.
#include <benchmark/benchmark.h>

#include <random>

#include "testutil/dns_test_util.h"

namespace dnsd::testutil {
namespace {

std::string bench_zone(int names) {
  std::string z =
      "$ORIGIN api.example.test.\n$TTL 300\n@ SOA ns1.example.test. h.example.test. 1 3600 600 86400 60\n"
      "@ NS ns1.example.test.\n@ NS ns2.example.test.\n"
      "_tunnel._tcp SRV 0 100 443 lb1\n_tunnel._tcp SRV 10 100 443 lb2\nlb1 A 192.0.2.1\nlb2 A 192.0.2.2\n";
  for (int i = 0; i < names; ++i) z += "host" + std::to_string(i) + " A 10.0." + std::to_string(i / 250 % 250) + "." + std::to_string(i % 250 + 1) + "\n";
  return z;
}

std::vector<std::vector<uint8_t>> mix(int names, int count, const std::vector<uint8_t>& cookie = {},
                                      bool edns = true) {
  std::mt19937 rng(42);
  std::vector<std::vector<uint8_t>> qs;
  for (int i = 0; i < count; ++i) {
    int r = static_cast<int>(rng() % 100);
    int h = static_cast<int>(rng() % static_cast<unsigned>(names));
    QueryOptions o{.edns = edns, .id = static_cast<uint16_t>(i), .cookie = cookie};
    if (r < 40) qs.push_back(make_query("host" + std::to_string(h) + ".api.example.test.", 1, o));
    else if (r < 70) qs.push_back(make_query("w" + std::to_string(h) + ".api.example.test.", 1, o));
    else if (r < 80) qs.push_back(make_query("_tunnel._tcp.api.example.test.", 33, o));
    else if (r < 90) qs.push_back(make_query("x.host" + std::to_string(h) + ".api.example.test.", 1, o));
    else if (r < 95) qs.push_back(make_query("host" + std::to_string(h) + ".api.example.test.", 16, o));
    else qs.push_back(make_query("www.example.org.", 1, o));
  }
  return qs;
}

void run_mix(benchmark::State& state, bool edns) {
  int names = static_cast<int>(state.range(0));
  auto cat = make_catalog({{"api.example.test.", bench_zone(names), {"@", "*"}, {"198.51.100.10"}, {}}}, "lb1");
  auto qs = mix(names, 4096, {}, edns);
  std::vector<uint8_t> out(65535);
  answer::QueryContext ctx;
  size_t i = 0;
  for (auto _ : state) {
    const auto& q = qs[i++ & 4095];
    auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_AnswerMix(benchmark::State& state) { run_mix(state, true); }
BENCHMARK(BM_AnswerMix)->Arg(1000)->Arg(100000);
// The same mix without EDNS, as scripts/bench's query file sends it (dnsperf, dnsbatch).
void BM_AnswerMixNoEdns(benchmark::State& state) { run_mix(state, false); }
BENCHMARK(BM_AnswerMixNoEdns)->Arg(100000);

// Arg: 0 = no COOKIE option, 1 = a client cookie alone, 2 = a valid server cookie.
void BM_AnswerCookies(benchmark::State& state) {
  const int names = 100000;
  auto cat = make_catalog({{"api.example.test.", bench_zone(names), {"@", "*"}, {"198.51.100.10"}, {}}}, "lb1");
  cat->cookies.count = 1;
  for (uint8_t i = 0; i < 16; ++i) cat->cookies.keys[0].bytes[i] = static_cast<uint8_t>(i * 17);
  answer::QueryContext ctx;
  ctx.now = 1559731985;
  ctx.client = {4, {198, 51, 100, 100}};
  std::vector<uint8_t> out(65535);
  std::vector<uint8_t> cookie;
  if (state.range(0) >= 1) cookie = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
  if (state.range(0) == 2) {  // the server cookie a client-only query gets back
    auto q = make_query("lb1.api.example.test.", 1, {.cookie = cookie});
    auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
    cookie.assign(out.begin() + static_cast<long>(r.length) - 24, out.begin() + static_cast<long>(r.length));
  }
  auto qs = mix(names, 4096, cookie);
  size_t i = 0, valid = 0;
  for (auto _ : state) {
    const auto& q = qs[i++ & 4095];
    auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
    valid += r.valid_cookie;
    benchmark::DoNotOptimize(r);
  }
  if (state.range(0) == 2 && valid != static_cast<size_t>(state.iterations()))
    state.SkipWithError("the server cookie was not accepted");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnswerCookies)->Arg(0)->Arg(1)->Arg(2);

}  // namespace
}  // namespace dnsd::testutil

BENCHMARK_MAIN();
