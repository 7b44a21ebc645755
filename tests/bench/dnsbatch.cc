// dnsbatch: a batching DNS load generator for scripts/bench. dnsperf sends and receives one
// datagram per syscall, so on 2 cores it saturates its own core before the server does;
// dnsbatch sends with sendmmsg and reads with recvmmsg, a batch per syscall, from one thread.
//
//   dnsbatch -s ADDR -p PORT -d FILE [-n QUERIES] [-l SECONDS] [-Q QPS] [-c SOCKETS]
//            [-q OUTSTANDING] [-t TIMEOUT] [-b BATCH]
//
// FILE holds "name type" lines (dnsperf's format), used in order and looped over.
// Closed loop (no -Q): each of the -c sockets keeps -q queries in flight, until -n queries
// were sent (or -l seconds passed). Open loop (-Q): queries are sent at QPS from the start,
// whatever the answers do, for -l seconds (or -n queries); query k is due at start + k/QPS,
// and every query due when the generator wakes goes out in one sendmmsg per socket.
// A query unanswered after -t seconds is lost; the latency percentiles count a lost query
// as infinitely late ("lost"). The generator's own CPU (getrusage) is printed so a run can
// show it was not the bottleneck.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/bench/dnsbatch_query.h"

namespace {

constexpr int kMaxBatch = 64;
constexpr size_t kRxBuffer = 4096;

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

struct Options {
  std::string server = "127.0.0.1";
  int port = 53;
  std::string file;
  uint64_t queries = 0;   // 0: no count limit
  double seconds = 0;     // 0: no time limit
  double qps = 0;         // 0: closed loop
  int sockets = 1;
  int outstanding = 100;  // per socket, closed loop
  double timeout = 1.0;
  int batch = 32;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "dnsbatch: %s\nusage: dnsbatch -s ADDR -p PORT -d FILE [-n QUERIES] [-l SECONDS] [-Q QPS] "
               "[-c SOCKETS] [-q OUTSTANDING] [-t TIMEOUT] [-b BATCH]\n",
               why);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  int c;
  while ((c = getopt(argc, argv, "s:p:d:n:l:Q:c:q:t:b:")) != -1) {
    switch (c) {
      case 's': o.server = optarg; break;
      case 'p': o.port = std::atoi(optarg); break;
      case 'd': o.file = optarg; break;
      case 'n': o.queries = std::strtoull(optarg, nullptr, 10); break;
      case 'l': o.seconds = std::atof(optarg); break;
      case 'Q': o.qps = std::atof(optarg); break;
      case 'c': o.sockets = std::atoi(optarg); break;
      case 'q': o.outstanding = std::atoi(optarg); break;
      case 't': o.timeout = std::atof(optarg); break;
      case 'b': o.batch = std::atoi(optarg); break;
      default: usage("unknown option");
    }
  }
  if (o.file.empty()) usage("-d FILE is required");
  if (o.port <= 0 || o.port > 65535) usage("-p: not a port");
  if (o.queries == 0 && o.seconds <= 0) usage("give -n QUERIES or -l SECONDS");
  if (o.sockets < 1 || o.sockets > 1024) usage("-c: 1..1024 sockets");
  if (o.outstanding < 1 || o.outstanding > 32768) usage("-q: 1..32768 queries in flight per socket");
  if (o.batch < 1 || o.batch > kMaxBatch) usage("-b: 1..64");
  if (o.timeout <= 0 || o.timeout > 30) usage("-t: 0..30 seconds");
  if (o.qps < 0) usage("-Q: a rate in queries per second");
  return o;
}

// One client socket: queries are numbered in send order; the DNS ID is the number mod 2^16,
// and fewer than 2^15 are ever in flight, so an ID names one query.
struct Client {
  int fd = -1;
  uint64_t head = 0;  // queries sent
  uint64_t tail = 0;  // every query before this one was answered or lost
  uint64_t inflight = 0;
  std::vector<uint64_t> sent_ns = std::vector<uint64_t>(65536, 0);  // 0: not in flight
};

struct Totals {
  uint64_t sent = 0, answered = 0, lost = 0, send_errors = 0, unexpected = 0, window_full = 0;
  uint64_t rcodes[16]{};
  std::vector<uint32_t> latency_ns;
};

int open_client(const Options& o, std::string& error) {
  sockaddr_storage ss{};
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, o.server.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, o.server.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(o.port));
    len = sizeof *v6;
  } else {
    error = o.server + ": not an IPv4 or IPv6 address";
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    error = std::string("socket/connect: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
    return -1;
  }
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  return fd;
}

class Generator {
 public:
  Generator(const Options& o, std::vector<std::vector<uint8_t>> queries)
      : o_(o), queries_(std::move(queries)), clients_(static_cast<size_t>(o.sockets)) {
    timeout_ns_ = static_cast<uint64_t>(o.timeout * 1e9);
  }

  bool open(std::string& error) {
    for (auto& c : clients_)
      if ((c.fd = open_client(o_, error)) < 0) return false;
    return true;
  }

  void run() {
    start_ = now_ns();
    const uint64_t end = o_.seconds > 0 ? start_ + static_cast<uint64_t>(o_.seconds * 1e9) : UINT64_MAX;
    std::vector<pollfd> fds(clients_.size());
    for (size_t i = 0; i < clients_.size(); ++i) fds[i] = {clients_[i].fd, POLLIN, 0};
    size_t rr = 0;  // open loop: the socket the next due query goes to
    for (;;) {
      uint64_t now = now_ns();
      bool sending = now < end && (o_.queries == 0 || t_.sent < o_.queries);
      if (sending) {
        if (o_.qps > 0) {
          uint64_t due = static_cast<uint64_t>(static_cast<double>(now - start_) * o_.qps / 1e9) + 1;
          if (o_.queries) due = std::min(due, o_.queries);
          uint64_t n = due > scheduled_ ? due - scheduled_ : 0;
          scheduled_ += n;
          // Round-robin over the sockets, a batch at a time.
          while (n > 0) {
            uint64_t k = std::min<uint64_t>(n, static_cast<uint64_t>(o_.batch));
            n -= send_batch(clients_[rr], static_cast<int>(k), now, true);
            rr = (rr + 1) % clients_.size();
          }
        } else {
          for (auto& c : clients_) {
            while (c.inflight < static_cast<uint64_t>(o_.outstanding) && (o_.queries == 0 || t_.sent < o_.queries)) {
              uint64_t want = std::min<uint64_t>(static_cast<uint64_t>(o_.outstanding) - c.inflight,
                                                 static_cast<uint64_t>(o_.batch));
              if (o_.queries) want = std::min(want, o_.queries - t_.sent);
              if (send_batch(c, static_cast<int>(want), now, false) == 0) break;
            }
          }
        }
      }
      uint64_t inflight = 0;
      for (auto& c : clients_) inflight += expire(c, now);
      if (!sending && inflight == 0) break;
      // Sleep until a socket is readable, the next open-loop query is due or the oldest
      // query in flight times out, whichever comes first.
      uint64_t wake = now + 100000000u;
      if (sending && o_.qps > 0)
        wake = std::min(wake, start_ + static_cast<uint64_t>(static_cast<double>(scheduled_) * 1e9 / o_.qps));
      if (sending) wake = std::min(wake, end);
      for (auto& c : clients_)
        if (c.tail < c.head) wake = std::min(wake, c.sent_ns[c.tail & 0xffff] + timeout_ns_);
      uint64_t wait = wake > now ? wake - now : 0;
      timespec ts{static_cast<time_t>(wait / 1000000000u), static_cast<long>(wait % 1000000000u)};
      int r = ppoll(fds.data(), fds.size(), &ts, nullptr);
      if (r <= 0) continue;
      for (size_t i = 0; i < fds.size(); ++i)
        if (fds[i].revents & POLLIN) receive(clients_[i]);
    }
    stop_ = last_answer_ns_ > start_ ? last_answer_ns_ : now_ns();
  }

  void report() const {
    double elapsed = static_cast<double>(stop_ - start_) / 1e9;
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    double user = static_cast<double>(ru.ru_utime.tv_sec) + static_cast<double>(ru.ru_utime.tv_usec) / 1e6;
    double sys = static_cast<double>(ru.ru_stime.tv_sec) + static_cast<double>(ru.ru_stime.tv_usec) / 1e6;
    std::printf("Mode: %s\n", o_.qps > 0 ? "open loop" : "closed loop");
    std::printf("Queries sent: %llu\n", static_cast<unsigned long long>(t_.sent));
    std::printf("Queries completed: %llu\n", static_cast<unsigned long long>(t_.answered));
    std::printf("Queries lost: %llu\n", static_cast<unsigned long long>(t_.lost));
    if (t_.window_full || t_.send_errors || t_.unexpected)
      std::printf("Not sent (window full): %llu, send errors: %llu, unexpected answers: %llu\n",
                  static_cast<unsigned long long>(t_.window_full), static_cast<unsigned long long>(t_.send_errors),
                  static_cast<unsigned long long>(t_.unexpected));
    std::printf("Run time (s): %.3f\n", elapsed);
    std::printf("Queries per second: %.0f\n", elapsed > 0 ? static_cast<double>(t_.answered) / elapsed : 0.0);
    std::vector<uint32_t> lat = t_.latency_ns;
    std::sort(lat.begin(), lat.end());
    uint64_t all = lat.size() + t_.lost;
    auto pct = [&](double q) -> std::string {
      if (all == 0) return "nan";
      uint64_t i = std::min<uint64_t>(all - 1, static_cast<uint64_t>(q * static_cast<double>(all)));
      if (i >= lat.size()) return "lost";
      char b[32];
      std::snprintf(b, sizeof b, "%.4f", lat[i] / 1e6);
      return b;
    };
    std::printf("Latency ms p50 p99 p99.9 max: %s %s %s %s\n", pct(0.5).c_str(), pct(0.99).c_str(),
                pct(0.999).c_str(), lat.empty() ? "nan" : std::to_string(lat.back() / 1e6).c_str());
    std::printf("Generator CPU s: user %.3f sys %.3f (%.0f %% of one core)\n", user, sys,
                elapsed > 0 ? 100 * (user + sys) / elapsed : 0.0);
    std::printf("Rcodes:");
    for (int i = 0; i < 16; ++i)
      if (t_.rcodes[i]) std::printf(" %s %llu", dnsbatch::rcode_name(i), static_cast<unsigned long long>(t_.rcodes[i]));
    std::printf("\n");
  }

 private:
  // Sends up to `want` queries on `c` in one sendmmsg; returns how many left (or were given up).
  uint64_t send_batch(Client& c, int want, uint64_t now, bool open_loop) {
    mmsghdr msgs[kMaxBatch]{};
    iovec iov[kMaxBatch];
    int k = 0;
    for (; k < want; ++k) {
      if (c.head - c.tail >= 32768) break;  // the ID window is full
      const auto& q = queries_[next_query_];
      next_query_ = (next_query_ + 1) % queries_.size();
      uint16_t id = static_cast<uint16_t>(c.head + static_cast<uint64_t>(k));
      // A copy with the ID in place: the queries are small (a second iovec for the ID costs more).
      uint8_t* b = send_buffers_[k];
      std::memcpy(b, q.data(), q.size());
      b[0] = static_cast<uint8_t>(id >> 8);
      b[1] = static_cast<uint8_t>(id);
      iov[k] = {b, q.size()};
      msgs[k].msg_hdr.msg_iov = &iov[k];
      msgs[k].msg_hdr.msg_iovlen = 1;
    }
    if (k < want && open_loop) t_.window_full += static_cast<uint64_t>(want - k);
    int done = 0;
    while (done < k) {
      int r = sendmmsg(c.fd, msgs + done, static_cast<unsigned>(k - done), 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN && !open_loop) break;  // closed loop: try again after a receive
        ++t_.send_errors;                           // give this one up
        ++done;
        ++c.head;
        ++c.tail;  // never in flight
        continue;
      }
      for (int i = 0; i < r; ++i) {
        c.sent_ns[c.head & 0xffff] = now;
        ++c.head;
        ++c.inflight;
        ++t_.sent;
      }
      done += r;
    }
    return open_loop ? static_cast<uint64_t>(want) : static_cast<uint64_t>(done);
  }

  void receive(Client& c) {
    static uint8_t buffers[kMaxBatch][kRxBuffer];
    mmsghdr msgs[kMaxBatch]{};
    iovec iov[kMaxBatch];
    for (;;) {
      for (int i = 0; i < o_.batch; ++i) {
        iov[i] = {buffers[i], kRxBuffer};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int n = recvmmsg(c.fd, msgs, static_cast<unsigned>(o_.batch), MSG_DONTWAIT, nullptr);
      if (n <= 0) return;
      uint64_t now = now_ns();
      for (int i = 0; i < n; ++i) {
        const uint8_t* m = buffers[i];
        if (msgs[i].msg_len < 12 || !(m[2] & 0x80)) {
          ++t_.unexpected;
          continue;
        }
        uint16_t id = static_cast<uint16_t>(m[0] << 8 | m[1]);
        uint64_t& sent = c.sent_ns[id];
        if (sent == 0) {  // late (already counted lost) or a duplicate
          ++t_.unexpected;
          continue;
        }
        t_.latency_ns.push_back(static_cast<uint32_t>(std::min<uint64_t>(now - sent, UINT32_MAX)));
        sent = 0;
        --c.inflight;
        ++t_.answered;
        ++t_.rcodes[m[3] & 0x0f];
        last_answer_ns_ = now;
      }
      if (n < o_.batch) return;
    }
  }

  // Advances the tail past answered queries and those older than the timeout; returns the
  // number still in flight.
  uint64_t expire(Client& c, uint64_t now) {
    while (c.tail < c.head) {
      uint64_t& sent = c.sent_ns[c.tail & 0xffff];
      if (sent != 0) {
        if (sent + timeout_ns_ > now) break;
        sent = 0;
        --c.inflight;
        ++t_.lost;
      }
      ++c.tail;
    }
    return c.inflight;
  }

  const Options& o_;
  std::vector<std::vector<uint8_t>> queries_;
  std::vector<Client> clients_;
  size_t next_query_ = 0;
  uint64_t scheduled_ = 0;
  uint64_t timeout_ns_ = 0;
  uint64_t start_ = 0, stop_ = 0, last_answer_ns_ = 0;
  Totals t_;
  uint8_t send_buffers_[kMaxBatch][dnsbatch::kMaxQuery]{};
};

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::ifstream in(o.file);
  if (!in) {
    std::fprintf(stderr, "dnsbatch: %s: cannot read\n", o.file.c_str());
    return 1;
  }
  std::vector<std::vector<uint8_t>> queries;
  std::string line, error;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::vector<uint8_t> wire;
    if (!dnsbatch::encode_query_line(line, wire, error)) {
      std::fprintf(stderr, "dnsbatch: %s:%d: %s\n", o.file.c_str(), number, error.c_str());
      return 1;
    }
    queries.push_back(std::move(wire));
  }
  if (queries.empty()) {
    std::fprintf(stderr, "dnsbatch: %s: no queries\n", o.file.c_str());
    return 1;
  }
  prctl(PR_SET_TIMERSLACK, 1UL);  // open loop: wake when the next query is due, not 50 µs later
  Generator g(o, std::move(queries));
  if (!g.open(error)) {
    std::fprintf(stderr, "dnsbatch: %s\n", error.c_str());
    return 1;
  }
  g.run();
  g.report();
  return 0;
}
