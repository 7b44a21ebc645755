// reflector ADDRESS PORT: the floor for any server that reads UDP sockets on this kernel.
// It reads a batch with recvmmsg, sets QR in each datagram and sends the batch back with
// sendmmsg: no DNS work at all. scripts/bench runs it exactly like the servers (pinned to
// CPU 0, one thread, the socket options dnsd uses: SO_REUSEPORT, 4 MiB buffers, batches of
// 32) and prints every server's CPU per query as a ratio to it. Like gdnsd it blocks in
// recvmmsg (MSG_WAITFORONE): two syscalls per batch, no poll in between. Not installed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

constexpr int kBatch = 32;        // dnsd's UdpReceiver::kBatch
constexpr size_t kBuffer = 4096;  // dnsd's UdpReceiver::kQueryBuffer

int open_socket(const char* address, int port) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, address, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    std::fprintf(stderr, "reflector: %s: not an IPv4 or IPv6 address\n", address);
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::perror("reflector: socket");
    return -1;
  }
  int one = 1, size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    std::fprintf(stderr, "reflector: bind %s port %d: %s\n", address, port, std::strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

volatile sig_atomic_t stopping = 0;
void on_signal(int) { stopping = 1; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: reflector ADDRESS PORT\n");
    return 2;
  }
  int port = std::atoi(argv[2]);
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "reflector: %s: not a port\n", argv[2]);
    return 2;
  }
  int fd = open_socket(argv[1], port);
  if (fd < 0) return 1;
  struct sigaction sa{};
  sa.sa_handler = on_signal;  // no SA_RESTART: a signal ends the blocking recvmmsg
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  static uint8_t buffers[kBatch][kBuffer];
  static sockaddr_storage peers[kBatch];
  static iovec iov[kBatch];
  static mmsghdr rx[kBatch], tx[kBatch];
  while (!stopping) {
    for (int i = 0; i < kBatch; ++i) {
      iov[i] = {buffers[i], kBuffer};
      rx[i].msg_hdr = msghdr{};
      rx[i].msg_hdr.msg_name = &peers[i];
      rx[i].msg_hdr.msg_namelen = sizeof peers[i];
      rx[i].msg_hdr.msg_iov = &iov[i];
      rx[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd, rx, kBatch, MSG_WAITFORONE, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::perror("reflector: recvmmsg");
      return 1;
    }
    int out = 0;
    for (int i = 0; i < n; ++i) {
      if (rx[i].msg_len < 12 || (buffers[i][2] & 0x80)) continue;  // never answer a response
      buffers[i][2] |= 0x80;                                          // QR
      tx[out].msg_hdr = msghdr{};
      tx[out].msg_hdr.msg_name = &peers[i];
      tx[out].msg_hdr.msg_namelen = rx[i].msg_hdr.msg_namelen;
      iov[i].iov_len = rx[i].msg_len;
      tx[out].msg_hdr.msg_iov = &iov[i];
      tx[out].msg_hdr.msg_iovlen = 1;
      ++out;
    }
    for (int sent = 0; sent < out;) {
      int k = sendmmsg(fd, tx + sent, static_cast<unsigned>(out - sent), 0);
      if (k < 0) {
        if (errno == EINTR && !stopping) continue;
        ++sent;  // a per-peer error: drop this one, keep the rest
        continue;
      }
      sent += k;
    }
  }
  close(fd);
  return 0;
}
