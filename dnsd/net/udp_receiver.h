// The UDP hot path: recvmmsg a batch into preallocated buffers, answer() each query,
// sendmmsg the answers. No heap allocation, no lock, two syscalls per batch.
#pragma once
#include <sys/socket.h>
#include <uv.h>

#include <cstdint>
#include <vector>

#include "dnsd/net/rate_limiter.h"

namespace dnsd::net {

class Worker;

class UdpReceiver {
 public:
  static constexpr int kBatch = 32;
  static constexpr size_t kQueryBuffer = 4096;     // larger datagrams are truncated -> FORMERR
  static constexpr size_t kResponseBuffer = 4096;  // udp_payload is at most 4096

  UdpReceiver(Worker& worker, int fd);
  ~UdpReceiver();
  void start();
  void close();

 private:
  static void on_readable(uv_poll_t* handle, int status, int events);
  // Processes one batch; returns how many datagrams were read.
  int process_batch();
  void hand_off(int i, size_t len);

  Worker& worker_;
  int fd_;
  bool started_ = false;
  uv_poll_t poll_{};
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
  void log_batch(int out, uint64_t received_ns);
  static constexpr size_t kControl = 64;
  alignas(cmsghdr) uint8_t rx_control_[kBatch][kControl]{};
  alignas(cmsghdr) uint8_t tx_control_[kBatch][kControl]{};
};

}  // namespace dnsd::net
