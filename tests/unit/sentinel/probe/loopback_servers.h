// Test helpers: loopback sockets and tiny blocking servers run in a thread.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <thread>

#include "dnsd/common/address.h"

namespace sentinel::probe::testing {

// A socket bound to 127.0.0.1 on a kernel-chosen port; closed by the destructor.
class LoopbackSocket {
 public:
  explicit LoopbackSocket(int type) : fd_(::socket(AF_INET, type, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~LoopbackSocket() { ::close(fd_); }
  LoopbackSocket(const LoopbackSocket&) = delete;
  LoopbackSocket& operator=(const LoopbackSocket&) = delete;

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  dnsd::common::SocketAddress address() const {
    return *dnsd::common::parse_socket_address("127.0.0.1:" + std::to_string(port_));
  }
  // Waits up to `ms` for the socket to become readable.
  bool wait_readable(int ms) const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
  }

 private:
  int fd_;
  uint16_t port_ = 0;
};

// A TCP listener that hands up to `connections` accepted sockets to `handler` on a thread.
class TcpServer {
 public:
  TcpServer(int connections, std::function<void(int)> handler) : sock_(SOCK_STREAM) {
    ::listen(sock_.fd(), 16);
    thread_ = std::thread([this, connections, h = std::move(handler)] {
      for (int i = 0; i < connections && sock_.wait_readable(5000); ++i) {
        int fd = ::accept(sock_.fd(), nullptr, nullptr);
        if (fd < 0) break;
        timeval tv{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        h(fd);
        ::close(fd);
      }
    });
  }
  ~TcpServer() { thread_.join(); }
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  dnsd::common::SocketAddress address() const { return sock_.address(); }
  uint16_t port() const { return sock_.port(); }

 private:
  LoopbackSocket sock_;
  std::thread thread_;
};

// Reads an HTTP request head and answers with `status_line` and a short body.
inline std::function<void(int)> http_responder(std::string status_line) {
  return [status_line](int fd) {
    std::string request;
    char buf[2048];
    while (request.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      request.append(buf, static_cast<size_t>(n));
    }
    std::string reply = "HTTP/1.1 " + status_line +
                        "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
    ::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL);
  };
}

}  // namespace sentinel::probe::testing
