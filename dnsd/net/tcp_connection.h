// One DNS-over-TCP client (RFC 7766): framed, pipelined queries answered in order of
// arrival, back-pressure when the client does not read, an idle timeout, a global cap.
#pragma once
#include <uv.h>

#include <cstddef>

#include "dnsd/answer/answer.h"
#include "dnsd/answer/cookie.h"
#include "dnsd/common/address.h"
#include "dnsd/net/tcp_framer.h"

namespace dnsd::net {

class Worker;

struct TcpConnection {
  static constexpr size_t kMaxQueuedBytes = 256 * 1024;

  // Accepts a pending connection on `listener`; closes it at once over the limit.
  static void accept(Worker& worker, uv_stream_t* listener);

  Worker* worker = nullptr;
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  TcpFramer framer;
  uint64_t id = 0;
  size_t queued_bytes = 0;  // bytes in uv_write requests not yet completed
  int open_handles = 0;     // freed when both handles have closed
  bool reading = false;
  bool closing = false;
  answer::ClientAddress client;  // the peer, for DNS cookies; set at accept

  void close();
  void restart_timer();
  void handle_messages();
  void send(const uint8_t* msg, size_t len);
  void log_query(const uint8_t* msg, size_t len, const answer::Result& r, uint64_t received_ns);
  common::SocketAddress peer();
};

}  // namespace dnsd::net
