// What the UDP thread does with each return of its blocking recvmmsg, and its clocks.
#include "dnsd/net/udp_wait.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <thread>

namespace dnsd::net {
namespace {

TEST(UdpWaitTest, EachRecvReturnHasItsStep) {
  struct Case {
    int n, err;
    bool stopping;
    RecvStep want;
  } cases[] = {
      {32, 0, false, RecvStep::Answer},      // a full batch
      {1, 0, false, RecvStep::Answer},       // MSG_WAITFORONE: one is enough
      {1, 0, true, RecvStep::Stop},          // shutdown() woke it (a zero-length read)
      {5, 0, true, RecvStep::Stop},          // queued queries are not answered after stop()
      {-1, EAGAIN, false, RecvStep::Idle},   // SO_RCVTIMEO expired: refresh the catalog
      {0, 0, false, RecvStep::Idle},
      {-1, EAGAIN, true, RecvStep::Stop},
      {-1, EINTR, false, RecvStep::Retry},   // a signal
      {-1, EINTR, true, RecvStep::Stop},
      {-1, ENOMEM, false, RecvStep::Fail},   // counted, then waits again
      {-1, EBADF, true, RecvStep::Stop},
  };
  for (const auto& c : cases)
    EXPECT_EQ(next_recv_step(c.n, c.err, c.stopping), c.want)
        << "n=" << c.n << " errno=" << c.err << " stopping=" << c.stopping;
}

TEST(UdpWaitTest, ClocksAreMonotonicAndAgree) {
  uint64_t s0 = coarse_monotonic_seconds();
  uint64_t ns0 = monotonic_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  uint64_t s1 = coarse_monotonic_seconds();  // before ns1: the coarse clock never leads
  uint64_t ns1 = monotonic_ns();
  EXPECT_GE(ns1 - ns0, 5'000'000u);
  EXPECT_GE(s0, ns0 / 1'000'000'000u - 1);
  EXPECT_GE(s1, s0);
  // The coarse clock lags the fine one by at most a tick (a few ms), never a second.
  EXPECT_LE(s1, ns1 / 1'000'000'000u);
  EXPECT_GE(s1 + 1, ns1 / 1'000'000'000u);
}

}  // namespace
}  // namespace dnsd::net
