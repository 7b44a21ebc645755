// How a UDP thread waits for queries, and what each return of its recvmmsg means, while
// serving and while stopping (pure, unit-tested in tests/unit/dnsd/net/udp_wait_test.cc).
//
// The thread blocks in recvmmsg(MSG_WAITFORONE): one syscall returns as soon as one
// datagram is there, with up to a batch of those already queued, like the reflector and
// gdnsd; there is no epoll_wait in between. Two things end the wait besides a query:
// - stop(): shutdown(fd, SHUT_RD). On Linux it marks a UDP socket shut for reading and
//   wakes its sleepers; the blocked recvmmsg returns at once (with queued datagrams, or
//   one empty "datagram" when the queue is empty), and every later one too, so a stop
//   cannot be missed. It costs nothing while serving.
// - SO_RCVTIMEO of kIdleWakeMs: a socket that gets no queries still wakes once a second to
//   take the current catalog, so a replaced one is not held (and its memory kept) by an
//   idle thread until its next query. Under load the timeout never fires.
//
// A stop loses no query silently (see UdpReceiver::request_stop): woken, the thread first
// connect()s its socket to an address no query comes from (stop_sink_address() in
// socket_setup.h), so the kernel stops queueing queries on it and answers later ones with
// ICMP port unreachable, as if dnsd had exited. It then drains what was queued before
// that - recvmmsg(MSG_DONTWAIT), answering each batch - and leaves at EAGAIN.
#pragma once
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <ctime>

namespace dnsd::net {

inline constexpr int kIdleWakeMs = 1000;

enum class RecvStep : uint8_t {
  Answer,  // n datagrams to answer (while stopping too: they were queued before the stop)
  Idle,    // the receive timeout: refresh the catalog, wait again
  Retry,   // a signal interrupted the wait: wait again
  Drain,   // stopping, nothing to answer in this return: read again, without waiting
  Stop,    // stopping and the queue is empty: leave the thread
  Fail,    // any other error: count it, read again
};

// An error that reports an ICMP error queued on the socket (sk_err, a connected socket
// gets them): each read reports it once, so the next read goes on with the queue.
constexpr bool is_queued_socket_error(int err) {
  return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH ||
         err == EHOSTDOWN || err == ENETDOWN || err == EMSGSIZE || err == EPROTO;
}

// The most reads a stopping thread makes. Connected to the stop sink, its queue only
// shrinks and empties long before (a receive buffer of net.core.rmem_max holds some
// thousands of datagrams); if that connect failed, the kernel keeps feeding the socket and
// this ends the drain instead of the stop hanging under load.
inline constexpr int kMaxDrainReads = 1024;

// `n` as recvmmsg returned, `err` its errno when n < 0, `first_len` the length of the
// first datagram when n > 0, `stopping` the stop flag read after it returned, `drained`
// how many reads the thread made before this one since it saw the flag.
// While stopping, every datagram received is answered; an empty queue ends the thread:
// EAGAIN from the MSG_DONTWAIT drain, and the one empty "datagram" a blocking read
// returns on a socket shut for reading is the wake, not a query (a real empty datagram is
// no query either: it would only be dropped as too short).
constexpr RecvStep next_recv_step(int n, int err, size_t first_len, bool stopping,
                                  int drained) {
  if (stopping) {
    if (drained >= kMaxDrainReads) return RecvStep::Stop;
    if (n == 1 && first_len == 0) return RecvStep::Drain;
    if (n > 0) return RecvStep::Answer;
    if (n == 0) return RecvStep::Drain;
    if (err == EAGAIN) return RecvStep::Stop;
    if (err == EINTR) return RecvStep::Retry;
    if (is_queued_socket_error(err)) return RecvStep::Fail;
    return RecvStep::Stop;  // EBADF, ENOMEM, ...: the queue cannot be read, do not spin
  }
  if (n > 0) return RecvStep::Answer;
  if (n == 0) return RecvStep::Idle;
  if (err == EAGAIN) return RecvStep::Idle;  // EWOULDBLOCK is the same value on Linux
  if (err == EINTR) return RecvStep::Retry;
  return RecvStep::Fail;
}

// The recvmmsg flags: block for the first datagram while serving; while draining at a
// stop, never wait (the queue only shrinks, EAGAIN = done).
constexpr int recv_flags(bool draining) { return draining ? MSG_DONTWAIT : MSG_WAITFORONE; }

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
