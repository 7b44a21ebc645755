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
  sockaddr_storage last_from{};
  // Receives one NOTIFY; answers it (with `rcode`) unless `ignore`. Returns the received bytes.
  std::vector<uint8_t> serve_one(bool ignore, uint8_t rcode = 0) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return {};
    uint8_t buf[512];
    sockaddr_storage from{};
    socklen_t flen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    std::vector<uint8_t> got(buf, buf + n);
    last_from = from;
    if (!ignore) {
      buf[2] |= 0x80;
      buf[3] = static_cast<uint8_t>((buf[3] & 0xF0) | rcode);
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

// A REFUSED is a failed try, retried, and the job ends not acknowledged (counted failed).
TEST(NotifySenderTest, RefusedIsAFailureAndRetried) {
  FakeSecondary sec;
  std::atomic<int> acked{-1}, tries{0};
  NotifySender sender({3, common::Millis{50}}, [&](const NotifyJob&, bool ok, int t) {
    acked = ok;
    tries = t;
  });
  sender.notify(*wire::name_from_text("example.com."), 1, {sec.addr});
  for (int i = 0; i < 3; ++i) ASSERT_GE(sec.serve_one(false, 5).size(), 12u) << "try " << i + 1;
  sender.drain();
  EXPECT_EQ(acked.load(), 0);
  EXPECT_EQ(tries.load(), 3);
}

// The NOTIFY leaves from the source it is given (here 127.0.0.2, not the kernel's 127.0.0.1).
TEST(NotifySenderTest, SendsFromTheSourceAddress) {
  FakeSecondary sec;
  std::atomic<int> acked{-1};
  NotifySender sender({3, common::Millis{200}}, [&](const NotifyJob&, bool ok, int) { acked = ok; });
  sender.notify(*wire::name_from_text("example.com."), 1, {sec.addr},
                {*common::parse_socket_address("127.0.0.2:0")});
  ASSERT_GE(sec.serve_one(false).size(), 12u);
  sender.drain();
  EXPECT_EQ(acked.load(), 1);
  auto* from = reinterpret_cast<sockaddr_in*>(&sec.last_from);
  EXPECT_EQ(ntohl(from->sin_addr.s_addr), 0x7f000002u);
}

// A newer serial for a target still being retried replaces the old job at once.
TEST(NotifySenderTest, NewerSerialSupersedesARetry) {
  FakeSecondary sec;
  std::atomic<int> jobs{0};
  std::atomic<uint32_t> last_serial{0};
  NotifySender sender({3, common::Millis{5000}}, [&](const NotifyJob& j, bool ok, int) {
    ++jobs;
    if (ok) last_serial = j.serial;
  });
  std::string zone = *wire::name_from_text("example.com.");
  sender.notify(zone, 1, {sec.addr});
  ASSERT_GE(sec.serve_one(true).size(), 12u);  // lost: serial 1 would retry in 5 s
  sender.notify(zone, 2, {sec.addr});
  ASSERT_GE(sec.serve_one(false).size(), 12u);  // serial 2's NOTIFY, well before that
  sender.drain();
  EXPECT_EQ(jobs.load(), 1);
  EXPECT_EQ(last_serial.load(), 2u);
}

}  // namespace
}  // namespace dnsd::xfr
