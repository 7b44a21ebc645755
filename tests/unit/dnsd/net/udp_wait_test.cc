// What the UDP thread does with each return of its recvmmsg, serving and stopping, and
// its clocks.
#include "dnsd/net/udp_wait.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <vector>

namespace dnsd::net {
namespace {

TEST(UdpWaitTest, EachRecvReturnHasItsStep) {
  struct Case {
    int n, err;
    size_t first_len;
    bool stopping;
    RecvStep want;
  } cases[] = {
      // Serving.
      {32, 0, 40, false, RecvStep::Answer},       // a full batch
      {1, 0, 40, false, RecvStep::Answer},        // MSG_WAITFORONE: one is enough
      {1, 0, 0, false, RecvStep::Answer},         // an empty datagram: answer() drops it
      {-1, EAGAIN, 0, false, RecvStep::Idle},     // SO_RCVTIMEO expired: refresh the catalog
      {0, 0, 0, false, RecvStep::Idle},
      {-1, EINTR, 0, false, RecvStep::Retry},     // a signal
      {-1, ENOMEM, 0, false, RecvStep::Fail},     // counted, then waits again
      {-1, ECONNREFUSED, 0, false, RecvStep::Fail},
      // Stopping: what was received is answered, an empty queue ends the thread.
      {5, 0, 40, true, RecvStep::Answer},         // queued before the stop: answered
      {32, 0, 40, true, RecvStep::Answer},        // a full drain batch: read again after it
      {1, 0, 40, true, RecvStep::Answer},
      {3, 0, 0, true, RecvStep::Answer},          // an empty datagram first, queries after it
      {1, 0, 0, true, RecvStep::Drain},           // shutdown() woke the blocking read
      {0, 0, 0, true, RecvStep::Drain},
      {-1, EAGAIN, 0, true, RecvStep::Stop},      // the drain found the queue empty
      {-1, EINTR, 0, true, RecvStep::Retry},
      {-1, ECONNREFUSED, 0, true, RecvStep::Fail},  // an ICMP error, reported once
      {-1, EHOSTUNREACH, 0, true, RecvStep::Fail},
      {-1, EBADF, 0, true, RecvStep::Stop},       // cannot be read: never spin on it
      {-1, ENOMEM, 0, true, RecvStep::Stop},
  };
  for (const auto& c : cases)
    EXPECT_EQ(next_recv_step(c.n, c.err, c.first_len, c.stopping, 0), c.want)
        << "n=" << c.n << " errno=" << c.err << " first_len=" << c.first_len
        << " stopping=" << c.stopping;
}

// A socket the kernel keeps feeding (its connect to the stop sink failed) never drains:
// the stop ends anyway, after kMaxDrainReads reads. The budget means nothing while
// serving.
TEST(UdpWaitTest, TheDrainHasABudget) {
  struct Case {
    int n, err, drained;
    bool stopping;
    RecvStep want;
  } cases[] = {
      {32, 0, 0, true, RecvStep::Answer},
      {32, 0, kMaxDrainReads - 1, true, RecvStep::Answer},
      {32, 0, kMaxDrainReads, true, RecvStep::Stop},
      {-1, EINTR, kMaxDrainReads, true, RecvStep::Stop},
      {32, 0, kMaxDrainReads, false, RecvStep::Answer},
      {-1, EAGAIN, kMaxDrainReads, false, RecvStep::Idle},
  };
  for (const auto& c : cases)
    EXPECT_EQ(next_recv_step(c.n, c.err, 40, c.stopping, c.drained), c.want)
        << "n=" << c.n << " errno=" << c.err << " drained=" << c.drained
        << " stopping=" << c.stopping;
}

// A stop, step by step as the thread sees it: every recvmmsg return until it leaves.
TEST(UdpWaitTest, AStopAnswersTheQueueThenLeaves) {
  struct Recv { int n, err; size_t first_len; };
  struct Case {
    const char* what;
    std::vector<Recv> returns;  // what recvmmsg returns, once the stop flag is seen
    int answered_batches;
  } cases[] = {
      {"woken with nothing queued", {{1, 0, 0}, {-1, EAGAIN, 0}}, 0},
      {"woken with queries queued", {{3, 0, 40}, {-1, EAGAIN, 0}}, 1},
      {"more than a batch queued", {{32, 0, 40}, {32, 0, 40}, {7, 0, 40}, {-1, EAGAIN, 0}}, 3},
      {"a signal and an ICMP error on the way", {{-1, EINTR, 0}, {2, 0, 40}, {-1, ECONNREFUSED, 0},
                                                 {1, 0, 40}, {-1, EAGAIN, 0}}, 2},
  };
  for (const auto& c : cases) {
    bool draining = false;
    int answered = 0;
    size_t i = 0;
    int flags_seen_blocking = 0;
    for (; i < c.returns.size(); ++i) {
      if (recv_flags(draining) == MSG_WAITFORONE) ++flags_seen_blocking;
      draining = true;  // the flag is read after the first return
      RecvStep s = next_recv_step(c.returns[i].n, c.returns[i].err, c.returns[i].first_len,
                                  draining, static_cast<int>(i));
      if (s == RecvStep::Stop) break;
      if (s == RecvStep::Answer) ++answered;
    }
    EXPECT_EQ(i, c.returns.size() - 1) << c.what << ": left before the queue was empty";
    EXPECT_EQ(answered, c.answered_batches) << c.what;
    EXPECT_EQ(flags_seen_blocking, 1) << c.what << ": only the read that saw the stop may block";
  }
  EXPECT_EQ(recv_flags(false), MSG_WAITFORONE);
  EXPECT_EQ(recv_flags(true), MSG_DONTWAIT);
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
