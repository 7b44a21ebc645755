// The parent zone's delegation of the zone ([parent], docs/sentinel.md "The apex NS set"):
// what it should be (the apex NS set's own rule, cluster::pick_delegation), how the parent's
// primary serves it (read back from the referral), and the one RFC 2136 update that brings
// it there: adds first, then deletes one record at a time, so it never empties.
#pragma once
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/tsig_key.h"
#include "sentinel/cluster/ns_set.h"
#include "sentinel/config/sentinel_config.h"

namespace sentinel::records {

// The delegation for `in_service`, glue canonical (as ldns prints it, so it compares with
// what is read back). `owned` (below) says which NS names are sentinel's to delete.
cluster::Delegation desired_delegation(const config::SentinelConfig& c,
                                       const std::set<std::string>& in_service);

// How the parent serves the delegation.
struct DelegationReadout {
  bool ok = false;
  std::string error;
  std::string rcode;                  // of the answer, "NOERROR" when ok
  std::vector<std::string> ns;        // every NS name of the zone it serves, sorted
  std::vector<uint32_t> ns_ttls;      // their TTLs, in the same order
  std::map<std::string, std::vector<std::string>> a, aaaa;  // glue it sends along, sorted
  std::map<std::string, uint32_t> glue_ttls;               // "name A" / "name AAAA" -> TTL
};

// Asks `server` for `child_zone` NS (no RD): the NS records from the answer (a parent that
// is also authoritative for the child) or the authority section (a referral), the glue
// from the additional section.
DelegationReadout read_delegation(const dnsd::common::SocketAddress& server,
                                  const std::string& child_zone, std::chrono::milliseconds timeout);
// Parses one response (exposed for tests).
DelegationReadout parse_delegation(const std::vector<uint8_t>& response, const std::string& child_zone);

// True when `r` serves `want`: of the `owned` NS names exactly want.ns, with `ttl`, and (when
// `glue`) for each of them in `child_zone` exactly its glue, with `ttl`. Names not owned are
// not ours, nor the addresses of names outside the zone (the parent's own data).
bool delegation_in_sync(const DelegationReadout& r, const cluster::Delegation& want,
                        const std::vector<std::string>& owned, const std::string& child_zone,
                        uint32_t ttl, bool glue);

// The signed update (no prerequisite: every add and per-record delete is idempotent, and
// each message leaves at least its own NS set in place whatever ran before it). Update
// section, in order: the NS of `want` (with `ttl`), their glue; then the owned NS not in
// `want`, one record each (class NONE); the glue `have` shows that is not wanted, one record
// each; the whole A/AAAA of owned in-domain names that left (glue of a name no longer
// delegated to). Empty with `error` set when a record does not parse.
std::vector<uint8_t> build_delegation_update(const dnsd::common::TsigKey& key,
                                             const std::string& parent_zone,
                                             const std::string& child_zone,
                                             const cluster::Delegation& want,
                                             const std::vector<std::string>& owned,
                                             const DelegationReadout& have, uint32_t ttl,
                                             bool glue, std::string& error);

struct DelegationOutcome {
  enum class Status : uint8_t { Updated, InSync, Refused, Unreachable, Failed };
  Status status = Status::Unreachable;
  std::string detail;
  std::string rcode;   // the parent's answer to the update: REFUSED, NOTAUTH, BADKEY, ...
  std::string server;  // the one that answered
  DelegationReadout readback;  // after the update (or the one read before, when in sync)
  bool in_sync = false;        // the read-back matched `want`
  std::vector<std::string> want;  // the NS names it was to serve
};
const char* delegation_status_name(DelegationOutcome::Status s);

// Reads the delegation from the first of p.servers that answers; when it differs from
// `want`, sends the update there and reads it back. Never throws; every failure is an outcome.
DelegationOutcome push_delegation(const config::ParentConfig& p, const std::string& child_zone,
                                  const cluster::Delegation& want,
                                  const std::vector<std::string>& owned,
                                  std::chrono::milliseconds timeout);

}  // namespace sentinel::records
