// Prober: dispatches each check to its type's implementation and tracks what is in flight.
#include "sentinel/probe/probe.h"

#include <map>
#include <utility>

#include "sentinel/probe/dns_probe.h"
#include "sentinel/probe/http_probe.h"
#include "sentinel/probe/tcp_probe.h"
#include "sentinel/probe/tls_probe.h"

namespace sentinel::probe {

const char* check_type_name(CheckType t) {
  switch (t) {
    case CheckType::Dns: return "dns";
    case CheckType::Tcp: return "tcp";
    case CheckType::Http: return "http";
    case CheckType::Tls: return "tls";
  }
  return "unknown";
}

ProbeFailure failure_from_uv(int uv_error) {
  switch (uv_error) {
    case UV_ECONNREFUSED: return ProbeFailure::Refused;
    case UV_ECONNRESET:
    case UV_EPIPE:
    case UV_ECONNABORTED: return ProbeFailure::Reset;
    case UV_EHOSTUNREACH:
    case UV_ENETUNREACH:
    case UV_ENETDOWN: return ProbeFailure::Unreachable;
    case UV_ETIMEDOUT: return ProbeFailure::Timeout;
    default: return ProbeFailure::Error;
  }
}

namespace {

// A check that could not start: reports its failure on the next loop iteration.
struct DeferredFailure {
  uv_timer_t timer{};
  ProbeResult result;
  ProbeCallback done;

  static void on_close(uv_handle_t* h) { delete static_cast<DeferredFailure*>(h->data); }
  static void on_timer(uv_timer_t* t) {
    auto* self = static_cast<DeferredFailure*>(t->data);
    uv_close(reinterpret_cast<uv_handle_t*>(&self->timer), on_close);
    ProbeCallback cb = std::move(self->done);
    cb(self->result);  // self is freed by on_close, later
  }
  void cancel() { uv_close(reinterpret_cast<uv_handle_t*>(&timer), on_close); }
};

std::function<void()> start_deferred_failure(uv_loop_t* loop, std::string detail,
                                             ProbeCallback done) {
  auto* f = new DeferredFailure;
  f->result.detail = std::move(detail);
  f->done = std::move(done);
  f->timer.data = f;
  uv_timer_init(loop, &f->timer);  // cannot fail on Linux
  uv_timer_start(&f->timer, DeferredFailure::on_timer, 0, 0);
  return [f] { f->cancel(); };
}

}  // namespace

struct Prober::Impl {
  uv_loop_t* loop;
  uint64_t next_id = 1;
  std::map<uint64_t, std::function<void()>> in_flight;  // id -> canceller
  HttpMulti* http = nullptr;                             // created on the first http check
  bool closed = false;

  explicit Impl(uv_loop_t* l) : loop(l) {}

  std::function<void()> dispatch(const CheckSpec& spec, ProbeCallback done,
                                 std::string* error) {
    switch (spec.type) {
      case CheckType::Dns: return start_dns_probe(loop, spec, std::move(done), error);
      case CheckType::Tcp: return start_tcp_probe(loop, spec, std::move(done), error);
      case CheckType::Tls: return start_tls_probe(loop, spec, std::move(done), error);
      case CheckType::Http:
        if (http == nullptr) http = http_multi_new(loop, error);
        if (http == nullptr) return {};
        return start_http_probe(http, spec, std::move(done), error);
    }
    *error = "unknown check type";
    return {};
  }

  void start(const CheckSpec& spec, ProbeCallback done) {
    if (closed) return;  // after close() new checks are dropped: no callback, nothing kept
    uint64_t id = next_id++;
    auto started = std::chrono::steady_clock::now();
    // Runs on the loop thread; the entry is gone before the user sees the result, so the
    // user may start checks, close or even destroy the Prober from inside `done`.
    ProbeCallback wrapped = [this, id, started, user = std::move(done)](const ProbeResult& r) {
      in_flight.erase(id);
      try {
        ProbeResult out = r;
        if (out.ok) out.failure = ProbeFailure::None;
        out.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - started);
        if (user) user(out);
      } catch (...) {
        // A throwing callback must not unwind through libuv or libcurl.
      }
    };
    std::string error;
    std::function<void()> cancel = dispatch(spec, wrapped, &error);
    if (!cancel) {
      if (error.empty()) error = "check could not start";
      cancel = start_deferred_failure(loop, std::move(error), std::move(wrapped));
    }
    in_flight.emplace(id, std::move(cancel));
  }

  void close() {
    if (closed) return;
    closed = true;
    auto pending = std::move(in_flight);
    in_flight.clear();
    for (auto& [id, cancel] : pending) cancel();
    if (http != nullptr) http_multi_close(http);
    http = nullptr;
  }
};

Prober::Prober(uv_loop_t* loop) : impl_(std::make_unique<Impl>(loop)) {}

Prober::~Prober() {
  if (impl_) impl_->close();
}

void Prober::start(const CheckSpec& spec, ProbeCallback done) {
  impl_->start(spec, std::move(done));
}

void Prober::close() { impl_->close(); }

}  // namespace sentinel::probe
