// One TCP worker: a thread with its own libuv loop serving its own SO_REUSEPORT TCP
// listeners and their connections. (UDP sockets have threads of their own: UdpReceiver.)
// Workers share nothing on the query path but the published catalog pointer.
#pragma once
#include <uv.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <thread>
#include <vector>

#include "dnsd/net/query_log.h"
#include "dnsd/net/server_stats.h"
#include "dnsd/net/server_shared.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::net {

struct TcpConnection;

class Worker {
 public:
  explicit Worker(ServerShared& shared);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Hand over bound listeners before start().
  void add_tcp(int fd);
  void start();
  // Thread-safe: closes every handle, ends the loop, joins the thread.
  void stop();

  WorkerStats stats;
  QueryLogRing query_log;  // written by this worker only; see query_log.h

  // Used by the TCP code of this worker (same thread).
  ServerShared& shared() { return shared_; }
  zone::CatalogReader& reader() { return reader_; }
  uv_loop_t* loop() { return &loop_; }
  uint8_t* tcp_scratch() { return tcp_scratch_.data(); }

  // TCP connections by id, so a late slow-path answer finds its connection or nothing.
  uint64_t register_connection(TcpConnection* c);
  void unregister_connection(uint64_t id) { connections_.erase(id); }
  // Thread-safe: queue messages for connection `id`, sent from the loop thread.
  void post_tcp(uint64_t id, std::vector<std::vector<uint8_t>> messages);

 private:
  static void on_stop(uv_async_t* a);
  static void on_connection(uv_stream_t* server, int status);
  static void on_posted(uv_async_t* a);

  ServerShared& shared_;
  zone::CatalogReader reader_;
  uv_loop_t loop_{};
  uv_async_t stop_async_{};
  std::vector<uv_tcp_t*> listeners_;
  std::vector<uint8_t> tcp_scratch_;
  std::thread thread_;
  bool started_ = false;
  uv_async_t post_async_{};
  std::mutex post_mutex_;
  std::deque<std::pair<uint64_t, std::vector<std::vector<uint8_t>>>> posted_;
  std::unordered_map<uint64_t, TcpConnection*> connections_;
  uint64_t next_connection_id_ = 1;
};

}  // namespace dnsd::net
