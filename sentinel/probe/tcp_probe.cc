// TCP check: ok when a connection to spec.target completes before spec.timeout.
#include "sentinel/probe/tcp_probe.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

namespace sentinel::probe {
namespace {

struct TcpCheck {
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_connect_t connect{};
  int open_handles = 0;
  bool finished = false;
  ProbeCallback done;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  static void on_close(uv_handle_t* h) {
    auto* self = static_cast<TcpCheck*>(h->data);
    if (--self->open_handles == 0) delete self;
  }

  void close_handles() {
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&tcp),
                           reinterpret_cast<uv_handle_t*>(&timer)}) {
      if (h->data != nullptr && !uv_is_closing(h)) uv_close(h, on_close);
    }
  }

  void cancel() {
    finished = true;
    done = nullptr;
    close_handles();
  }

  void finish(bool ok, std::string detail) {
    if (finished) return;
    finished = true;
    close_handles();  // frees `this` later, from the loop
    ProbeResult r;
    r.ok = ok;
    r.detail = std::move(detail);
    ProbeCallback cb = std::move(done);
    if (cb) cb(r);
  }

  static void on_connect(uv_connect_t* req, int status) {
    auto* self = static_cast<TcpCheck*>(req->data);
    if (self->finished) return;  // UV_ECANCELED after close: still alive until on_close
    try {
      if (status == 0) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - self->started);
        self->finish(true, "connected in " + std::to_string(ms.count()) + " ms");
      } else if (status == UV_ECONNREFUSED) {
        self->finish(false, "connection refused");
      } else {
        self->finish(false, std::string("connect: ") + uv_strerror(status));
      }
    } catch (...) {
      self->cancel();
    }
  }

  static void on_timeout(uv_timer_t* t) {
    auto* self = static_cast<TcpCheck*>(t->data);
    try {
      self->finish(false, "timeout");
    } catch (...) {
      self->cancel();
    }
  }
};

}  // namespace

std::function<void()> start_tcp_probe(uv_loop_t* loop, const CheckSpec& spec,
                                      ProbeCallback done, std::string* error) {
  const auto timeout_ms = static_cast<uint64_t>(std::max<int64_t>(0, spec.timeout.count()));
  auto* c = new TcpCheck;
  c->done = std::move(done);
  c->connect.data = c;
  int rc = uv_timer_init(loop, &c->timer);
  if (rc == 0) {
    c->timer.data = c;
    ++c->open_handles;
    rc = uv_tcp_init(loop, &c->tcp);
  }
  if (rc == 0) {
    c->tcp.data = c;
    ++c->open_handles;
    rc = uv_tcp_connect(&c->connect, &c->tcp, spec.target.sa(), TcpCheck::on_connect);
  }
  if (rc == 0) rc = uv_timer_start(&c->timer, TcpCheck::on_timeout, timeout_ms, 0);
  if (rc != 0) {
    *error = rc == UV_ECONNREFUSED ? "connection refused"
                                   : std::string("connect: ") + uv_strerror(rc);
    c->cancel();
    if (c->open_handles == 0) delete c;
    return {};
  }
  return [c] { c->cancel(); };
}

}  // namespace sentinel::probe
