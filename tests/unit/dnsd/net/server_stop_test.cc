// The real Server stopped under a steady stream of UDP queries: each query is answered or
// refused by the kernel (ICMP port unreachable, ECONNREFUSED on the client's connected
// socket), none vanishes. Bound to 0.0.0.0 with two workers: the wildcard socket's stop
// sink is loopback, the two sockets share the port (SO_REUSEPORT), and the answers drained
// at the stop must still leave from the address each query was sent to.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include "dnsd/net/server.h"
#include "testutil/dns_test_util.h"

namespace dnsd::net {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kZone =
    "$ORIGIN example.com.\n$TTL 60\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.1\n"
    "www A 192.0.2.10\n";

// A port free for UDP and TCP on every address right now (the server binds 0.0.0.0).
uint16_t free_wildcard_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    socklen_t len = sizeof sin;
    bool ok = bind(udp, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0 &&
              getsockname(udp, reinterpret_cast<sockaddr*>(&sin), &len) == 0;
    int tcp = socket(AF_INET, SOCK_STREAM, 0);
    ok = ok && bind(tcp, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
    close(tcp);
    close(udp);
    if (ok) return ntohs(sin.sin_port);
  }
  return 0;
}

// `senders` UDP sockets connected to 127.0.0.5:port, one query in flight each.
struct Stream {
  struct Sender {
    int fd = -1;
    int in_flight = -1;  // the query id waiting for its answer, -1 none
    bool refused = false;
  };
  std::vector<Sender> senders;
  uint16_t next_id = 0;
  int sent = 0, answered = 0, refused = 0;

  Stream(uint16_t port, int n) : senders(static_cast<size_t>(n)) {
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.5", &to.sin_addr);
    for (auto& s : senders) {
      s.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
      EXPECT_EQ(connect(s.fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    }
  }
  ~Stream() {
    for (auto& s : senders) close(s.fd);
  }
  void send(Sender& s) {
    ++next_id;
    auto q = testutil::make_query("www.example.com.", 1, {.id = next_id});
    if (::send(s.fd, q.data(), q.size(), 0) != static_cast<ssize_t>(q.size())) return;
    s.in_flight = next_id;
    ++sent;
  }
  void read(Sender& s, bool sending) {
    uint8_t buf[512];
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == ECONNREFUSED) {
      if (s.in_flight >= 0) ++refused;
      s.in_flight = -1;
      s.refused = true;  // this sender is done
      return;
    }
    if (n < 12 || ((buf[0] << 8) | buf[1]) != s.in_flight) return;
    s.in_flight = -1;
    ++answered;
    if (sending) send(s);
  }
  // Streams until `stopped` is set, on for `keep_sending` after, then waits at most
  // `settle` for the queries in flight. Returns how many got neither answer nor refusal.
  int run(const std::atomic<bool>& stopped, std::chrono::milliseconds keep_sending,
          std::chrono::milliseconds settle) {
    for (auto& s : senders) send(s);
    Clock::time_point stopped_at{};
    std::vector<pollfd> polls(senders.size());
    for (;;) {
      auto now = Clock::now();
      if (stopped_at == Clock::time_point{} && stopped.load()) stopped_at = now;
      bool sending = stopped_at == Clock::time_point{} || now - stopped_at < keep_sending;
      int waiting = 0;
      for (const auto& s : senders) waiting += s.in_flight >= 0;
      if (!sending && (waiting == 0 || now - stopped_at > keep_sending + settle)) return waiting;
      for (size_t i = 0; i < senders.size(); ++i)
        polls[i] = {senders[i].refused ? -1 : senders[i].fd, POLLIN, 0};
      if (poll(polls.data(), polls.size(), 10) <= 0) continue;
      for (size_t i = 0; i < senders.size(); ++i)
        if (polls[i].revents) read(senders[i], sending);
    }
  }
};

TEST(ServerStopTest, AStopUnderAStreamAnswersOrRefusesEveryQuery) {
  signal(SIGPIPE, SIG_IGN);
  zone::CatalogHolder holder;
  holder.publish(testutil::make_catalog({{"example.com.", kZone, {}, {}, {}}}, "t1"));
  uint16_t port = free_wildcard_port();
  ASSERT_NE(port, 0);
  config::ServerConfig cfg;
  cfg.listen = {*common::parse_socket_address("0.0.0.0:" + std::to_string(port))};
  cfg.workers = 2;
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("stop " + std::to_string(round + 1));
    Server server(cfg, holder);
    std::vector<std::string> errors;
    ASSERT_TRUE(server.bind(errors)) << (errors.empty() ? "" : errors[0]);
    server.start();
    std::atomic<bool> stopped{false};
    Stream stream(port, 8);
    int vanished = -1;
    std::thread client([&] {
      vanished = stream.run(stopped, std::chrono::milliseconds(50), std::chrono::milliseconds(1500));
    });
    // Stop once the stream flows (from this thread: the one that called start()).
    auto deadline = Clock::now() + std::chrono::seconds(10);
    while (server.stats().udp_queries < 500 && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    server.stop();
    stopped.store(true);
    client.join();
    EXPECT_GE(stream.answered, 500);
    EXPECT_EQ(vanished, 0) << stream.sent << " sent, " << stream.answered << " answered, "
                           << stream.refused << " refused";
    EXPECT_EQ(static_cast<uint64_t>(stream.answered), server.stats().udp_queries)
        << "every query dnsd read was answered";
  }
}

}  // namespace
}  // namespace dnsd::net
