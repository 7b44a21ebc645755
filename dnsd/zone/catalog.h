// Everything one query needs, immutable: the served zones plus the server-wide answer
// settings (identity, UDP payload, cookie secrets). Replaced as a whole on reload or update.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/cookie_secret.h"
#include "dnsd/common/duration.h"
#include "dnsd/common/tsig_key.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::zone {

// How a zone's replicated updates travel between the nodes (config::ZoneConfig replicas..).
struct ReplicationSpec {
  struct Node {
    std::string name;
    common::SocketAddress address;
  };
  std::vector<Node> nodes;         // every node, this one included; empty = off
  std::string self;                // this node's name ([node] name)
  std::string primary;             // update_primary
  std::vector<std::string> keys;   // replicated_update_keys, lowercase wire
  std::string key;                 // replication_key, lowercase wire
  bool ack_all = false;
  common::Millis timeout{2000};

  bool enabled() const { return !nodes.empty(); }
  bool is_primary() const { return enabled() && self == primary; }
  const Node* node(const std::string& name) const {
    for (const auto& n : nodes)
      if (n.name == name) return &n;
    return nullptr;
  }
  bool operator==(const ReplicationSpec& o) const {
    if (nodes.size() != o.nodes.size()) return false;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].name != o.nodes[i].name || nodes[i].address.to_string() != o.nodes[i].address.to_string())
        return false;
    return self == o.self && primary == o.primary && keys == o.keys && key == o.key &&
           ack_all == o.ack_all && timeout == o.timeout;
  }
};

struct ZoneEntry {
  std::shared_ptr<const ZoneSnapshot> snapshot;
  std::string file;         // master file, for messages
  SelfSpec self;            // kept so an update can recompile the zone
  std::vector<std::string> update_keys;    // lowercase absolute key names
  std::vector<std::string> transfer_keys;
  std::vector<common::SocketAddress> notify;  // secondaries to NOTIFY after a change
  std::vector<common::SocketAddress> notify_source;  // [[zone]] notify_source, as configured
  uint64_t epoch_max_step = 1000;             // see update::EpochPolicy
  std::vector<std::string> epoch_override_keys;  // lowercase absolute key names
  ReplicationSpec replication;
  uint16_t stats_slot = 0;  // its per-zone query counters (zone::StatsSlots); 0 = none
};

class Catalog {
 public:
  std::vector<ZoneEntry> zones;
  std::string identity;        // NSID and CH TXT id.server; empty = off
  uint16_t udp_payload = 1232;
  std::vector<common::TsigKey> keys;  // every [[key]], for TSIG on the slow path
  common::CookieSecrets cookies;      // DNS cookie secrets (RFC 9018); none = cookies off

  // The zone with the longest apex that `qname` (lowercase) is at or below, or nullptr.
  const ZoneSnapshot* find_zone(const wire::NameBuf& qname) const noexcept {
    int i = find_zone_index(qname);
    return i < 0 ? nullptr : zones[static_cast<size_t>(i)].snapshot.get();
  }
  // The same zone as its index in `zones`, or -1.
  int find_zone_index(const wire::NameBuf& qname) const noexcept {
    int best = -1;
    unsigned best_labels = 0;
    for (size_t i = 0; i < zones.size(); ++i) {
      const ZoneSnapshot& z = *zones[i].snapshot;
      unsigned zl = z.apex_labels();
      if (zl > qname.labels || (best >= 0 && zl <= best_labels)) continue;
      if (qname.suffix(qname.labels - zl) == z.apex()) {
        best = static_cast<int>(i);
        best_labels = zl;
      }
    }
    return best;
  }
};

}  // namespace dnsd::zone
