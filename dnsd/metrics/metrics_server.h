// The [metrics] listen HTTP endpoint (cpp-httplib on its own thread): /metrics in the
// Prometheus text format, /health (200 while the process runs) and /ready (200 once the
// zones are loaded and the server answers, 503 before that and in the stop grace window).
#pragma once
#include <atomic>
#include <functional>
#include <string>

#include "dnsd/common/address.h"
#include "dnsd/common/http_listener.h"

namespace dnsd::metrics {

class MetricsServer {
 public:
  using Render = std::function<std::string()>;  // called on the HTTP thread per scrape

  explicit MetricsServer(Render render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds `listen` and serves from a thread; false with a one-line `error` when the
  // address cannot be bound (in use, or not an address of this host).
  bool start(const common::SocketAddress& listen, std::string& error);
  void set_ready(bool ready) { ready_.store(ready, std::memory_order_relaxed); }
  void stop();

 private:
  Render render_;
  std::atomic<bool> ready_{false};
  common::HttpListener listener_;
};

}  // namespace dnsd::metrics
