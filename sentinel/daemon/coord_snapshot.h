// What one read of the whole etcd prefix says, parsed and checked: the leader record,
// every live sentinel's opinions, the cluster state, the queued requests, and every piece
// of data this sentinel cannot use (a fault: logged, never acted on). Pure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sentinel/cluster/quorum.h"
#include "sentinel/coord/etcd_client.h"

namespace sentinel::daemon {

// A promote / drain / undrain accepted by any sentinel, queued in etcd for the leader.
struct CoordRequest {
  std::string key;  // <prefix>requests/<from>-<ms>-<n>
  std::string verb;
  std::string node;
  std::string from;
};

struct PrefixView {
  std::string leader;           // the leader record's sentinel id; "?" when unreadable
  int64_t leader_since_ms = 0;
  std::string leader_api;
  bool leader_is_mine = false;  // this id, under this sentinel's current lease
  int64_t leader_create_revision = 0;
  std::vector<cluster::Opinion> opinions;
  std::optional<std::string> state_text;
  int64_t state_revision = 0;
  std::vector<CoordRequest> requests;
  std::vector<std::string> faults;  // "<key>: what was wrong"
};

struct PrefixContext {
  const std::string& prefix;
  const std::string& my_id;
  int64_t my_lease;  // 0 = none
  const std::vector<std::string>& sentinels;
  const std::vector<std::string>& nodes;
};

PrefixView parse_prefix(const std::vector<coord::EtcdKv>& kvs, const PrefixContext& ctx);

}  // namespace sentinel::daemon
