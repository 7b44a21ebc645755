// MetricsServer: routes, socket options, the listener thread.
#include "dnsd/metrics/metrics_server.h"

#include <httplib.h>


namespace dnsd::metrics {

MetricsServer::MetricsServer(Render render) : render_(std::move(render)) {}

MetricsServer::~MetricsServer() { stop(); }

bool MetricsServer::start(const common::SocketAddress& listen, std::string& error) {
  auto& srv = listener_.server();
  srv.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_(), "text/plain; version=0.0.4; charset=utf-8");
  });
  srv.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  srv.Get("/ready", [this](const httplib::Request&, httplib::Response& res) {
    bool ready = ready_.load(std::memory_order_relaxed);
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ready\n" : "not ready (starting, or stopping)\n", "text/plain");
  });
  srv.set_read_timeout(5, 0);
  srv.set_write_timeout(5, 0);
  srv.set_payload_max_length(4096);
  // Scrapes are few: two threads, not httplib's default pool of one per core.
  srv.new_task_queue = [] { return new httplib::ThreadPool(2); };
  if (!listener_.start(listen)) {
    error = "metrics.listen = \"" + listen.to_string() +
            "\": cannot listen there (address in use, or not an address of this host)";
    return false;
  }
  return true;
}

void MetricsServer::stop() { listener_.stop(); }

}  // namespace dnsd::metrics
