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

Exchange over_tcp(const dnsd::common::SocketAddress& server, const std::vector<uint8_t>& q,
                  Clock::time_point deadline) {
  if (q.size() > 65535) return fail("message too large");
  Fd s{::socket(server.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  if (::connect(s.fd, server.sa(), server.length) != 0 && errno != EINPROGRESS)
    return fail(std::string("connect: ") + std::strerror(errno));
  if (!wait_for(s.fd, POLLOUT, deadline)) return fail("timeout connecting");
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) return fail(err == ECONNREFUSED ? "connection refused" : std::strerror(err));
  std::vector<uint8_t> framed{static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  framed.insert(framed.end(), q.begin(), q.end());
  if (!write_all(s.fd, framed.data(), framed.size(), deadline)) return fail("timeout writing");
  uint8_t lenbuf[2];
  if (!read_all(s.fd, lenbuf, 2, deadline)) return fail("timeout or close reading");
  size_t n = static_cast<size_t>(lenbuf[0]) << 8 | lenbuf[1];
  Exchange e;
  e.response.resize(n);
  if (n < 12 || !read_all(s.fd, e.response.data(), n, deadline)) return fail("short response");
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

}  // namespace sentinel::records
