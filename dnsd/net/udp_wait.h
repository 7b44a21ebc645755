// How a UDP thread waits for queries, and what each return of its blocking recvmmsg means
// (pure, unit-tested in tests/unit/dnsd/net/udp_wait_test.cc).
//
// The thread blocks in recvmmsg(MSG_WAITFORONE): one syscall returns as soon as one
// datagram is there, with up to a batch of those already queued, like the reflector and
// gdnsd; there is no epoll_wait in between. Two things end the wait besides a query:
// - stop(): shutdown(fd, SHUT_RD). On Linux it marks even an unconnected UDP socket shut
//   for reading and wakes its sleepers (inet_shutdown returns ENOTCONN but sets the flag,
//   "to wake up other listeners"); the blocked recvmmsg returns at once, and every later
//   one too, so a stop cannot be missed. It costs nothing while serving.
// - SO_RCVTIMEO of kIdleWakeMs: a socket that gets no queries still wakes once a second to
//   take the current catalog, so a replaced one is not held (and its memory kept) by an
//   idle thread until its next query. Under load the timeout never fires.
#pragma once
#include <cerrno>
#include <cstdint>
#include <ctime>

namespace dnsd::net {

inline constexpr int kIdleWakeMs = 1000;

enum class RecvStep : uint8_t {
  Answer,  // n datagrams to answer
  Idle,    // the receive timeout: refresh the catalog, wait again
  Retry,   // a signal interrupted the wait: wait again
  Stop,    // stop() was asked for: leave the thread
  Fail,    // any other error: count it, wait again
};

// `n` as recvmmsg returned it, `err` its errno when n < 0, `stopping` the stop flag read
// after it returned. Stopping wins over everything, datagrams included.
constexpr RecvStep next_recv_step(int n, int err, bool stopping) {
  if (stopping) return RecvStep::Stop;
  if (n > 0) return RecvStep::Answer;
  if (n == 0) return RecvStep::Idle;
  if (err == EAGAIN) return RecvStep::Idle;  // EWOULDBLOCK is the same value on Linux
  if (err == EINTR) return RecvStep::Retry;
  return RecvStep::Fail;
}

// Monotonic seconds for the rate limiter's windows: CLOCK_MONOTONIC_COARSE, read once per
// batch from the vDSO (no syscall, no event loop needed).
inline uint64_t coarse_monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<uint64_t>(ts.tv_sec);
}

// Monotonic nanoseconds (the query log's latency), also from the vDSO.
inline uint64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace dnsd::net
