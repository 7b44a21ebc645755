// TCP worker thread lifecycle: loop, listeners, stop.
#include "dnsd/net/worker.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "dnsd/common/thread_schedule.h"
#include "dnsd/net/tcp_connection.h"

namespace dnsd::net {

Worker::Worker(ServerShared& shared)
    : shared_(shared), reader_(shared.holder), tcp_scratch_(65535) {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &stop_async_, on_stop);
  stop_async_.data = this;
  uv_async_init(&loop_, &post_async_, on_posted);
  post_async_.data = this;
}

uint64_t Worker::register_connection(TcpConnection* c) {
  uint64_t id = next_connection_id_++;
  connections_[id] = c;
  return id;
}

void Worker::post_tcp(uint64_t id, std::vector<std::vector<uint8_t>> messages) {
  {
    std::lock_guard<std::mutex> lock(post_mutex_);
    posted_.emplace_back(id, std::move(messages));
  }
  uv_async_send(&post_async_);
}

void Worker::on_posted(uv_async_t* a) {
  auto* w = static_cast<Worker*>(a->data);
  std::deque<std::pair<uint64_t, std::vector<std::vector<uint8_t>>>> batch;
  {
    std::lock_guard<std::mutex> lock(w->post_mutex_);
    batch.swap(w->posted_);
  }
  for (auto& [id, messages] : batch) {
    auto it = w->connections_.find(id);
    if (it == w->connections_.end()) continue;  // the client went away meanwhile
    for (const auto& m : messages) it->second->send(m.data(), m.size());
  }
}

Worker::~Worker() {
  stop();
  uv_loop_close(&loop_);
}

void Worker::add_tcp(int fd) {
  auto* t = new uv_tcp_t;
  uv_tcp_init(&loop_, t);
  t->data = this;
  uv_tcp_open(t, fd);
  listeners_.push_back(t);
}

void Worker::start() {
  for (uv_tcp_t* t : listeners_) uv_listen(reinterpret_cast<uv_stream_t*>(t), 1024, on_connection);
  started_ = true;
  thread_ = std::thread([this] {
    // A short slice, the operator's nice value kept: see thread_schedule.h.
    common::set_thread_schedule(common::current_thread_nice());
    uv_run(&loop_, UV_RUN_DEFAULT);
  });
}

void Worker::stop() {
  if (!started_) {
    // Never ran: close what we own synchronously.
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&stop_async_))) {
      for (uv_tcp_t* t : listeners_)
        uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
      uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
      uv_close(reinterpret_cast<uv_handle_t*>(&post_async_), nullptr);
      uv_run(&loop_, UV_RUN_DEFAULT);
    }
    return;
  }
  started_ = false;
  uv_async_send(&stop_async_);
  if (thread_.joinable()) thread_.join();
}

void Worker::on_stop(uv_async_t* a) {
  auto* w = static_cast<Worker*>(a->data);
  for (uv_tcp_t* t : w->listeners_)
    uv_close(reinterpret_cast<uv_handle_t*>(t), [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  w->listeners_.clear();
  // Open client connections go too.
  uv_walk(
      &w->loop_,
      [](uv_handle_t* h, void*) {
        if (h->type == UV_TCP && !uv_is_closing(h)) static_cast<TcpConnection*>(h->data)->close();
      },
      nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&w->stop_async_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&w->post_async_), nullptr);
}

void Worker::on_connection(uv_stream_t* server, int status) {
  auto* w = static_cast<Worker*>(server->data);
  if (status < 0) return;
  TcpConnection::accept(*w, server);
}

}  // namespace dnsd::net
