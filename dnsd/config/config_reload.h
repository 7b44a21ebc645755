// What a SIGHUP reload applies: every key the table marks reloadable, from the new file;
// every restart-only key keeps its running value (restart_only_changes() names those that
// differ so the reload can say so).
#pragma once
#include "dnsd/config/config.h"

namespace dnsd::config {

// `next` with each restart-only value ([server] listen, workers, state_dir, user,
// tcp_idle_timeout, tcp_max_clients, [rrl], [metrics]) put back to the running one.
Config apply_reload(const Config& running, Config next);

}  // namespace dnsd::config
