// Blocking DNS exchanges over UDP/TCP with poll() timeouts.
#include "sentinel/records/dns_client.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sentinel::records {
namespace {
using Clock = std::chrono::steady_clock;

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int remaining_ms(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  pollfd p{fd, events, 0};
  for (;;) {
    int r = ::poll(&p, 1, remaining_ms(deadline));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

Exchange fail(std::string why) {
  Exchange e;
  e.error = std::move(why);
  return e;
}

bool tc_bit(const std::vector<uint8_t>& r) { return r.size() >= 3 && (r[2] & 0x02); }

Exchange over_udp(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& q,
                  Clock::time_point deadline) {
  Fd s{::socket(server.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  if (::connect(s.fd, server.sa(), server.length) != 0)
    return fail(std::string("connect: ") + std::strerror(errno));
  if (::send(s.fd, q.data(), q.size(), 0) < 0) return fail(std::string("send: ") + std::strerror(errno));
  std::vector<uint8_t> buf(65535);
  while (wait_for(s.fd, POLLIN, deadline)) {
    ssize_t n = ::recv(s.fd, buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return fail(errno == ECONNREFUSED ? "connection refused" : std::strerror(errno));
    }
    if (n < 12 || buf[0] != q[0] || buf[1] != q[1]) continue;  // not our answer
    Exchange e;
    e.ok = true;
    e.response.assign(buf.begin(), buf.begin() + n);
    return e;
  }
  return fail("timeout");
}

bool write_all(int fd, const uint8_t* p, size_t n, Clock::time_point deadline) {
  while (n) {
    if (!wait_for(fd, POLLOUT, deadline)) return false;
    ssize_t w = ::send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool read_all(int fd, uint8_t* p, size_t n, Clock::time_point deadline) {
  while (n) {
    if (!wait_for(fd, POLLIN, deadline)) return false;
    ssize_t r = ::recv(fd, p, n, 0);
    if (r == 0) return false;
    if (r < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// A connected non-blocking TCP socket to `server`, or -1 with `error`.
int tcp_connect(const dnsd::common::SocketAddress& server, Clock::time_point deadline, Fd& s,
                std::string& error) {
  s.fd = ::socket(server.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s.fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  if (::connect(s.fd, server.sa(), server.length) != 0 && errno != EINPROGRESS) {
    error = std::string("connect: ") + std::strerror(errno);
    return -1;
  }
  if (!wait_for(s.fd, POLLOUT, deadline)) {
    error = "timeout connecting";
    return -1;
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) {
    error = err == ECONNREFUSED ? "connection refused" : std::strerror(err);
    return -1;
  }
  return s.fd;
}

bool send_framed(int fd, const std::vector<uint8_t>& q, Clock::time_point deadline) {
  std::vector<uint8_t> framed{static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  return write_all(fd, framed.data(), framed.size(), deadline);
}

// One length-prefixed message; empty on close, timeout or a message under a header.
std::vector<uint8_t> read_framed(int fd, Clock::time_point deadline) {
  uint8_t lenbuf[2];
  if (!read_all(fd, lenbuf, 2, deadline)) return {};
  size_t n = static_cast<size_t>(lenbuf[0]) << 8 | lenbuf[1];
  std::vector<uint8_t> msg(n);
  if (n < 12 || !read_all(fd, msg.data(), n, deadline)) return {};
  return msg;
}

Exchange over_tcp(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& q,
                  Clock::time_point deadline) {
  if (q.size() > 65535) return fail("message too large");
  Fd s;
  std::string error;
  if (tcp_connect(server, deadline, s, error) < 0) return fail(error);
  if (!send_framed(s.fd, q, deadline)) return fail("timeout writing");
  Exchange e;
  e.response = read_framed(s.fd, deadline);
  if (e.response.empty()) return fail("timeout, close or short response reading");
  e.ok = true;
  return e;
}

}  // namespace

Exchange dns_exchange(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& query,
                      std::chrono::milliseconds timeout, bool tcp) {
  if (query.size() < 12) return fail("query too short");
  auto deadline = Clock::now() + timeout;
  if (!tcp) {
    Exchange e = over_udp(server, query, deadline);
    if (!e.ok || !tc_bit(e.response)) return e;
  }
  return over_tcp(server, query, deadline);
}

bool dns_stream(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& query,
                std::chrono::milliseconds timeout,
                const std::function<bool(std::vector<uint8_t>&&)>& on_message, std::string& error) {
  if (query.size() < 12 || query.size() > 65535) {
    error = "bad query size";
    return false;
  }
  auto deadline = Clock::now() + timeout;
  Fd s;
  if (tcp_connect(server, deadline, s, error) < 0) return false;
  if (!send_framed(s.fd, query, deadline)) {
    error = "timeout writing";
    return false;
  }
  for (;;) {
    std::vector<uint8_t> msg = read_framed(s.fd, deadline);
    if (msg.empty()) {
      error = Clock::now() >= deadline ? "timeout reading the answer"
                                       : "connection closed before the end of the answer";
      return false;
    }
    if (!on_message(std::move(msg))) return true;
  }
}

}  // namespace sentinel::records
