// Server: sockets for every (address, worker), thread start/stop, stats.
#include "dnsd/net/server.h"

#include <unistd.h>

#include <algorithm>

#include "dnsd/net/socket_setup.h"

namespace dnsd::net {

Server::Server(const config::ServerConfig& config, const zone::CatalogHolder& holder,
               const config::RrlConfig& rrl)
    : config_(config), shared_(holder) {
  // The kernel spreads one client over every worker: give each its share of the rate.
  unsigned workers = config.workers == 0 ? 1 : config.workers;
  shared_.rrl_rate = rrl.responses_per_second == 0 ? 0 : std::max(1u, rrl.responses_per_second / workers);
  shared_.rrl_slip = rrl.slip;
  shared_.tcp_max_clients = config.tcp_max_clients;
  shared_.tcp_idle_ms = static_cast<uint64_t>(config.tcp_idle_timeout.count());
}

Server::~Server() { stop(); }

bool Server::bind(std::vector<std::string>& errors) {
  unsigned n = config_.workers == 0 ? 1 : config_.workers;
  for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(shared_));
  for (const auto& addr : config_.listen) {
    for (auto& w : workers_) {
      std::string err;
      int u = open_udp_socket(addr, err);
      if (u < 0) {
        errors.push_back(err);
        break;
      }
      udp_.push_back(std::make_unique<UdpReceiver>(shared_, u));
      int t = open_tcp_listener(addr, 1024, err);
      if (t < 0) {
        errors.push_back(err);
        break;
      }
      w->add_tcp(t);
    }
  }
  if (!errors.empty()) {
    udp_.clear();  // closes the sockets opened so far
    workers_.clear();
    return false;
  }
  return true;
}

void Server::start() {
  std::vector<QueryLogRing*> rings;
  for (auto& w : workers_) rings.push_back(&w->query_log);
  for (auto& u : udp_) rings.push_back(&u->query_log);
  query_logger_.start(std::move(rings));
  for (auto& w : workers_) w->start();
  for (auto& u : udp_) u->start();
}

void Server::stop() {
  // Every UDP thread wakes at once, connects its socket to the stop sink (later queries
  // get ICMP port unreachable), answers what the socket still holds and leaves: a stop
  // drops no query silently, whatever the order of the joins (udp_receiver.h).
  for (auto& u : udp_) u->request_stop();
  for (auto& u : udp_) u->stop();
  for (auto& w : workers_) w->stop();
  query_logger_.stop();
}

namespace {

// Relaxed loads: each counter has one writer (its thread, bump()), and a scrape needs no
// ordering between counters.
void add_counts(const WorkerStats& s, StatsTotals& t) {
  auto rd = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  t.udp_queries += rd(s.udp_queries);
  t.tcp_queries += rd(s.tcp_queries);
  t.truncated += rd(s.truncated);
  t.dropped += rd(s.dropped);
  t.tcp_accepted += rd(s.tcp_accepted);
  t.tcp_rejected += rd(s.tcp_rejected);
  t.tcp_timeouts += rd(s.tcp_timeouts);
  t.errors += rd(s.errors);
  t.rrl_dropped += rd(s.rrl_dropped);
  t.rrl_slipped += rd(s.rrl_slipped);
  s.answered.add_to(t.answered);
}

}  // namespace

StatsTotals Server::stats() const {
  StatsTotals t;
  for (const auto& w : workers_) add_counts(w->stats, t);
  for (const auto& u : udp_) add_counts(u->stats, t);
  return t;
}

}  // namespace dnsd::net
