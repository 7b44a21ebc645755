// NOTIFY sender against a UDP socket playing the secondary.
#include "dnsd/xfr/notify_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "dnsd/wire/name.h"

namespace dnsd::xfr {
namespace {

struct FakeSecondary {
  int fd;
  common::SocketAddress addr;
  FakeSecondary() {
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
    socklen_t len = sizeof sin;
    getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
    addr = *common::parse_socket_address("127.0.0.1:" + std::to_string(ntohs(sin.sin_port)));
  }
  ~FakeSecondary() { close(fd); }
  // Receives one NOTIFY; answers it unless `ignore`. Returns the received bytes.
  std::vector<uint8_t> serve_one(bool ignore) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return {};
    uint8_t buf[512];
    sockaddr_storage from{};
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    std::vector<uint8_t> got(buf, buf + n);
    if (!ignore) {
      buf[2] |= 0x80;
      sendto(fd, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), flen);
    }
    return got;
  }
};

TEST(NotifySenderTest, RetriesUntilAcknowledged) {
  FakeSecondary sec;
  std::atomic<int> acked{0}, tries{0};
  NotifySender sender({3, common::Millis{100}}, [&](const NotifyJob&, bool ok, int t) {
    acked = ok;
    tries = t;
  });
  std::string zone = *wire::name_from_text("example.com.");
  sender.notify(zone, 7, {sec.addr});
  auto first = sec.serve_one(true);  // lost
  ASSERT_GE(first.size(), 12u);
  EXPECT_EQ((first[2] >> 3) & 0xF, 4);  // opcode NOTIFY
  EXPECT_TRUE(first[2] & 0x04);         // AA
  auto second = sec.serve_one(false);
  ASSERT_GE(second.size(), 12u);
  sender.drain();
  EXPECT_EQ(acked.load(), 1);
  EXPECT_EQ(tries.load(), 2);
}

TEST(NotifySenderTest, GivesUpAfterTries) {
  FakeSecondary sec;
  std::atomic<int> acked{-1}, tries{0};
  NotifySender sender({2, common::Millis{50}}, [&](const NotifyJob&, bool ok, int t) {
    acked = ok;
    tries = t;
  });
  sender.notify(*wire::name_from_text("example.com."), 1, {sec.addr});
  sender.drain();
  EXPECT_EQ(acked.load(), 0);
  EXPECT_EQ(tries.load(), 2);
}

}  // namespace
}  // namespace dnsd::xfr
