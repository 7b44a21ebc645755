#include "dnsd/common/http_listener.h"

#include <httplib.h>

#include <chrono>

namespace dnsd::common {

HttpListener::HttpListener() : server_(std::make_unique<httplib::Server>()) {}

HttpListener::~HttpListener() { stop(); }

bool HttpListener::start(const SocketAddress& listen) {
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  std::string host = listen.to_string();
  host = host.substr(0, host.rfind(':'));
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (!server_->bind_to_port(host, listen.port())) return false;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the listener runs: wait for it, so stop() right
  // after start() cannot hang.
  for (int i = 0; i < 2000 && !server_->is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return true;
}

void HttpListener::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

}  // namespace dnsd::common
