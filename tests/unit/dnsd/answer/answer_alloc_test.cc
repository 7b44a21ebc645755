// The query path must not touch the heap: this binary counts every operator new and
// asserts answer() performs none over a mix of every answer kind, with and without DNS
// cookies (client cookie only, a valid server cookie, an invalid one, a malformed one).
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "answer/test_zone.h"
#include "testutil/dns_test_util.h"

static std::atomic<long> g_allocations{0};

// Our replacement new/delete pair is malloc/free on purpose; GCC cannot see that they
// are a pair once inlined (seen under -fsanitize), so silence that one check here.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow forms too (std::stable_sort's buffer uses them): every new and delete this
// binary sees must be the same malloc/free pair, or ASan reports a mismatch.
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace dnsd::testutil {
namespace {

TEST(AnswerAllocationTest, NoHeapAllocationPerQuery) {
  auto cat = make_catalog({{"example.com.", kExampleZone, {}, {}, {}},
                           {"api.example.test.",
                            "$ORIGIN api.example.test.\n@ 60 SOA a. b. 1 2 3 4 5\n@ 60 NS ns.example.net.\n",
                            {"@", "*"}, {"192.0.2.1"}, {"2001:db8::1"}}},
                          "lb1");
  ASSERT_TRUE(cat);
  cat->cookies.count = 2;  // current and previous secret: both paths of the validation
  for (uint8_t i = 0; i < 16; ++i) {
    cat->cookies.keys[0].bytes[i] = i;
    cat->cookies.keys[1].bytes[i] = static_cast<uint8_t>(0xF0 | i);
  }
  const std::vector<uint8_t> client = {1, 2, 3, 4, 5, 6, 7, 8};
  answer::QueryContext ctx;
  ctx.now = 1559731985;
  ctx.client.length = 4;
  inet_pton(AF_INET, "198.51.100.100", ctx.client.bytes);
  // A valid server cookie: the one a client-only query gets back.
  std::vector<uint8_t> valid;
  {
    std::vector<uint8_t> out(65535);
    auto q = make_query("www.example.com.", 1, {.cookie = client});
    auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
    ASSERT_EQ(r.outcome, answer::Outcome::Answered);
    valid.assign(out.begin() + static_cast<long>(r.length) - 24, out.begin() + static_cast<long>(r.length));
  }
  std::vector<uint8_t> invalid = valid;
  invalid.back() ^= 1;
  std::vector<std::vector<uint8_t>> queries = {
      make_query("www.example.com.", 1), make_query("chain.example.com.", 1),
      make_query("nope.example.com.", 1), make_query("x.wild.example.com.", 1),
      make_query("deep.child.example.com.", 1), make_query("mail.example.com.", 15),
      make_query("_tunnel._tcp.example.com.", 33), make_query("example.com.", 2),
      make_query("rr.example.com.", 255), make_query("random.api.example.test.", 28),
      make_query("id.server.", 16, {.qclass = 3}), make_query("api.example.test.", 1, {.nsid = true}),
      make_query("www.other.org.", 1), make_query("x.example.com.", 1, {.version = 1}),
      make_query("www.example.com.", 1, {.cookie = client}),
      make_query("www.example.com.", 1, {.cookie = valid}),
      make_query("www.example.com.", 1, {.cookie = invalid}),
      make_query("api.example.test.", 1, {.nsid = true, .cookie = valid}),
      make_query("www.example.com.", 1, {.cookie = std::vector<uint8_t>(12, 7)})};
  std::vector<uint8_t> out(65535);
  size_t valid_cookies = 0;
  long before = g_allocations.load();
  ASSERT_GT(before, 0) << "the counter must see the catalog being built";
  size_t answered = 0;
  for (int round = 0; round < 10; ++round) {
    for (const auto& q : queries) {
      auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
      answered += r.outcome == answer::Outcome::Answered;
      valid_cookies += r.valid_cookie;
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(answered, 10 * queries.size());
  EXPECT_EQ(valid_cookies, 10u * 2) << "the cookie queries took the validating path";
}

}  // namespace
}  // namespace dnsd::testutil
