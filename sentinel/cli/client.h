// The client subcommands (status, promote, drain, undrain, history, explain, reconcile,
// reload):
// talk to the daemon's API found in the same config, print for a human or as JSON.
#pragma once
#include <string>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::cli {

struct ClientRequest {
  std::string verb;  // status | history | explain | promote | drain | undrain | reconcile | reload
  std::string node;
  bool dry_run = false;
  bool json = false;
  bool wait = false;  // drain: until the parent's delegation lost the node (drain_wait.h)
};

// Returns the process exit code: 0 done, 1 refused or failed (reason on stderr).
int run_client(const config::SentinelConfig& c, const ClientRequest& r);

}  // namespace sentinel::cli
