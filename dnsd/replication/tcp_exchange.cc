// Blocking TCP exchange with poll() deadlines.
#include "dnsd/replication/tcp_exchange.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace dnsd::replication {
namespace {

using Clock = std::chrono::steady_clock;

int ms_left(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : static_cast<int>(ms);
}

bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, ms_left(deadline));
    if (n < 0 && errno == EINTR) continue;
    return n > 0;
  }
}

struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

}  // namespace

common::SocketAddress any_port(common::SocketAddress a) {
  if (a.family() == AF_INET) reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = 0;
  else if (a.family() == AF_INET6) reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = 0;
  return a;
}

bool same_ip(const common::SocketAddress& a, const common::SocketAddress& b) {
  if (a.family() != b.family()) return false;
  if (a.family() == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr.s_addr ==
           reinterpret_cast<const sockaddr_in*>(&b.storage)->sin_addr.s_addr;
  if (a.family() == AF_INET6)
    return std::memcmp(&reinterpret_cast<const sockaddr_in6*>(&a.storage)->sin6_addr,
                       &reinterpret_cast<const sockaddr_in6*>(&b.storage)->sin6_addr, 16) == 0;
  return false;
}

bool tcp_stream(const common::SocketAddress& to, const common::SocketAddress* from,
                const std::vector<std::vector<uint8_t>>& messages, common::Millis timeout,
                const std::function<bool(std::vector<uint8_t>&&)>& on_message, std::string& error) {
  auto deadline = Clock::now() + timeout;
  auto fail = [&](const std::string& what) {
    error = what + " " + to.to_string() + (errno ? std::string(": ") + std::strerror(errno) : "");
    return false;
  };
  errno = 0;
  Fd s{::socket(to.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return fail("socket for");
  if (from) {
    common::SocketAddress src = any_port(*from);
    if (::bind(s.fd, src.sa(), src.length) != 0) {
      error = "cannot bind source " + src.to_string() + ": " + std::strerror(errno);
      return false;
    }
  }
  if (::connect(s.fd, to.sa(), to.length) != 0 && errno != EINPROGRESS) return fail("cannot connect to");
  if (!wait_for(s.fd, POLLOUT, deadline)) { errno = ETIMEDOUT; return fail("cannot connect to"); }
  int soerr = 0;
  socklen_t len = sizeof soerr;
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr != 0) { errno = soerr; return fail("cannot connect to"); }
  std::vector<uint8_t> out;
  for (const auto& message : messages) {  // RFC 7766 6.2.1.1: queries may be pipelined
    out.push_back(static_cast<uint8_t>(message.size() >> 8));
    out.push_back(static_cast<uint8_t>(message.size()));
    out.insert(out.end(), message.begin(), message.end());
  }
  for (size_t done = 0; done < out.size();) {
    if (!wait_for(s.fd, POLLOUT, deadline)) { errno = ETIMEDOUT; return fail("cannot send to"); }
    ssize_t n = ::send(s.fd, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return fail("cannot send to");
    done += static_cast<size_t>(n);
  }
  for (;;) {
    std::vector<uint8_t> in;
    size_t want = 2;
    while (in.size() < want) {
      if (!wait_for(s.fd, POLLIN, deadline)) { errno = ETIMEDOUT; return fail("no answer from"); }
      uint8_t buf[4096];
      ssize_t n = ::recv(s.fd, buf, std::min(sizeof buf, want - in.size()), 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) { if (n == 0) errno = ECONNRESET; return fail("connection closed by"); }
      in.insert(in.end(), buf, buf + n);
      if (want == 2 && in.size() == 2) {
        want = 2 + (static_cast<size_t>(in[0]) << 8 | in[1]);
        if (want < 2 + 12) { errno = 0; return fail("a too short answer from"); }
      }
    }
    if (!on_message(std::vector<uint8_t>(in.begin() + 2, in.end()))) return true;
  }
}

std::optional<std::vector<uint8_t>> tcp_exchange(const common::SocketAddress& to,
                                                 const common::SocketAddress* from,
                                                 const std::vector<uint8_t>& message,
                                                 common::Millis timeout, std::string& error) {
  std::optional<std::vector<uint8_t>> answer;
  if (!tcp_stream(to, from, {message}, timeout, [&](std::vector<uint8_t>&& m) {
        answer = std::move(m);
        return false;
      }, error))
    return std::nullopt;
  return answer;
}

}  // namespace dnsd::replication
