// One cpp-httplib server on its own thread, started and stopped the same way for dnsd's
// [metrics] endpoint and sentinel's API: SO_REUSEADDR but not httplib's default
// SO_REUSEPORT (which would let a second process share the port), bind, serve, and a
// stop() that cannot hang.
#pragma once
#include <memory>
#include <thread>

#include "dnsd/common/address.h"

namespace httplib {
class Server;
}

namespace dnsd::common {

class HttpListener {
 public:
  HttpListener();
  ~HttpListener();  // stops
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  // The server to add routes and timeouts to before start().
  httplib::Server& server() { return *server_; }

  // Binds `listen` and serves from a thread; false when the address cannot be bound (in
  // use, or not an address of this host): the caller words the error for its config key.
  bool start(const SocketAddress& listen);
  void stop();

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
};

}  // namespace dnsd::common
