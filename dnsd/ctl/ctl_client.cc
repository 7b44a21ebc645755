// dnsdctl's socket I/O (see ctl_client.h).
#include "dnsd/ctl/ctl_client.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnsd::ctl {
namespace {

constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

std::string connect_error(const std::string& path, int e) {
  switch (e) {
    case ENOENT:
      return "no dnsd answers on " + path + ": no such socket (is dnsd running? is this its "
             "[control] socket?)";
    case ECONNREFUSED:
      return "no dnsd answers on " + path + ": connection refused (is dnsd running?)";
    case EACCES:
    case EPERM:
      return "cannot open " + path + ": permission denied (run dnsdctl as root or as dnsd's "
             "server.user)";
    default:
      return "cannot connect to " + path + ": " + std::strerror(e);
  }
}

}  // namespace

std::optional<std::string> exchange(const std::string& path, const std::string& request,
                                    int timeout_seconds, std::string& error) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    error = "socket path must be 1 to " + std::to_string(sizeof addr.sun_path - 1) + " bytes: " + path;
    return std::nullopt;
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  Fd s{socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return std::nullopt;
  }
  timeval tv{timeout_seconds, 0};
  setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(s.fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    error = connect_error(path, errno);
    return std::nullopt;
  }
  std::string line = request + "\n";
  for (size_t sent = 0; sent < line.size();) {
    ssize_t n = send(s.fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = "sending to " + path + " failed: " + std::strerror(errno);
      return std::nullopt;
    }
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = errno == EAGAIN || errno == EWOULDBLOCK
                  ? "dnsd on " + path + " did not answer within " + std::to_string(timeout_seconds) + "s"
                  : "reading from " + path + " failed: " + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    in.append(buf, static_cast<size_t>(n));
    if (auto nl = in.find('\n'); nl != std::string::npos) return in.substr(0, nl);
    if (in.size() > kMaxResponseBytes) {
      error = "dnsd's answer on " + path + " is larger than 64 MiB";
      return std::nullopt;
    }
  }
  error = "dnsd on " + path + " closed the connection without a whole answer";
  return std::nullopt;
}

}  // namespace dnsd::ctl
