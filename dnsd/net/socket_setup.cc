// Socket creation with SO_REUSEPORT, IPV6_V6ONLY and sane buffer sizes.
#include "dnsd/net/socket_setup.h"

#include <fcntl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnsd::net {
namespace {

int make_socket(const common::SocketAddress& addr, int type, std::string& error) {
  int fd = socket(addr.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = addr.to_string() + ": socket: " + std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    error = addr.to_string() + ": SO_REUSEPORT: " + std::strerror(errno);
    close(fd);
    return -1;
  }
  if (addr.family() == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, addr.sa(), addr.length) != 0) {
    error = addr.to_string() + ": bind (" + (type == SOCK_DGRAM ? "udp" : "tcp") +
            "): " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

bool is_wildcard(const common::SocketAddress& addr) {
  if (addr.family() == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&addr.storage)->sin_addr.s_addr == htonl(INADDR_ANY);
  if (addr.family() == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&addr.storage)->sin6_addr);
  return false;
}

int open_udp_socket(const common::SocketAddress& addr, std::string& error) {
  int fd = make_socket(addr, SOCK_DGRAM, error);
  if (fd < 0) return -1;
  if (is_wildcard(addr)) {
    // Learn each query's destination so the answer leaves from that same address.
    int one = 1;
    if (addr.family() == AF_INET) setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    else setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  }
  int size = 4 << 20;  // absorb bursts while the worker is busy
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  return fd;
}

common::SocketAddress stop_sink_address(const common::SocketAddress& local) {
  common::SocketAddress sink = local;
  if (!is_wildcard(local)) return sink;
  if (local.family() == AF_INET)
    reinterpret_cast<sockaddr_in*>(&sink.storage)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  else if (local.family() == AF_INET6)
    reinterpret_cast<sockaddr_in6*>(&sink.storage)->sin6_addr = in6addr_loopback;
  return sink;
}

bool connect_to_stop_sink(int fd, std::string& error) {
  common::SocketAddress local;
  local.length = sizeof local.storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local.storage), &local.length) != 0) {
    error = std::string("getsockname: ") + std::strerror(errno);
    return false;
  }
  common::SocketAddress sink = stop_sink_address(local);
  if (connect(fd, sink.sa(), sink.length) != 0) {
    error = local.to_string() + ": connect to " + sink.to_string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

int open_tcp_listener(const common::SocketAddress& addr, int backlog, std::string& error) {
  int fd = make_socket(addr, SOCK_STREAM, error);
  if (fd < 0) return -1;
  if (listen(fd, backlog) != 0) {
    error = addr.to_string() + ": listen: " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace dnsd::net
