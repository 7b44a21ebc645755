// The control socket on the libuv loop (see control_server.h).
#include "dnsd/control/control_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dnsd/control/control_protocol.h"

namespace dnsd::control {
namespace {

std::string errno_text(int e) { return std::strerror(e); }

bool fill_address(const std::string& path, sockaddr_un& addr, std::string& error) {
  addr = {};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    error = "path must be 1 to " + std::to_string(sizeof addr.sun_path - 1) + " bytes (it has " +
            std::to_string(path.size()) + "); set [control] socket to a shorter path";
    return false;
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  return true;
}

// A socket file at `path` that nobody answers on is removed; anything else stays and is
// an error: another dnsd (or something else) is using it.
bool clear_stale(const std::string& path, const sockaddr_un& addr, std::string& error) {
  struct stat st{};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    error = "cannot check the existing file: " + errno_text(errno);
    return false;
  }
  if (!S_ISSOCK(st.st_mode)) {
    error = "exists and is not a socket; not replaced (remove it or choose another path)";
    return false;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "socket: " + errno_text(errno);
    return false;
  }
  int rc = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  int e = errno;
  ::close(fd);
  if (rc == 0 || e == EAGAIN) {
    error = "another process (a dnsd already running?) answers on it";
    return false;
  }
  if (e != ECONNREFUSED) {
    error = "cannot check whether another dnsd answers on it: " + errno_text(e);
    return false;
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    error = "cannot remove the stale socket file: " + errno_text(errno);
    return false;
  }
  spdlog::info("control socket {}: replaced a stale socket file (no dnsd answered on it)", path);
  return true;
}

// socket + bind + listen, the file created 0600 from the start (umask, then chmod).
int bind_socket(const std::string& path, const sockaddr_un& addr, std::string& error) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    error = "socket: " + errno_text(errno);
    return -1;
  }
  mode_t old = umask(0177);
  int rc = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  int e = errno;
  umask(old);
  if (rc != 0) {
    error = "cannot create it: " + errno_text(e) +
            (e == EACCES ? " (the folder must be writable by the user dnsd runs as)"
             : e == ENOENT ? " (its folder does not exist)"
                           : "");
    ::close(fd);
    return -1;
  }
  if (chmod(path.c_str(), 0600) != 0 || ::listen(fd, 64) != 0) {
    error = errno_text(errno);
    ::close(fd);
    unlink(path.c_str());
    return -1;
  }
  return fd;
}

}  // namespace

struct ControlServer::Client {
  ControlServer* server = nullptr;
  Client *prev = nullptr, *next = nullptr;
  uv_pipe_t pipe{};
  uv_timer_t timer{};
  uv_write_t write{};
  std::string in, out;
  bool answered = false, closing = false;
  int open_handles = 2;
};

ControlServer::ControlServer(uv_loop_t* loop, Handler handler)
    : loop_(loop), handler_(std::move(handler)) {}

ControlServer::~ControlServer() {
  // close() and a run of the loop come first (dnsd's finish()); here only the file.
  if (open_) unlink(path_.c_str());
}

bool ControlServer::listen(const std::string& path, std::string& error) {
  sockaddr_un addr{};
  if (!fill_address(path, addr, error) || !clear_stale(path, addr, error)) return false;
  int fd = bind_socket(path, addr, error);
  if (fd < 0) return false;
  uv_pipe_init(loop_, &pipe_, 0);
  pipe_.data = this;
  int rc = uv_pipe_open(&pipe_, fd);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(&pipe_), 64, on_connection);
  open_ = true;  // the handle exists from here: close() must run
  path_ = path;
  if (rc != 0) {
    error = std::string("cannot listen: ") + uv_strerror(rc);
    close();
    return false;
  }
  return true;
}

void ControlServer::close() {
  if (!open_) return;
  open_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&pipe_), nullptr);
  while (first_) finish_client(first_);
  if (unlink(path_.c_str()) != 0 && errno != ENOENT)
    spdlog::warn("control socket {}: cannot remove: {}", path_, errno_text(errno));
}

void ControlServer::finish_client(Client* c) {
  if (c->closing) return;
  c->closing = true;
  if (c->prev) c->prev->next = c->next;
  else first_ = c->next;
  if (c->next) c->next->prev = c->prev;
  --clients_;
  auto closed = [](uv_handle_t* h) {
    auto* cl = static_cast<Client*>(h->data);
    if (--cl->open_handles == 0) delete cl;
  };
  uv_close(reinterpret_cast<uv_handle_t*>(&c->timer), closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->pipe), closed);
}

void ControlServer::on_connection(uv_stream_t* stream, int status) {
  auto* self = static_cast<ControlServer*>(stream->data);
  if (status < 0) return;
  auto* c = new Client;
  c->server = self;
  uv_pipe_init(self->loop_, &c->pipe, 0);
  uv_timer_init(self->loop_, &c->timer);
  c->pipe.data = c->timer.data = c;
  c->next = self->first_;
  if (c->next) c->next->prev = c;
  self->first_ = c;
  ++self->clients_;
  if (uv_accept(stream, reinterpret_cast<uv_stream_t*>(&c->pipe)) != 0 ||
      self->clients_ > kMaxClients) {
    self->finish_client(c);
    return;
  }
  uv_timer_start(&c->timer, [](uv_timer_t* t) {
    auto* cl = static_cast<Client*>(t->data);
    cl->server->finish_client(cl);
  }, kClientTimeoutMs, 0);

  auto alloc = [](uv_handle_t*, size_t, uv_buf_t* buf) {
    static char scratch[4096];  // the loop's thread only; copied out at once
    *buf = uv_buf_init(scratch, sizeof scratch);
  };
  auto on_read = [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* cl = static_cast<Client*>(s->data);
    ControlServer* srv = cl->server;
    if (cl->answered || cl->closing) return;
    size_t newline = std::string::npos;
    if (n > 0) {
      size_t before = cl->in.size();
      cl->in.append(buf->base, static_cast<size_t>(n));
      newline = cl->in.find('\n', before);
    }
    bool eof = n < 0;
    if (eof && (n != UV_EOF || cl->in.empty())) return srv->finish_client(cl);
    bool too_long = cl->in.size() > kMaxRequestBytes;
    if (newline == std::string::npos && !eof && !too_long) return;  // wait for the rest
    std::string_view line(cl->in);
    if (newline != std::string::npos) line = line.substr(0, newline);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    cl->answered = true;
    uv_read_stop(s);
    uv_timer_stop(&cl->timer);
    cl->out = srv->handler_(line) + "\n";
    if (cl->closing) return;  // the handler stopped the server
    uv_buf_t out = uv_buf_init(cl->out.data(), static_cast<unsigned>(cl->out.size()));
    cl->write.data = cl;
    int rc = uv_write(&cl->write, s, &out, 1, [](uv_write_t* w, int) {
      auto* c2 = static_cast<Client*>(w->data);
      c2->server->finish_client(c2);
    });
    if (rc != 0) srv->finish_client(cl);
  };
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->pipe), alloc, on_read);
}

}  // namespace dnsd::control
