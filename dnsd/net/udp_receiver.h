// The UDP hot path: one thread per UDP socket blocks in recvmmsg(MSG_WAITFORONE) for a
// batch into preallocated buffers, answer()s each query and sendmmsg's the answers: two
// syscalls per batch, no heap allocation, no lock (see udp_wait.h for how it waits and
// stops). Everything the thread writes is its own: its counters, its query log ring, its
// rate limiter and its catalog reader.
#pragma once
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "dnsd/net/query_log.h"
#include "dnsd/net/rate_limiter.h"
#include "dnsd/net/server_shared.h"
#include "dnsd/net/server_stats.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::net {

class UdpReceiver {
 public:
  static constexpr int kBatch = 32;
  static constexpr size_t kQueryBuffer = 4096;     // larger datagrams are truncated -> FORMERR
  static constexpr size_t kResponseBuffer = 4096;  // udp_payload is at most 4096

  // Takes `fd` (a bound UDP socket); closes it in stop().
  UdpReceiver(ServerShared& shared, int fd);
  ~UdpReceiver();
  UdpReceiver(const UdpReceiver&) = delete;
  UdpReceiver& operator=(const UdpReceiver&) = delete;

  void start();
  // Asks the thread to end and wakes it (shutdown), without waiting. The thread connects
  // its socket to the stop sink (socket_setup.h: the kernel queues no new query on it,
  // later ones get ICMP port unreachable), answers every query already queued, then
  // leaves (udp_wait.h). Server::stop() asks every receiver first, then joins them one by
  // one: every socket of an address (its SO_REUSEPORT group) stops at once.
  void request_stop();
  // request_stop(), joins the thread (the queue drained) and closes the socket. From the
  // thread that called start(); twice is harmless.
  void stop();

  // Written by this receiver's thread only (bump()), read by Server::stats() (relaxed).
  WorkerStats stats;
  QueryLogRing query_log;  // single producer: this thread; see query_log.h

 private:
  void run();
  void stop_taking_queries();
  void answer_batch(int n);
  void hand_off(int i, size_t len);
  void log_batch(int out, uint64_t received_ns);

  ServerShared& shared_;
  zone::CatalogReader reader_;  // this thread's own: CatalogReader is not thread-safe
  int fd_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::vector<uint8_t> rx_;
  std::vector<uint8_t> tx_;
  mmsghdr rx_msgs_[kBatch]{};
  iovec rx_iov_[kBatch]{};
  sockaddr_storage peers_[kBatch]{};
  mmsghdr tx_msgs_[kBatch]{};
  iovec tx_iov_[kBatch]{};
  // Bound to a wildcard address: carry each query's destination (pktinfo) to its answer.
  bool wildcard_ = false;
  RateLimiter limiter_;
  // [log] queries: which query each answer of the batch is, logged after the send.
  struct Logged { int query; uint16_t qtype, rcode; };
  Logged logged_[kBatch]{};
  static constexpr size_t kControl = 64;
  alignas(cmsghdr) uint8_t rx_control_[kBatch][kControl]{};
  alignas(cmsghdr) uint8_t tx_control_[kBatch][kControl]{};
};

}  // namespace dnsd::net
