// The stop sink: where a stopping UDP socket is connected, and what the kernel then does
// with queries that were queued before, that arrive after, and with the answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "dnsd/net/socket_setup.h"

namespace dnsd::net {
namespace {

TEST(StopSinkTest, OwnAddressOrLoopbackForAWildcard) {
  struct Case { const char* local; const char* sink; } cases[] = {
      {"127.0.0.5:5353", "127.0.0.5:5353"},   // its own address and port
      {"192.0.2.1:53", "192.0.2.1:53"},
      {"0.0.0.0:53", "127.0.0.1:53"},         // a wildcard: loopback, its own port
      {"[::1]:5300", "[::1]:5300"},
      {"[2001:db8::1]:53", "[2001:db8::1]:53"},
      {"[::]:53", "[::1]:53"},
  };
  for (const auto& c : cases) {
    auto local = common::parse_socket_address(c.local);
    ASSERT_TRUE(local) << c.local;
    common::SocketAddress sink = stop_sink_address(*local);
    EXPECT_EQ(sink.to_string(), c.sink) << c.local;
    EXPECT_EQ(sink.length, local->length) << c.local;
  }
}

sockaddr_in v4(const char* ip, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

// A client UDP socket connected to ip:port (so an ICMP port unreachable shows as
// ECONNREFUSED on its next read).
int client(const char* ip, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to = v4(ip, port);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  return fd;
}

// What the client's next read gets within 2 s: the datagram's text, "refused" or "".
std::string next_read(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, 2000) <= 0) return "";
  char buf[64];
  ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0) return errno == ECONNREFUSED ? "refused" : std::strerror(errno);
  return std::string(buf, static_cast<size_t>(n));
}

// `bind_ip` the server's address, `query_ip` the address the clients send to.
void check_stop_sink(const char* bind_ip, const char* query_ip) {
  SCOPED_TRACE(bind_ip);
  std::string err;
  auto addr = common::parse_socket_address(std::string(bind_ip) + ":0");
  int server = open_udp_socket(*addr, err);
  ASSERT_GE(server, 0) << err;
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ASSERT_EQ(getsockname(server, reinterpret_cast<sockaddr*>(&local), &len), 0);
  uint16_t port = ntohs(local.sin_port);

  int before = client(query_ip, port), after = client(query_ip, port);
  ASSERT_EQ(send(before, "q1", 2, 0), 2);
  pollfd p{server, POLLIN, 0};
  ASSERT_GT(poll(&p, 1, 2000), 0);
  ASSERT_TRUE(connect_to_stop_sink(server, err)) << err;

  // A query after the connect is refused by the kernel, like a closed port.
  ASSERT_EQ(send(after, "q2", 2, 0), 2);
  EXPECT_EQ(next_read(after), "refused");

  // The query queued before is still there, and its answer reaches its client from the
  // address it was sent to (a wildcard socket names it with IP_PKTINFO).
  char buf[64];
  sockaddr_in peer{};
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) char control[64];
  msghdr m{};
  m.msg_name = &peer;
  m.msg_namelen = sizeof peer;
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  ASSERT_EQ(recvmsg(server, &m, MSG_DONTWAIT), 2);
  EXPECT_EQ(std::string(buf, 2), "q1");
  in_pktinfo info{};
  bool have_info = false;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      std::memcpy(&info, CMSG_DATA(c), sizeof info);
      have_info = true;
    }
  EXPECT_EQ(have_info, is_wildcard(*addr));

  iovec out{const_cast<char*>("a1"), 2};
  msghdr reply{};
  reply.msg_name = &peer;
  reply.msg_namelen = sizeof peer;
  reply.msg_iov = &out;
  reply.msg_iovlen = 1;
  alignas(cmsghdr) char reply_control[CMSG_SPACE(sizeof(in_pktinfo))]{};
  if (have_info) {
    reply.msg_control = reply_control;
    reply.msg_controllen = sizeof reply_control;
    cmsghdr* c = CMSG_FIRSTHDR(&reply);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo send_info{};
    send_info.ipi_spec_dst = info.ipi_addr;
    std::memcpy(CMSG_DATA(c), &send_info, sizeof send_info);
  }
  mmsghdr batch{reply, 0};
  EXPECT_EQ(sendmmsg(server, &batch, 1, MSG_DONTWAIT), 1) << std::strerror(errno);
  EXPECT_EQ(next_read(before), "a1");

  // Nothing else was queued: the drain ends at EAGAIN.
  EXPECT_EQ(recv(server, buf, sizeof buf, MSG_DONTWAIT), -1);
  EXPECT_EQ(errno, EAGAIN);
  close(before);
  close(after);
  close(server);
}

TEST(StopSinkTest, ConnectedSocketRefusesNewQueriesAndStillAnswersQueuedOnes) {
  check_stop_sink("127.0.0.1", "127.0.0.1");
}

TEST(StopSinkTest, WildcardSocketToo) { check_stop_sink("0.0.0.0", "127.0.0.5"); }

}  // namespace
}  // namespace dnsd::net
