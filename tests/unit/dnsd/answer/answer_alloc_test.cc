// The query path must not touch the heap: this binary counts every operator new and
// asserts answer() performs none over a mix of every answer kind.
#include <gtest/gtest.h>

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
  std::vector<std::vector<uint8_t>> queries = {
      make_query("www.example.com.", 1), make_query("chain.example.com.", 1),
      make_query("nope.example.com.", 1), make_query("x.wild.example.com.", 1),
      make_query("deep.child.example.com.", 1), make_query("mail.example.com.", 15),
      make_query("_tunnel._tcp.example.com.", 33), make_query("example.com.", 2),
      make_query("rr.example.com.", 255), make_query("random.api.example.test.", 28),
      make_query("id.server.", 16, {.qclass = 3}), make_query("api.example.test.", 1, {.nsid = true}),
      make_query("www.other.org.", 1), make_query("x.example.com.", 1, {.version = 1})};
  std::vector<uint8_t> out(65535);
  answer::QueryContext ctx;
  long before = g_allocations.load();
  ASSERT_GT(before, 0) << "the counter must see the catalog being built";
  size_t answered = 0;
  for (int round = 0; round < 10; ++round) {
    for (const auto& q : queries) {
      auto r = answer::answer(q.data(), q.size(), *cat, ctx, out.data(), out.size());
      answered += r.outcome == answer::Outcome::Answered;
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(answered, 10 * queries.size());
}

}  // namespace
}  // namespace dnsd::testutil
