// The sentinel's HTTP API on api_listen (cpp-httplib, its own thread): JSON endpoints for
// the client subcommands behind a bearer token; read-only without a token: /metrics, the
// status page at / and its data at /status.json.
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "dnsd/common/address.h"
#include "dnsd/common/http_listener.h"

namespace sentinel::api {

// Runs one command on the daemon's loop and calls `reply` exactly once (from any thread).
using Reply = std::function<void(int status, const nlohmann::json& body)>;
using Dispatch = std::function<void(const std::string& verb, const nlohmann::json& args, Reply)>;

class ApiServer {
 public:
  ApiServer(Dispatch dispatch, std::string token);
  ~ApiServer();
  // Binds and starts serving; false with `error` when the address cannot be bound.
  bool start(const dnsd::common::SocketAddress& listen, std::string& error);
  void stop();

 private:
  nlohmann::json call(const std::string& verb, const nlohmann::json& args, int& status);
  Dispatch dispatch_;
  std::string token_;
  dnsd::common::HttpListener listener_;
};

}  // namespace sentinel::api
