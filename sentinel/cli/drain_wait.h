// `sentinel drain NODE --wait`: with [parent], wait until the parent no longer names the
// node and resolvers have dropped the NS set that did, so its dnsd can stop without any
// resolver still trying its address afterwards (docs/operations.md "Maintenance": Knot
// Resolver keeps exploring every address of the NS set it holds, 40 ms each on a gone one).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace sentinel::cli {

enum class DelegationView {
  Names,    // the parent's delegation, as last read back, still names the node
  Gone,     // it was read back and does not
  Unknown,  // no read-back yet, or no delegation in the status (no [parent])
};

// From GET /v1/status: does the "delegation" read back from the parent name `ns` (any case,
// with or without the final dot)?
DelegationView delegation_names(const nlohmann::json& status, const std::string& ns);

// Seconds to wait once the parent no longer names the node: the old NS set's TTL, but at
// least 5 s (Knot Resolver's default cache.min_ttl raises shorter TTLs to that), plus 1 s
// for a resolver that fetched the old set just before the change.
uint32_t resolver_settle_seconds(uint32_t ns_ttl);

}  // namespace sentinel::cli
