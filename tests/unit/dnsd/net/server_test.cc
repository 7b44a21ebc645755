// The real Server on 127.0.0.1: UDP and pipelined TCP answers, idle timeout, client cap,
// grace. Clients are plain sockets; messages are built and parsed with ldns.
#include "dnsd/net/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "testutil/dns_test_util.h"

namespace dnsd::net {
namespace {

constexpr const char* kZone =
    "$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
    "www A 192.0.2.10\n";

// Polls `cond` until it holds or 5 s pass (the workers run on their own threads).
template <typename F>
bool eventually(F cond) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// A loopback port free for both TCP and UDP right now (the server binds both). A port
// the kernel hands out for one protocol can still be taken in the other, e.g. by a client
// socket of an earlier test in TIME_WAIT.
uint16_t free_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sin;
    bool ok = bind(tcp, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0 &&
              getsockname(tcp, reinterpret_cast<sockaddr*>(&sin), &len) == 0;
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    ok = ok && bind(udp, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
    close(udp);
    close(tcp);
    if (ok) return ntohs(sin.sin_port);
  }
  return 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);  // a test writing to a socket the server closed must not die
    holder_.publish(testutil::make_catalog({{"example.com.", kZone, {}, {}, {}}}, "t1"));
    port_ = free_port();
    cfg_.listen = {*common::parse_socket_address("127.0.0.1:" + std::to_string(port_))};
    cfg_.workers = 2;
    cfg_.tcp_idle_timeout = common::Millis{300};
    cfg_.tcp_max_clients = 3;
  }
  void start() {
    server_ = std::make_unique<Server>(cfg_, holder_);
    std::vector<std::string> errors;
    ASSERT_TRUE(server_->bind(errors)) << (errors.empty() ? "" : errors[0]);
    server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop();
  }
  sockaddr_in addr() const {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port_);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return sin;
  }
  // One UDP round trip; returns the rcode or -1 on timeout.
  int udp_rcode(const std::string& name) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    auto q = testutil::make_query(name, 1);
    sockaddr_in a = addr();
    sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    pollfd p{fd, POLLIN, 0};
    int rc = -1;
    if (poll(&p, 1, 2000) > 0) {
      uint8_t buf[4096];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n >= 12) rc = buf[3] & 0xF;
    }
    close(fd);
    return rc;
  }
  int tcp_connect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = addr();
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  // Reads until EOF or timeout; returns bytes read, -1 if the peer is still open.
  static ssize_t read_until_closed(int fd, int timeout_ms, std::string& got) {
    pollfd p{fd, POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[65536];
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return static_cast<ssize_t>(got.size());
      got.append(buf, static_cast<size_t>(n));
    }
    return -1;
  }

  zone::CatalogHolder holder_;
  config::ServerConfig cfg_;
  uint16_t port_ = 0;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, AnswersOverUdpAndCountsIt) {
  start();
  EXPECT_EQ(udp_rcode("www.example.com."), 0);
  EXPECT_EQ(udp_rcode("www.other.org."), 5);
  EXPECT_EQ(server_->stats().udp_queries, 2u);
}

TEST_F(ServerTest, PipelinedTcpQueriesAllAnswered) {
  start();
  int fd = tcp_connect();
  std::string out;
  for (uint16_t id = 1; id <= 5; ++id) {
    auto q = testutil::make_query("www.example.com.", 1, {.id = id});
    out.push_back(static_cast<char>(q.size() >> 8));
    out.push_back(static_cast<char>(q.size() & 0xFF));
    out.append(q.begin(), q.end());
  }
  ASSERT_EQ(send(fd, out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
  std::string got;
  std::vector<int> ids;
  pollfd p{fd, POLLIN, 0};
  while (ids.size() < 5 && poll(&p, 1, 2000) > 0) {
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    while (got.size() >= 2) {
      size_t len = static_cast<uint8_t>(got[0]) << 8 | static_cast<uint8_t>(got[1]);
      if (got.size() < 2 + len) break;
      ids.push_back(static_cast<uint8_t>(got[2]) << 8 | static_cast<uint8_t>(got[3]));
      got.erase(0, 2 + len);
    }
  }
  close(fd);
  EXPECT_EQ(ids, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST_F(ServerTest, HalfSentQueryIsClosedAtIdleTimeout) {
  start();
  int fd = tcp_connect();
  ASSERT_EQ(send(fd, "\x00", 1, 0), 1);  // half a length prefix
  std::string got;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(read_until_closed(fd, 3000, got), 0);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ms, 200);
  EXPECT_LT(ms, 2000);
  close(fd);
  EXPECT_GE(server_->stats().tcp_timeouts, 1u);
}

// Slow clients holding every slot with half a query are dropped at the idle timeout, and
// their slots serve new clients afterwards (issue 7).
TEST_F(ServerTest, HalfQueriesHoldingEverySlotAreDroppedAndTheSlotsFreed) {
  cfg_.workers = 1;
  start();
  std::vector<int> slow;
  for (int i = 0; i < 3; ++i) {
    int fd = tcp_connect();
    ASSERT_EQ(send(fd, "\x00\x1d\x12\x34\x01", 5, 0), 5);  // 29-byte message, 3 bytes sent
    slow.push_back(fd);
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int fd : slow) {
    std::string got;
    EXPECT_EQ(read_until_closed(fd, 3000, got), 0);
    EXPECT_TRUE(got.empty());
    close(fd);
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 2000);
  EXPECT_GE(server_->stats().tcp_timeouts, 3u);
  // The client sees EOF before the worker's close callbacks free the slots: wait for those
  // (a fixed sleep here raced with them).
  EXPECT_TRUE(eventually([&] { return server_->tcp_clients() == 0; }));
  int fresh = tcp_connect();  // would be refused if a slot were still held
  auto q = testutil::make_query("www.example.com.", 1);
  uint8_t len[2] = {static_cast<uint8_t>(q.size() >> 8), static_cast<uint8_t>(q.size())};
  ASSERT_EQ(send(fresh, len, 2, 0), 2);
  ASSERT_EQ(send(fresh, q.data(), q.size(), 0), static_cast<ssize_t>(q.size()));
  uint8_t resp[512];
  EXPECT_GT(recv(fresh, resp, sizeof resp, 0), 2);
  close(fresh);
  EXPECT_EQ(server_->stats().tcp_rejected, 0u);
}

TEST_F(ServerTest, ConnectionsOverTheLimitAreClosed) {
  cfg_.workers = 1;
  cfg_.tcp_idle_timeout = common::Millis{5000};
  start();
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) held.push_back(tcp_connect());
  ASSERT_TRUE(eventually([&] { return server_->stats().tcp_accepted == 3; }));
  int extra = tcp_connect();
  std::string got;
  EXPECT_EQ(read_until_closed(extra, 2000, got), 0);  // closed without an answer
  close(extra);
  EXPECT_EQ(server_->stats().tcp_rejected, 1u);
  for (int fd : held) close(fd);
  EXPECT_TRUE(eventually([&] { return server_->tcp_clients() == 0; }));
  EXPECT_EQ(udp_rcode("www.example.com."), 0);  // still serving
}

TEST_F(ServerTest, GraceAnswersRefused) {
  start();
  EXPECT_EQ(udp_rcode("www.example.com."), 0);
  server_->begin_grace(answer::StopAnswer::Refused);
  EXPECT_EQ(udp_rcode("www.example.com."), 5);
}

TEST_F(ServerTest, WildcardBindAnswersFromTheQueriedAddress) {
  cfg_.listen = {*common::parse_socket_address("0.0.0.0:" + std::to_string(port_))};
  start();
  // A connected client only accepts replies from the address it sent to.
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to = addr();
  inet_pton(AF_INET, "127.0.0.5", &to.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  auto q = testutil::make_query("www.example.com.", 1);
  send(fd, q.data(), q.size(), 0);
  pollfd p{fd, POLLIN, 0};
  ASSERT_GT(poll(&p, 1, 2000), 0) << "no reply from 127.0.0.5 (answered from another address?)";
  uint8_t buf[512];
  EXPECT_GE(recv(fd, buf, sizeof buf, 0), 12);
  close(fd);
}

TEST_F(ServerTest, OversizedDatagramGetsFormerr) {
  start();
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a = addr();
  auto q = testutil::make_query("www.example.com.", 1);
  q.resize(9000, 0);  // larger than the 4096-byte receive buffer
  sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  pollfd p{fd, POLLIN, 0};
  ASSERT_GT(poll(&p, 1, 2000), 0);
  uint8_t buf[512];
  ASSERT_EQ(recv(fd, buf, sizeof buf, 0), 12);
  EXPECT_EQ(buf[3] & 0xF, 1);
  EXPECT_TRUE(buf[2] & 0x80);
  close(fd);
  EXPECT_EQ(udp_rcode("www.example.com."), 0);
}

TEST_F(ServerTest, RateLimitingHoldsAFloodButNotOtherClients) {
  cfg_.workers = 1;
  config::RrlConfig rrl;
  rrl.responses_per_second = 20;
  rrl.slip = 2;
  server_ = std::make_unique<Server>(cfg_, holder_, rrl);
  std::vector<std::string> errors;
  ASSERT_TRUE(server_->bind(errors));
  server_->start();
  // A flood of 400 queries from 127.0.0.1 within well under a second...
  int flood = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a = addr();
  auto q = testutil::make_query("www.example.com.", 1);
  for (int i = 0; i < 400; ++i) sendto(flood, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  int full = 0, tc = 0;
  pollfd p{flood, POLLIN, 0};
  while (poll(&p, 1, 300) > 0) {
    uint8_t buf[512];
    ssize_t n = recv(flood, buf, sizeof buf, 0);
    if (n < 12) continue;
    if (buf[2] & 0x02) ++tc;
    else ++full;
  }
  close(flood);
  EXPECT_LE(full, 40);  // at most the rate (the run may straddle a second)
  EXPECT_GE(full, 20);
  EXPECT_GT(tc, 0);     // slips let a real client fall back to TCP
  EXPECT_LT(full + tc, 400);
  // ...while another /24 (127.0.1.x) is answered every time.
  int other = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.1.1", &src.sin_addr);
  ASSERT_EQ(bind(other, reinterpret_cast<sockaddr*>(&src), sizeof src), 0);
  int answered = 0;
  for (int i = 0; i < 15; ++i) {
    sendto(other, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
    pollfd po{other, POLLIN, 0};
    uint8_t buf[512];
    if (poll(&po, 1, 1000) > 0 && recv(other, buf, sizeof buf, 0) >= 12 && !(buf[2] & 0x02)) ++answered;
  }
  close(other);
  EXPECT_EQ(answered, 15);
  EXPECT_GT(server_->stats().rrl_dropped, 0u);
}

// Each UDP socket has a thread blocked in recvmmsg: stop() must wake it at once (shutdown),
// not when its receive timeout (a second) next fires.
TEST_F(ServerTest, StopWakesTheBlockedUdpThreadsAtOnce) {
  cfg_.workers = 3;
  start();
  for (int i = 0; i < 6; ++i) EXPECT_EQ(udp_rcode("www.example.com."), 0);  // each wait restarted
  auto t0 = std::chrono::steady_clock::now();
  server_->stop();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 400);
  EXPECT_EQ(server_->stats().udp_queries, 6u);  // still readable after the stop
  server_.reset();
}

// A socket that gets no more queries still lets go of a replaced catalog (its thread
// wakes every second to take the current one), so the old zone can be freed.
TEST_F(ServerTest, IdleUdpThreadLetsGoOfAReplacedCatalog) {
  cfg_.workers = 1;
  start();
  EXPECT_EQ(udp_rcode("www.example.com."), 0);  // the UDP thread now holds t1
  holder_.publish(testutil::make_catalog({{"example.com.", kZone, {}, {}, {}}}, "t2"));
  EXPECT_TRUE(eventually([&] {
    holder_.reclaim();
    return holder_.retired() == 0;
  }));
}

// A reload or update (a published catalog) is answered from at the next batch.
TEST_F(ServerTest, UdpAnswersFromANewlyPublishedCatalog) {
  start();
  EXPECT_EQ(udp_rcode("new.example.com."), 3);  // NXDOMAIN
  holder_.publish(testutil::make_catalog(
      {{"example.com.", std::string(kZone) + "new A 192.0.2.99\n", {}, {}, {}}}, "t2"));
  EXPECT_EQ(udp_rcode("new.example.com."), 0);
}

// Every (address, worker) socket is served, and the scrape may read the UDP threads'
// counters while they write them (the TSan build checks that this is race-free).
TEST_F(ServerTest, EveryListenAddressIsServedAndCountedWhileServing) {
  cfg_.listen.push_back(*common::parse_socket_address("127.0.0.2:" + std::to_string(port_)));
  start();
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load()) {
      (void)server_->stats();
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  int answered = 0;
  for (const char* ip : {"127.0.0.1", "127.0.0.2"}) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a = addr();
    inet_pton(AF_INET, ip, &a.sin_addr);
    for (int i = 0; i < 20; ++i) {
      auto q = testutil::make_query("www.example.com.", 1, {.id = static_cast<uint16_t>(i)});
      sendto(fd, q.data(), q.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
      pollfd p{fd, POLLIN, 0};
      uint8_t buf[512];
      if (poll(&p, 1, 2000) > 0 && recv(fd, buf, sizeof buf, 0) >= 12 && (buf[3] & 0xF) == 0) ++answered;
    }
    close(fd);
  }
  done.store(true);
  scraper.join();
  EXPECT_EQ(answered, 40);
  StatsTotals t = server_->stats();
  EXPECT_EQ(t.udp_queries, 40u);
  uint64_t counted = 0;
  for (const auto& zone : t.answered)
    for (uint64_t c : zone) counted += c;
  EXPECT_EQ(counted, 40u);
}

TEST_F(ServerTest, BindErrorIsReportedWithTheAddress) {
  start();
  cfg_.listen.push_back(*common::parse_socket_address("192.0.2.55:53"));  // not ours
  Server other(cfg_, holder_);
  std::vector<std::string> errors;
  EXPECT_FALSE(other.bind(errors));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors.back().find("192.0.2.55:53: bind"), std::string::npos) << errors.back();
}

}  // namespace
}  // namespace dnsd::net
