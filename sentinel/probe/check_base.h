// What every libuv-driven check shares: one I/O handle plus a timeout timer, exactly one
// completion (or none once cancelled), and deletion only after libuv has closed both
// handles, so no callback ever runs on freed memory.
#pragma once
#include <uv.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "sentinel/probe/probe.h"

namespace sentinel::probe {

template <typename Self, typename Io>
struct CheckBase {
  Io io{};
  uv_timer_t timer{};
  int open_handles = 0;
  bool finished = false;
  ProbeCallback done;

  static void on_close(uv_handle_t* h) {
    auto* self = static_cast<Self*>(h->data);
    if (--self->open_handles == 0) delete self;
  }

  void close_handles() {
    for (uv_handle_t* h : {reinterpret_cast<uv_handle_t*>(&io), reinterpret_cast<uv_handle_t*>(&timer)})
      if (h->data != nullptr && !uv_is_closing(h)) uv_close(h, on_close);
  }

  // No callback after this; the check frees itself once its handles are closed.
  void cancel() {
    finished = true;
    done = nullptr;
    close_handles();
  }

  void finish(ProbeResult r) {
    if (finished) return;
    finished = true;
    close_handles();  // frees `this` later, from the loop
    ProbeCallback cb = std::move(done);
    if (cb) cb(r);
  }

  void fail(ProbeFailure why, std::string detail) {
    ProbeResult r;
    r.failure = why;
    r.detail = std::move(detail);
    finish(std::move(r));
  }

  // Initializes the timer and the I/O handle with `init_io`; each initialized handle is
  // counted so that on_close frees the check exactly once.
  int init_handles(uv_loop_t* loop, int (*init_io)(uv_loop_t*, Io*)) {
    int rc = uv_timer_init(loop, &timer);
    if (rc != 0) return rc;
    timer.data = static_cast<Self*>(this);
    ++open_handles;
    rc = init_io(loop, &io);
    if (rc != 0) return rc;
    io.data = static_cast<Self*>(this);
    ++open_handles;
    return 0;
  }

  int start_timer(std::chrono::milliseconds timeout) {
    auto ms = static_cast<uint64_t>(std::max<int64_t>(0, timeout.count()));
    return uv_timer_start(&timer, [](uv_timer_t* t) { static_cast<Self*>(t->data)->on_timeout(); },
                          ms, 0);
  }

  // After a failed start: nothing is reported; the check is freed now or once closed.
  void abandon() {
    cancel();
    if (open_handles == 0) delete static_cast<Self*>(this);
  }

  // The cancel function start_*_probe returns.
  std::function<void()> canceller() {
    return [self = static_cast<Self*>(this)] { self->cancel(); };
  }
};

// "connection refused", "connect: no route to host", ...
inline std::string connect_error_text(int uv_error) {
  return uv_error == UV_ECONNREFUSED ? "connection refused"
                                     : std::string("connect: ") + uv_strerror(uv_error);
}

// The tcp and tls checks both begin with a TCP connect to spec.target under the timeout;
// `c` (with its `connect` request and static `on_connect`) is freed on failure.
template <typename Check>
std::function<void()> start_tcp_connect(Check* c, uv_loop_t* loop, const CheckSpec& spec,
                                        std::string* error) {
  c->connect.data = c;
  int rc = c->init_handles(loop, uv_tcp_init);
  if (rc == 0) rc = uv_tcp_connect(&c->connect, &c->io, spec.target.sa(), Check::on_connect);
  if (rc == 0) rc = c->start_timer(spec.timeout);
  if (rc != 0) {
    *error = connect_error_text(rc);
    c->abandon();
    return {};
  }
  return c->canceller();
}

}  // namespace sentinel::probe
