// dnsd.toml as a validated value: every key of dnsd.toml (docs/config-reference.md) with its default.
#pragma once
#include <netinet/in.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/answer/stop_answer.h"
#include "dnsd/common/address.h"
#include "dnsd/common/config_error.h"
#include "dnsd/common/cookie_secret.h"
#include "dnsd/common/duration.h"
#include "dnsd/common/tsig_key.h"

namespace dnsd::config {

struct ServerConfig {
  std::vector<common::SocketAddress> listen;  // UDP and TCP on each; restart-only
  unsigned workers = 1;                       // 0 in the file = one per core (resolved here)
  std::string identity;                       // NSID, id.server; empty = off
  std::string state_dir = "/var/lib/dnsd";    // resolved to an absolute path
  unsigned journal_compact_after = 10000;     // updates per journal before a snapshot
  std::string user;                           // drop privileges after bind; empty = stay
  uint16_t udp_payload = 1232;                // 512..4096
  common::Millis tcp_idle_timeout{10'000};
  unsigned tcp_max_clients = 1000;
  common::Millis stop_grace{0};        // the longest stop window
  common::Millis stop_leave_wait{5000};  // its early end: max(NS TTL, this) + 1 s after leaving
  answer::StopAnswer stop_answer = answer::StopAnswer::Upward;
  std::string cookie_secret_file;  // resolved path; empty = a random secret per process
  common::CookieSecrets cookie_secrets;  // read from cookie_secret_file by load_config;
                                         // dnsd fills in its random one when there is none
};

struct NodeConfig {
  std::string name;
  std::vector<in_addr> ipv4;
  std::vector<in6_addr> ipv6;
  std::vector<std::string> ns;  // its NS names, lowercase absolute text ("ns1.example.com.")
};

// One node of a replicated zone: its [node] name and the address it answers on.
struct Replica {
  std::string name;
  common::SocketAddress address;
};
// "lb1=127.0.0.11:53" (port 53 when absent); nullopt with `reason` otherwise.
std::optional<Replica> parse_replica(const std::string& text, std::string& reason);

struct ZoneConfig {
  std::string name;                 // lowercase, absolute with trailing dot: "api.example.com."
  std::string file;                 // resolved path of the master file
  std::vector<std::string> self{"@", "*"};  // relative owners: "@", "*", "www", "*.eu"
  uint32_t self_ttl = 30;
  std::vector<std::string> update_keys;    // key names, lowercase absolute: "sentinel."
  std::vector<std::string> transfer_keys;  // every name here has a [[key]] in `keys`
  std::vector<common::SocketAddress> notify;  // port 53 unless given
  std::vector<common::SocketAddress> notify_source;  // at most one per family; port 0 = any
  uint64_t epoch_max_step = 1000;             // largest raise of the _sentinel epoch at once
  std::vector<std::string> epoch_override_keys;  // may set any _sentinel epoch (break-glass)
  // Replication of client updates between the nodes (docs/dnsd.md "One zone on every
  // node"); off while `replicas` is empty.
  std::vector<Replica> replicas;               // every node, this one included
  std::string update_primary;                  // a replicas name
  std::vector<std::string> replicated_update_keys;  // lowercase absolute key names
  std::string replication_key;                 // lowercase absolute key name; "" = none
  bool replication_ack_all = false;            // replication_ack = "all" (else "majority")
  common::Millis replication_timeout{2000};
  int line = 0;                     // line of the [[zone]] table in the config, for messages
};

struct RrlConfig {
  uint32_t responses_per_second = 0;  // 0 = off
  uint32_t slip = 2;
};

struct MetricsConfig {
  // default 127.0.0.1:9153; "" = off
  std::optional<common::SocketAddress> listen = common::parse_socket_address("127.0.0.1:9153");
};

struct ControlConfig {
  // The dnsdctl socket: "" = <server.state_dir>/control.sock, "off" = none, else a resolved
  // absolute path. Use control_socket_path() for the effective one.
  std::string socket;
};

struct LogConfig {
  std::string level = "info";
  std::string format = "auto";  // see common::valid_log_format
  bool queries = false;
  unsigned queries_per_second = 100;  // cap on query log lines; the rest are counted
};

struct Config {
  std::string path;  // the config file as given
  ServerConfig server;
  NodeConfig node;
  std::vector<ZoneConfig> zones;
  std::vector<common::TsigKey> keys;
  RrlConfig rrl;
  MetricsConfig metrics;
  ControlConfig control;
  LogConfig log;

  const common::TsigKey* find_key(std::string_view name) const;
};

// Where dnsd listens for dnsdctl: "" when [control] socket = "off".
std::string control_socket_path(const Config& config);

// The key table behind this (types, defaults, ranges, reload behaviour, docs) is in
// config_schema.h; restart_only_changes() there tells a reload what it cannot apply.
// Reads and validates the file. On any error returns nullopt with every problem in `errors`
// (each as file:line: key = value: reason). Does not read zone files.
std::optional<Config> load_config(const std::string& path, common::ErrorList& errors);

}  // namespace dnsd::config
