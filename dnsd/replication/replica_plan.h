// The pure decisions of replication: what the primary sends a replica next, given the
// marker the replica serves; and how many nodes must hold an entry before the client is
// told NOERROR.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/replication/replication_marker.h"

namespace dnsd::replication {

enum class ReplicaAction : uint8_t {
  InStep,    // it holds every entry the primary has
  Send,      // send entry `send_seq` next
  Diverged,  // its marker is not in the primary's history (see `reason`)
};

struct ReplicaPlan {
  ReplicaAction action = ReplicaAction::InStep;
  uint64_t send_seq = 0;
  std::string reason;
  bool operator==(const ReplicaPlan&) const = default;
};

// `marker_at(k)`: the marker entry k of the primary's log left (nullopt inside: k = 0,
// none), or nullopt when the log does not hold k. `last_seq`: the log's last entry.
using MarkerAt = std::function<std::optional<std::optional<Marker>>(uint64_t)>;
ReplicaPlan plan_for_replica(const std::optional<Marker>& replica, uint64_t last_seq, const MarkerAt& marker_at);

// Nodes (this one included) that must hold an entry: all of them, or a majority.
size_t acks_needed(size_t nodes, bool all);
// Nodes holding entry `seq`: this one plus every other whose acknowledged seq reaches it.
size_t acks_for(uint64_t seq, const std::vector<uint64_t>& others_acked);

}  // namespace dnsd::replication
