// The control socket: a unix stream socket on the main thread's libuv loop. Each
// connection carries one request line and gets one response line, then is closed.
// Requests are bounded (kMaxRequestBytes), a silent client is dropped after a few
// seconds, and at most kMaxClients are served at once.
#pragma once
#include <uv.h>

#include <functional>
#include <string>
#include <string_view>

namespace dnsd::control {

class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view request_line)>;
  static constexpr unsigned kMaxClients = 16;
  static constexpr uint64_t kClientTimeoutMs = 5000;

  ControlServer(uv_loop_t* loop, Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket at `path` with mode 0600. A socket file nobody answers on (left by
  // a dnsd that died) is replaced; one another process answers on, or a file that is not
  // a socket, is an error. False with `error` for the operator.
  bool listen(const std::string& path, std::string& error);
  // Stops listening, drops open clients and removes the socket file. Idempotent.
  void close();

 private:
  struct Client;
  static void on_connection(uv_stream_t* server, int status);
  void finish_client(Client* c);

  uv_loop_t* loop_;
  Handler handler_;
  uv_pipe_t pipe_{};
  bool open_ = false;
  std::string path_;
  unsigned clients_ = 0;
  Client* first_ = nullptr;  // every open client, to close them with the server
};

}  // namespace dnsd::control
