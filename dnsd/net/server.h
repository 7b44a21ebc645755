// The network side of dnsd: binds every listen address for every worker (all errors are
// reported before anything runs), starts the threads (one per UDP socket, one TCP loop
// per worker), and switches them to the stop answer for the stop grace window.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dnsd/config/config.h"
#include "dnsd/net/server_stats.h"
#include "dnsd/net/udp_receiver.h"
#include "dnsd/net/worker.h"
#include "dnsd/zone/catalog_holder.h"

namespace dnsd::net {

class Server {
 public:
  Server(const config::ServerConfig& config, const zone::CatalogHolder& holder,
         const config::RrlConfig& rrl = {});
  ~Server();

  // Opens every socket; on failure returns false with one line per problem.
  bool bind(std::vector<std::string>& errors);
  void start();
  // The zone service entry point; set before start().
  void set_slow_path(SlowPathHandler h) { shared_.slow_path = std::move(h); }
  void begin_grace(answer::StopAnswer a) {
    shared_.grace_answer.store(a, std::memory_order_relaxed);
    shared_.grace.store(true, std::memory_order_relaxed);
  }
  // [log] queries and queries_per_second; any time, from any thread.
  void set_query_log(bool on, uint32_t per_second) {
    query_logger_.configure(on, per_second);
    shared_.log_queries.store(on, std::memory_order_relaxed);
  }
  void stop();

  StatsTotals stats() const;
  // Open TCP connections (a closed one counts until its handles are closed on its worker).
  unsigned tcp_clients() const { return shared_.tcp_clients.load(std::memory_order_relaxed); }
  size_t worker_count() const { return workers_.size(); }

 private:
  config::ServerConfig config_;
  ServerShared shared_;
  std::vector<std::unique_ptr<Worker>> workers_;      // TCP: one loop per worker
  std::vector<std::unique_ptr<UdpReceiver>> udp_;     // UDP: one thread per (address, worker)
  QueryLogger query_logger_;  // after workers_ and udp_: stopped and destroyed before them
};

}  // namespace dnsd::net
