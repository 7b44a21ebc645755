// Replication decisions.
#include "dnsd/replication/replica_plan.h"

namespace dnsd::replication {

ReplicaPlan plan_for_replica(const std::optional<Marker>& replica, uint64_t last_seq, const MarkerAt& marker_at) {
  uint64_t seq = replica ? replica->seq : 0;
  if (seq > last_seq)
    return {ReplicaAction::Diverged, 0,
            "it is at seq " + std::to_string(seq) + ", past the primary's last entry " + std::to_string(last_seq)};
  auto held = marker_at(seq);
  if (!held)
    return {ReplicaAction::Diverged, 0, "the primary's log does not hold seq " + std::to_string(seq)};
  if (*held != replica)
    return {ReplicaAction::Diverged, 0,
            "its marker \"" + (replica ? format_marker(*replica) : std::string("(none)")) +
                "\" is not the primary's entry " + std::to_string(seq) + " \"" +
                (*held ? format_marker(**held) : std::string("(none)")) + "\""};
  if (seq == last_seq) return {ReplicaAction::InStep, 0, ""};
  return {ReplicaAction::Send, seq + 1, ""};
}

size_t acks_needed(size_t nodes, bool all) { return all ? nodes : nodes / 2 + 1; }

size_t acks_for(uint64_t seq, const std::vector<uint64_t>& others_acked) {
  size_t n = 1;
  for (uint64_t a : others_acked)
    if (a >= seq) ++n;
  return n;
}

}  // namespace dnsd::replication
