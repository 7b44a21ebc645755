// MetricsServer: routes, socket options, the listener thread.
#include "dnsd/metrics/metrics_server.h"

#include <httplib.h>

#include <chrono>

namespace dnsd::metrics {

MetricsServer::MetricsServer(Render render) : render_(std::move(render)) {}

MetricsServer::~MetricsServer() { stop(); }

bool MetricsServer::start(const common::SocketAddress& listen, std::string& error) {
  server_ = std::make_unique<httplib::Server>();
  auto& srv = *server_;
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
  // httplib's default adds SO_REUSEPORT, which would let a second dnsd share the port.
  srv.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  std::string host = listen.to_string();
  host = host.substr(0, host.rfind(':'));
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (!srv.bind_to_port(host, listen.port())) {
    error = "metrics.listen = \"" + listen.to_string() +
            "\": cannot listen there (address in use, or not an address of this host)";
    server_.reset();
    return false;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listener runs: wait for it, so stop() right
  // after start() cannot hang.
  for (int i = 0; i < 2000 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return true;
}

void MetricsServer::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dnsd::metrics
