// TCP check: ok when a connection to spec.target completes before spec.timeout.
#include "sentinel/probe/tcp_probe.h"

#include "sentinel/probe/check_base.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

namespace sentinel::probe {
namespace {

struct TcpCheck : CheckBase<TcpCheck, uv_tcp_t> {
  uv_connect_t connect{};
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  static void on_connect(uv_connect_t* req, int status) {
    auto* self = static_cast<TcpCheck*>(req->data);
    if (self->finished) return;  // UV_ECANCELED after close: still alive until on_close
    try {
      if (status == 0) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - self->started);
        ProbeResult r;
        r.ok = true;
        r.failure = ProbeFailure::None;
        r.detail = "connected in " + std::to_string(ms.count()) + " ms";
        self->finish(std::move(r));
      } else {
        self->fail(failure_from_uv(status), connect_error_text(status));
      }
    } catch (...) {
      self->cancel();
    }
  }

  void on_timeout() {
    try {
      fail(ProbeFailure::Timeout, "timeout");
    } catch (...) {
      cancel();
    }
  }
};

}  // namespace

std::function<void()> start_tcp_probe(uv_loop_t* loop, const CheckSpec& spec,
                                      ProbeCallback done, std::string* error) {
  auto* c = new TcpCheck;
  c->done = std::move(done);
  return start_tcp_connect(c, loop, spec, error);
}

}  // namespace sentinel::probe
