// One worker: a thread with its own libuv loop serving its own SO_REUSEPORT UDP and TCP
// sockets. Workers share nothing on the query path but the published catalog pointer.
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

#include "dnsd/answer/stop_answer.h"
#include "dnsd/net/query_log.h"
#include "dnsd/net/server_stats.h"
#include "dnsd/net/slow_path.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::net {

// What every worker reads: the catalog, the grace flag and the TCP limits.
struct ServerShared {
  explicit ServerShared(const zone::CatalogHolder& h) : holder(h) {}
  const zone::CatalogHolder& holder;
  std::atomic<bool> grace{false};       // stop_grace window
  std::atomic<answer::StopAnswer> grace_answer{answer::StopAnswer::Refused};  // ... answering this
  std::atomic<bool> log_queries{false};  // [log] queries: fill the workers' query log rings
  std::atomic<unsigned> tcp_clients{0};
  unsigned tcp_max_clients = 1000;
  uint64_t tcp_idle_ms = 10'000;
  uint32_t rrl_rate = 0;  // per worker: [rrl] responses_per_second / workers
  uint32_t rrl_slip = 2;
  SlowPathHandler slow_path;  // set before start(); empty = slow-path messages are dropped
};

class UdpReceiver;
struct TcpConnection;

class Worker {
 public:
  explicit Worker(ServerShared& shared);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Hand over bound sockets before start().
  void add_udp(int fd);
  void add_tcp(int fd);
  void start();
  // Thread-safe: closes every handle, ends the loop, joins the thread.
  void stop();

  WorkerStats stats;
  QueryLogRing query_log;  // written by this worker only; see query_log.h

  // Used by the UDP and TCP code of this worker (same thread).
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
  std::vector<std::unique_ptr<UdpReceiver>> udp_;
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
