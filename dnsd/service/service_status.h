// What the zone service holds and has done, for /metrics and dnsdctl. The service thread
// (and the NOTIFY thread) write it under a mutex, any thread reads a copy through
// ZoneService::status(): the query path never touches it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::service {

struct ZoneStatus {
  std::string name;         // text, absolute ("api.example.test.")
  std::string file;         // the operator's zone file
  uint32_t serial = 0;      // SOA serial being served
  int64_t last_change = 0;  // unix seconds: the served content last changed (load or update)
  uint64_t names = 0;       // owner names in the zone content (self names not counted)
  std::string journal_path;
  uint64_t journal_entries = 0;
  uint64_t journal_bytes = 0;
  bool journal_trusted = true;
  std::string journal_untrusted_reason;  // why updates get SERVFAIL (empty when trusted)
  uint64_t compactions = 0;              // since start
  uint64_t compaction_failures = 0;
  // Replication (docs/dnsd.md "One zone on every node"); role "" when it is off.
  std::string replication_role;       // "primary" | "replica"
  std::string replication_primary;    // the update_primary name
  uint64_t replication_seq = 0;       // last entry in this node's replication log
  struct Replica {
    std::string name, address, problem;
    uint64_t seq = 0;
    bool known = false, in_step = false, reachable = true, diverged = false;
    bool serial_known = false;
    uint32_t serial = 0;  // its SOA serial when its marker was last read
  };
  std::vector<Replica> replicas;      // on the primary: every other node
  uint64_t replication_divergences = 0;
  uint64_t replication_repairs = 0;   // diverged nodes repaired by the primary
};

// Counters since start. Update results are counted by response rcode (RFC 1035 / 2136 /
// 8945 codes 0..23; 24 = anything else).
struct ServiceCounters {
  static constexpr int kRcodes = 25;
  uint64_t updates_by_rcode[kRcodes] = {};
  uint64_t axfr = 0, ixfr = 0, ixfr_full = 0, transfers_refused = 0;
  uint64_t notify_acked = 0, notify_failed = 0;  // NOTIFY jobs (a target, a serial) done
  uint64_t reloads_ok = 0, reloads_failed = 0;
  uint64_t updates_forwarded = 0, forward_failures = 0, forwarding_loops = 0;
  int64_t last_reload = 0;      // unix seconds of the last reload attempt (0 = none)
  bool last_reload_ok = true;
  int64_t started = 0;          // unix seconds
};

struct ServiceStatus {
  std::vector<ZoneStatus> zones;
  ServiceCounters counters;
};

}  // namespace dnsd::service
