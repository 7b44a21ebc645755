// The restart-only keys of the table, kept across a reload (config_reload_test.cc checks
// this list against the table's reload column).
#include "dnsd/config/config_reload.h"

namespace dnsd::config {

Config apply_reload(const Config& running, Config next) {
  next.server.listen = running.server.listen;
  next.server.workers = running.server.workers;
  next.server.state_dir = running.server.state_dir;
  next.server.user = running.server.user;
  next.server.tcp_idle_timeout = running.server.tcp_idle_timeout;
  next.server.tcp_max_clients = running.server.tcp_max_clients;
  next.rrl = running.rrl;
  next.metrics = running.metrics;
  next.control = running.control;
  return next;
}

}  // namespace dnsd::config
