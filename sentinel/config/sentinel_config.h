// sentinel.toml as a validated value: the cluster, its nodes and checks, keys, the API.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/config_error.h"
#include "dnsd/common/tsig_key.h"

namespace sentinel::config {

using Millis = std::chrono::milliseconds;

enum class CheckKind : uint8_t { Dns, Tcp, Http, Tls };

struct ProbeTiming {
  Millis interval{1000};
  Millis timeout{800};
  int fall = 3;
  int rise = 2;
};

struct CheckConfig {
  CheckKind kind = CheckKind::Dns;
  uint16_t port = 0;          // tcp/tls; 0 = the node's SRV port
  std::string url;            // http
  int expect = 200;           // http
  bool tls_verify = true;     // http/tls
  std::string server_name;    // tls SNI / verified host
  int min_days_valid = 0;     // tls
  ProbeTiming timing;         // [probe] defaults, overridable per check
};

enum class DriverKind : uint8_t { None, Http, Exec };

struct TunnelConfig {
  DriverKind driver = DriverKind::None;
  std::string url;                   // http
  std::vector<uint8_t> hmac_secret;  // http
  std::vector<std::string> command;  // exec
};

struct NodeConfig {
  std::string name;  // lowercase label: lb1
  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
  dnsd::common::SocketAddress dns;  // its dnsd
  int priority = 0;
  uint16_t port = 443;
  // The NS name this node's dnsd is known by in the zone's apex NS set ("lb1.api.example.com.");
  // empty: sentinel never touches that node's NS record.
  std::string ns;
  std::vector<CheckConfig> checks;
  TunnelConfig tunnel;
  // The TSIG key that signs this node's updates, its own so that a node's stolen key
  // cannot rewrite any other node ([[node]] update_key, else [cluster] update_key).
  std::string update_key_name;  // as written; resolved into update_key by the config check
  int update_key_line = 0;
  dnsd::common::TsigKey update_key;
  // Run before this node is promoted when it is the old master being replaced: cuts it off
  // (STONITH-style). Empty = no hook. fence_required: no promote until it succeeded.
  std::vector<std::string> fence;
  bool fence_required = false;
};

// [coordination]: several sentinels agree through etcd (docs/sentinel.md "High
// availability"). Absent (enabled false) = one sentinel with its state file.
struct CoordinationConfig {
  bool enabled = false;
  std::vector<std::string> etcd;       // endpoint URLs of the etcd members
  std::string prefix;                  // "/dnsgtm/<zone>/" unless set; ends with '/'
  std::vector<std::string> sentinels;  // the ids of every sentinel of the cluster
  int quorum = 0;                      // sentinels that must see a node down; 0 = majority
  Millis lease{5000};
  int line = 0;                        // of the [coordination] header, for messages
  // The quorum in effect: the configured one, else a majority of `sentinels`.
  int effective_quorum() const {
    return quorum > 0 ? quorum : static_cast<int>(sentinels.size()) / 2 + 1;
  }
};

// [parent]: sentinel also keeps the parent zone's delegation of the zone to the apex NS set
// (docs/sentinel.md "The apex NS set"), by RFC 2136 updates to the parent's primary.
// Absent (enabled false) = the delegation is left as it is.
struct ParentConfig {
  bool enabled = false;
  std::string zone;                                  // absolute, lowercase: "example.com."
  std::vector<dnsd::common::SocketAddress> servers;  // the parent's primary, tried in order
  std::string update_key_name;                       // a [[key]]; resolved into update_key
  int update_key_line = 0;
  dnsd::common::TsigKey update_key;
  uint32_t ns_ttl = 0;  // TTL of the delegation's NS (and glue); 0 until resolved: [cluster] ns_ttl
  bool glue = true;     // keep A/AAAA glue of the in-domain NS names
  int line = 0;         // of the [parent] header, for messages
};

struct DampingConfig {
  double penalty = 1000;   // added each time a node goes down
  double suppress = 2500;  // above this the node stays out of service
  double reuse = 800;      // ... until the penalty decays below this
  Millis half_life{120000};
};

struct SentinelConfig {
  std::string file;  // the path it was read from
  std::string id = "s1";
  std::string state_file;
  dnsd::common::SocketAddress api_listen;
  std::string api_token_file;
  std::string log_level = "info";
  std::string log_format = "auto";  // see dnsd::common::valid_log_format

  std::string zone;  // absolute, lowercase: "api.example.com."
  std::string master_name = "master";
  std::string pool_name = "cluster";
  std::vector<std::string> srv{"_tunnel._tcp"};
  uint32_t ttl = 30;
  uint32_t ns_ttl = 60;  // TTL of the apex NS set while sentinel manages it
  bool failover_auto = true;
  Millis cooldown{60000};
  Millis reconcile_interval{30000};
  Millis driver_timeout{5000};
  ProbeTiming probe;
  DampingConfig damping;
  std::vector<NodeConfig> nodes;
  CoordinationConfig coordination;
  ParentConfig parent;

  // Legal but unwise settings, for the log and `sentinel check` (e.g. a shared update key).
  std::vector<std::string> warnings;

  const NodeConfig* node(std::string_view name) const;
  // "api.example.com" (no trailing dot) as the tunnel driver protocol carries it.
  std::string zone_text() const;
};

// Reads and validates; on any problem returns nullopt and lists every error.
std::optional<SentinelConfig> load_sentinel_config(const std::string& path,
                                                   dnsd::common::ErrorList& errors);

// Parses from text (tests); `path` is used in messages and to resolve relative paths.
std::optional<SentinelConfig> parse_sentinel_config(const std::string& text,
                                                    const std::string& path,
                                                    dnsd::common::ErrorList& errors);

}  // namespace sentinel::config
