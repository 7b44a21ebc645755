// What the records tests share: the zone, the TSIG secret, and a sentinel config with the
// cluster's names (SRV, master, pool) and no nodes yet.
#pragma once
#include <string>

#include "sentinel/config/sentinel_config.h"

namespace sentinel::records::test_config {

inline constexpr const char* kSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";
inline const std::string kZone = "api.example.com.";

inline config::SentinelConfig config_without_nodes() {
  config::SentinelConfig c;
  c.zone = kZone;
  c.ttl = 30;
  c.srv = {"_tunnel._tcp"};
  c.master_name = "master";
  c.pool_name = "cluster";
  c.id = "s1";
  return c;
}

}  // namespace sentinel::records::test_config
