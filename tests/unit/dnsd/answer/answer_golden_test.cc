// answer() byte for byte against recorded responses (answer_golden.txt): the bench query
// mix (with and without EDNS, as answer_bench and dnsbatch send it), the queries of the
// answer/protocol integration tests (dig's and the raw packets), stop answers, DNS cookies,
// and every seed of the answer fuzz corpus under the fuzz target's five contexts. A speed
// change to the query path must keep every byte: this test fails if one changes.
//
// The file was recorded with the query path of main on 2026-12-01 (before issue 17's
// changes). Rewrite it (ANSWER_GOLDEN_WRITE=1 meson test unit-answer-golden) only for a
// change that is meant to change answers, and say so in the commit.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "answer/test_zone.h"
#include "dnsd/wire/dns_constants.h"
#include "testutil/dns_test_util.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace dnsd::testutil {
namespace {

using answer::QueryContext;
using answer::StopAnswer;
using answer::Transport;

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    s.push_back(d[p[i] >> 4]);
    s.push_back(d[p[i] & 15]);
  }
  return s;
}

// FNV-1a: for inputs of one length, two that differ in one byte always hash apart (each
// step is a bijection of the state), so a changed byte cannot hide behind the digest.
uint64_t fnv1a(const uint8_t* p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

struct Case {
  std::string name;  // unique, no spaces
  const zone::Catalog* catalog;
  std::vector<uint8_t> query;
  QueryContext ctx;
  size_t cap = 65535;
  bool digest_only = false;  // the mix: length and FNV-1a instead of the whole response
};

// One line per case: what answer() returned, then the response (hex, or length + digest).
std::string run_case(const Case& c) {
  std::vector<uint8_t> out(65535, 0xEE);
  answer::Result r = answer::answer(c.query.data(), c.query.size(), *c.catalog, c.ctx,
                                    out.data(), c.cap);
  std::ostringstream s;
  s << c.name << " outcome=" << static_cast<int>(r.outcome) << " rcode=" << static_cast<int>(r.rcode)
    << " tc=" << r.truncated << " vc=" << r.valid_cookie << " qtype=" << r.qtype << " zone=" << r.zone
    << " len=" << r.length;
  size_t n = r.outcome == answer::Outcome::Answered ? r.length : 0;
  if (c.digest_only || n > 256) {  // keeps the recording small; a changed byte still shows
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a(out.data(), n)));
    s << " fnv=" << buf;
  } else {
    s << " " << (n ? hex(out.data(), n) : "-");
  }
  return s.str();
}

std::string bench_zone(int names) {  // tests/bench/answer_bench.cc's zone
  std::string z =
      "$ORIGIN api.example.test.\n$TTL 300\n@ SOA ns1.example.test. h.example.test. 1 3600 600 86400 60\n"
      "@ NS ns1.example.test.\n@ NS ns2.example.test.\n"
      "_tunnel._tcp SRV 0 100 443 lb1\n_tunnel._tcp SRV 10 100 443 lb2\nlb1 A 192.0.2.1\nlb2 A 192.0.2.2\n";
  for (int i = 0; i < names; ++i)
    z += "host" + std::to_string(i) + " A 10.0." + std::to_string(i / 250 % 250) + "." +
         std::to_string(i % 250 + 1) + "\n";
  return z;
}

// The bench mix (scripts/bench, answer_bench): 40 % existing A, 30 % wildcard self, 10 %
// SRV, 10 % NXDOMAIN, 5 % NODATA, 5 % out of zone.
std::vector<std::pair<std::string, uint16_t>> bench_mix(int names, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::pair<std::string, uint16_t>> qs;
  for (int i = 0; i < count; ++i) {
    int r = static_cast<int>(rng() % 100);
    std::string h = std::to_string(rng() % static_cast<unsigned>(names));
    if (r < 40) qs.emplace_back("host" + h + ".api.example.test.", 1);
    else if (r < 70) qs.emplace_back("w" + h + ".api.example.test.", 1);
    else if (r < 80) qs.emplace_back("_tunnel._tcp.api.example.test.", 33);
    else if (r < 90) qs.emplace_back("x.host" + h + ".api.example.test.", 1);
    else if (r < 95) qs.emplace_back("host" + h + ".api.example.test.", 16);
    else qs.emplace_back("www.example.org.", 1);
  }
  return qs;
}

std::string protocol_zone() {  // tests/integration/dnsd_harness.py ZONE, with "big"
  std::string z = kExampleZone;
  for (int i = 0; i < 40; ++i)
    z += "big TXT \"" + std::string(60, static_cast<char>('a' + i % 26)) + std::to_string(i) + "\"\n";
  return z;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
  return s;
}

std::vector<uint8_t> raw(const std::string& bytes) { return {bytes.begin(), bytes.end()}; }

std::vector<uint8_t> header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
  std::vector<uint8_t> h;
  for (uint16_t v : {id, flags, qd, an, ns, ar}) {
    h.push_back(static_cast<uint8_t>(v >> 8));
    h.push_back(static_cast<uint8_t>(v));
  }
  return h;
}

class Golden : public ::testing::Test {
 protected:
  void SetUp() override {
    bench_ = make_catalog({{"api.example.test.", bench_zone(1000), {"@", "*"}, {"198.51.100.10"}, {}}}, "lb1");
    std::string z = protocol_zone();
    const std::string self_zone =
        "$ORIGIN api.example.test.\n$TTL 300\n@ SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60\n"
        "@ NS ns1.example.test.\nlb1 A 127.0.0.11\n";
    proto_ = make_catalog({{"example.com.", z, {}, {}, {}},
                           {"example.org.", replace_all(z, "example.com", "example.org"), {}, {}, {}},
                           {"api.example.test.", self_zone, {"@", "*"}, {"198.51.100.10", "198.51.100.11"},
                            {"2001:db8::10"}}},
                          "it1");
    cookies_ = make_catalog({{"example.com.", z, {}, {}, {}}}, "it1");
    ASSERT_TRUE(bench_ && proto_ && cookies_);
    cookies_->cookies.count = 2;
    for (uint8_t i = 0; i < 16; ++i) {
      cookies_->cookies.keys[0].bytes[i] = static_cast<uint8_t>(i * 17);
      cookies_->cookies.keys[1].bytes[i] = static_cast<uint8_t>(0xF0 | i);
    }
  }

  void add(std::string name, const zone::Catalog& cat, std::vector<uint8_t> q, QueryContext ctx = {},
           size_t cap = 65535, bool digest = false) {
    cases_.push_back({std::move(name), &cat, std::move(q), ctx, cap, digest});
  }

  void bench_cases() {
    auto mix = bench_mix(1000, 600, 42);
    for (size_t i = 0; i < mix.size(); ++i) {
      const auto& [name, type] = mix[i];
      uint16_t id = static_cast<uint16_t>(i * 7919);
      add("mix-edns-" + std::to_string(i), *bench_, make_query(name, type, {.id = id}), {}, 65535, true);
      add("mix-plain-" + std::to_string(i), *bench_, make_query(name, type, {.edns = false, .id = id}), {},
          65535, true);
    }
  }

  // What test_answers.py and test_protocol.py ask, with dig's defaults (RD, EDNS 1232, a
  // client cookie) and without EDNS, over UDP and TCP.
  void protocol_cases() {
    const std::vector<std::pair<std::string, uint16_t>> names = {
        {"www.example.com.", 1}, {"www.example.com.", 28}, {"www.example.com.", 15}, {"www.example.com.", 255},
        {"www.example.com.", 16}, {"nope.example.com.", 1}, {"b.c.example.com.", 15}, {"c.example.com.", 15},
        {"a.b.c.example.com.", 1}, {"Anything.wild.example.com.", 1}, {"Anything.wild.example.com.", 16},
        {"x.sub.wild.example.com.", 1}, {"sub.wild.example.com.", 1}, {"chain.example.com.", 1},
        {"alias.example.com.", 1}, {"alias.example.com.", 5}, {"dangling.example.com.", 1},
        {"outside.example.com.", 1}, {"host.child.example.com.", 1}, {"child.example.com.", 43},
        {"child.example.com.", 2}, {"child.example.com.", 1}, {"ns.child.example.com.", 1},
        {"www.example.net.", 1}, {"WwW.ExAmPlE.CoM.", 1}, {"MAIL.example.COM.", 15}, {"mail.example.com.", 15},
        {"txt.example.com.", 16}, {"_tunnel._tcp.example.com.", 33}, {"caa.example.com.", 257},
        {"ptr.example.com.", 12}, {"unk.example.com.", 65534}, {"www.example.org.", 1},
        {"example.org.", 6}, {"example.com.", 2}, {"example.com.", 6}, {"example.com.", 255},
        {"example.com.", 1}, {"big.example.com.", 16}, {"api.example.test.", 1}, {"api.example.test.", 28},
        {"api.example.test.", 6}, {"api.example.test.", 2}, {"random-7f3a.api.example.test.", 1},
        {"random-7f3a.api.example.test.", 28}, {"x.y.api.example.test.", 1}, {"lb1.api.example.test.", 1},
        {"lb1.api.example.test.", 28}, {"com.", 1}, {".", 2}, {"www.example.com.", 41},
        {"www.example.com.", 250}, {"www.example.com.", 254}, {"www.example.com.", 253},
        {"example.com.", 252}, {"example.com.", 251}};
    const std::vector<uint8_t> dig_cookie = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
    for (size_t i = 0; i < names.size(); ++i) {
      const auto& [name, type] = names[i];
      std::string base = "proto-" + std::to_string(i) + "-" + name + "-" + std::to_string(type);
      QueryContext tcp;
      tcp.transport = Transport::Tcp;
      uint16_t id = static_cast<uint16_t>(1000 + i);
      add(base + "-dig", *proto_, make_query(name, type, {.rd = true, .id = id, .cookie = dig_cookie}));
      add(base + "-noedns", *proto_, make_query(name, type, {.edns = false, .id = id}));
      add(base + "-edns512", *proto_, make_query(name, type, {.payload = 512, .id = id}));
      add(base + "-nsid-tcp", *proto_, make_query(name, type, {.nsid = true, .id = id}), tcp);
      add(base + "-cap512", *proto_, make_query(name, type, {.payload = 4096, .id = id}), {}, 512);
    }
    // Round robin: the rotation follows the ID.
    for (uint16_t id = 0; id < 6; ++id)
      add("proto-rr-" + std::to_string(id), *proto_, make_query("rr.example.com.", 1, {.id = id}));
    // EDNS version 1 (BADVERS), NSID, CHAOS identity names.
    add("proto-badvers", *proto_, make_query("www.example.com.", 1, {.version = 1}));
    add("proto-nsid", *proto_, make_query("www.example.com.", 1, {.nsid = true}));
    for (const char* n : {"id.server.", "hostname.bind.", "version.bind.", "ID.SERVER."})
      for (uint16_t t : std::initializer_list<uint16_t>{16, 255, 1})
        add(std::string("proto-chaos-") + n + std::to_string(t), *proto_,
            make_query(n, t, {.qclass = wire::klass::CH}));
    add("proto-class-any", *proto_, make_query("www.example.com.", 1, {.qclass = wire::klass::ANY}));
    add("proto-class-none", *proto_, make_query("www.example.com.", 1, {.qclass = wire::klass::NONE}));
    // test_protocol.py's raw packets.
    std::vector<uint8_t> good = make_query("www.example.com.", 1, {.edns = false, .id = 7});
    std::vector<uint8_t> h = header(7, 0, 1, 0, 0, 0);
    std::vector<uint8_t> opt = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
    auto join = [](std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    std::vector<uint8_t> question(good.begin() + 12, good.end());
    std::vector<uint8_t> two_ar = good;
    two_ar[11] = 2;
    std::vector<uint8_t> one_ar = good;
    one_ar[11] = 1;
    std::vector<uint8_t> garbage;
    for (int k = 0; k < 512; ++k) garbage.push_back(static_cast<uint8_t>(k));
    std::vector<uint8_t> response = good;
    response[2] = 0x80;
    std::vector<uint8_t> status = good;
    status[2] = 2 << 3;
    std::vector<uint8_t> notify = good;
    notify[2] = 4 << 3;
    std::vector<uint8_t> update = good;
    update[2] = 5 << 3;
    std::vector<uint8_t> compressed_q = header(8, 0, 1, 0, 0, 0);
    for (uint8_t b : raw(std::string("\x03www\xc0\x0c\x00\x01\x00\x01", 10))) compressed_q.push_back(b);
    const std::vector<std::pair<std::string, std::vector<uint8_t>>> packets = {
        {"short", raw(std::string("\x12\x34\x00", 3))},
        {"header-only", header(7, 0, 0, 0, 0, 0)},
        {"truncated-name", join(h, raw("\x07" "exam"))},
        {"compression-loop", join(h, raw(std::string("\xc0\x0c\x00\x01\x00\x01", 6)))},
        {"forward-pointer-q", compressed_q},
        {"qdcount-2", join(join(header(7, 0, 2, 0, 0, 0), question), question)},
        {"two-opt", join(join(two_ar, opt), opt)},
        {"opt-not-root", join(one_ar, join(raw("\x01x"), std::vector<uint8_t>(opt.begin() + 1, opt.end())))},
        {"opt-ok", join(one_ar, opt)},
        {"response", response},
        {"garbage", garbage},
        {"status-opcode", status},
        {"notify-opcode", notify},
        {"update-opcode", update},
        {"good", good},
        {"trailing-bytes", join(good, raw("\x01\x02"))},
    };
    for (const auto& [name, p] : packets) {
      QueryContext tcp;
      tcp.transport = Transport::Tcp;
      add("raw-" + name, *proto_, p);
      add("raw-" + name + "-tcp", *proto_, p, tcp);
    }
    // The stop_grace window's answers.
    const std::pair<const char*, StopAnswer> stops[] = {{"refused", StopAnswer::Refused},
                                                        {"lame", StopAnswer::Lame},
                                                        {"referral", StopAnswer::Referral},
                                                        {"upward", StopAnswer::Upward},
                                                        {"notauth", StopAnswer::NotAuth}};
    for (const auto& [label, how] : stops) {
      QueryContext stop;
      stop.refuse_all = true;
      stop.stop_answer = how;
      for (const char* n : {"www.example.com.", "www.example.net.", "api.example.test."})
        add(std::string("stop-") + label + "-" + n, *proto_, make_query(n, 1, {}), stop);
    }
  }

  // DNS cookies (RFC 7873, RFC 9018): none, a client cookie alone, a valid server cookie
  // (the one the client-only query got), a wrong one, malformed lengths; IPv4 and IPv6.
  void cookie_cases() {
    QueryContext v4;
    v4.now = 1559731985;
    v4.client.length = 4;
    inet_pton(AF_INET, "198.51.100.100", v4.client.bytes);
    QueryContext v6 = v4;
    v6.client.length = 16;
    inet_pton(AF_INET6, "2001:db8::100", v6.client.bytes);
    const std::vector<uint8_t> client = {1, 2, 3, 4, 5, 6, 7, 8};
    std::vector<uint8_t> out(65535);
    auto q = make_query("www.example.com.", 1, {.cookie = client});
    auto r = answer::answer(q.data(), q.size(), *cookies_, v4, out.data(), out.size());
    ASSERT_GE(r.length, 24u);
    std::vector<uint8_t> valid(out.begin() + static_cast<long>(r.length) - 24, out.begin() + static_cast<long>(r.length));
    std::vector<uint8_t> wrong = valid;
    wrong.back() ^= 1;
    const std::pair<const char*, std::vector<uint8_t>> cookies[] = {
        {"none", {}}, {"client", client}, {"valid", valid}, {"wrong", wrong},
        {"short", {1, 2, 3}}, {"long", std::vector<uint8_t>(41, 7)}, {"client-only-9", std::vector<uint8_t>(9, 9)}};
    for (const auto& [label, c] : cookies) {
      for (const char* n : {"www.example.com.", "nope.example.com.", "www.example.net."}) {
        add(std::string("cookie-") + label + "-v4-" + n, *cookies_, make_query(n, 1, {.cookie = c}), v4);
        add(std::string("cookie-") + label + "-v6-" + n, *cookies_, make_query(n, 1, {.nsid = true, .cookie = c}), v6);
        QueryContext old = v4;
        old.now += 7200;  // past the cookie's lifetime
        add(std::string("cookie-") + label + "-late-" + n, *cookies_, make_query(n, 1, {.cookie = c}), old);
      }
    }
  }

  // tests/fuzz/fuzz_answer.cc: each seed under its five contexts and caps.
  void fuzz_cases() {
    const char* dir = std::getenv("ANSWER_FUZZ_CORPUS");
    ASSERT_NE(dir, nullptr) << "ANSWER_FUZZ_CORPUS: the answer fuzz corpus (meson sets it)";
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    const answer::ClientAddress v4{4, {192, 0, 2, 1}};
    const answer::ClientAddress v6{16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
    const uint32_t now = 1559731985;
    const QueryContext contexts[] = {{Transport::Udp, false, StopAnswer::Refused, v4, now},
                                     {Transport::Tcp, false, StopAnswer::Refused, v6, now},
                                     {Transport::Udp, true, StopAnswer::Lame, v4, now},
                                     {Transport::Udp, true, StopAnswer::Upward, v4, now},
                                     {Transport::Tcp, true, StopAnswer::Referral, v6, now}};
    const size_t caps[] = {512, 65535, 1232, 512, 65535};
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      for (int i = 0; i < 5; ++i)
        add("fuzz-" + f.filename().string() + "-" + std::to_string(i), fuzz::catalog(), data, contexts[i], caps[i]);
    }
  }

  std::shared_ptr<zone::Catalog> bench_, proto_, cookies_;
  std::vector<Case> cases_;
};

TEST_F(Golden, EveryResponseIsByteIdenticalToTheRecording) {
  bench_cases();
  protocol_cases();
  cookie_cases();
  fuzz_cases();
  const char* path = std::getenv("ANSWER_GOLDEN");
  ASSERT_NE(path, nullptr) << "ANSWER_GOLDEN: the recorded responses (meson sets it)";
  std::vector<std::string> got;
  for (const Case& c : cases_) got.push_back(run_case(c));

  if (std::getenv("ANSWER_GOLDEN_WRITE")) {
    std::ofstream f(path);
    f << "# answer() responses, recorded by answer_golden_test.cc (see its header); "
      << got.size() << " cases\n";
    for (const auto& l : got) f << l << "\n";
    ASSERT_TRUE(f.good()) << "cannot write " << path;
    GTEST_SKIP() << "recorded " << got.size() << " responses to " << path;
  }

  std::ifstream f(path);
  ASSERT_TRUE(f.good()) << "cannot read " << path;
  std::map<std::string, std::string> want;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#') continue;
    want[line.substr(0, line.find(' '))] = line;
  }
  EXPECT_EQ(want.size(), got.size()) << "the recording and the cases differ in number";
  size_t differ = 0;
  for (size_t i = 0; i < cases_.size(); ++i) {
    auto it = want.find(cases_[i].name);
    if (it == want.end()) {
      ADD_FAILURE() << cases_[i].name << ": not in the recording";
      continue;
    }
    if (it->second != got[i] && ++differ <= 20)
      ADD_FAILURE() << "query " << hex(cases_[i].query.data(), cases_[i].query.size()) << "\n got  "
                    << got[i] << "\n want " << it->second;
  }
  EXPECT_EQ(differ, 0u) << "responses that changed";
}

}  // namespace
}  // namespace dnsd::testutil
