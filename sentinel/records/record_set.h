// The records sentinel owns in the zone, as owner/type -> rdata texts; what they should be
// for a cluster state (docs/sentinel.md "Records it owns"), and the diff between two sets.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sentinel/cluster/cluster_state.h"
#include "sentinel/cluster/ns_set.h"
#include "sentinel/config/sentinel_config.h"

struct ldns_struct_rr;

namespace sentinel::records {

// Owner names are absolute and lowercase ("master.api.example.com."); types are "A",
// "AAAA", "SRV", "TXT", "NS". An empty rdata list means "this RRset must not exist".
struct RecordSet {
  using Key = std::pair<std::string, std::string>;  // owner, type
  uint32_t ttl = 30;
  std::map<Key, std::vector<std::string>> rrsets;
  // RRsets with a TTL of their own (the apex NS set, [cluster] ns_ttl); the others use `ttl`.
  std::map<Key, uint32_t> ttls;
  // RRsets sentinel shares with the zone file (the apex NS set): only the rdatas listed
  // here are its own. It adds and deletes those one record at a time (RFC 2136 2.5.4) and
  // never touches the others; `rrsets` then holds the owned rdatas that must be served.
  std::map<Key, std::vector<std::string>> shared;
  // The RRsets that say which node is master (master A/AAAA, the SRV sets, `_sentinel`):
  // never published apart. An update split into several messages carries them all in its
  // last one (update_plan.h). Not content: operator== leaves it out.
  std::set<Key> master_rrsets;

  uint32_t ttl_of(const Key& k) const {
    auto it = ttls.find(k);
    return it == ttls.end() ? ttl : it->second;
  }
  bool operator==(const RecordSet& o) const {
    return ttl == o.ttl && rrsets == o.rrsets && ttls == o.ttls && shared == o.shared;
  }
};

// The `_sentinel` TXT strings: "epoch=7" "master=lb2" "by=s1" "drained=lb3,lb4".
std::vector<std::string> sentinel_txt(uint64_t epoch, const std::string& master,
                                      const std::string& by, const std::set<std::string>& drained);
// The epoch in a `_sentinel` TXT rdata text ("\"epoch=7\" \"master=lb2\" ..."), 0 if none.
uint64_t epoch_of_txt(const std::string& rdata_text);
std::string master_of_txt(const std::string& rdata_text);

// What the records should be. `in_service` are the nodes that may carry traffic. When it
// is empty the SRV and pool RRsets are left out (never publish an empty answer: whatever
// was last published stays). The apex NS set (nodes with an `ns` name) is apex_ns_names.
RecordSet desired_records(const config::SentinelConfig& c, const cluster::ClusterState& s,
                          const std::set<std::string>& in_service);

// The nodes that have an `ns` name, as the NS set rule (cluster/ns_set.h) takes them.
std::vector<cluster::NsNode> ns_nodes(const config::SentinelConfig& c);

// The NS names of the apex NS set: cluster::pick_ns_set of ns_nodes(c) (those of the nodes
// in service, by priority; never below two nor empty). Empty when no node has an `ns` name.
std::vector<std::string> apex_ns_names(const config::SentinelConfig& c,
                                       const std::set<std::string>& in_service);

// Canonical rdata text (as ldns prints it, lowercase names) so that records read back
// from a dnsd compare equal to the ones we built. Returns nullopt when ldns rejects it.
std::optional<std::string> canonical_rdata(const std::string& owner, const std::string& type,
                                           const std::string& rdata);
RecordSet canonicalize(const RecordSet& in);
// The canonical rdata text of one RR read from the wire.
std::string rdata_text(const ldns_struct_rr* rr);
// Its owner name as ldns prints it ("_sentinel.api.example.com."), lowercased.
std::string owner_text(const ldns_struct_rr* rr);

// "+ master.api.example.com. 30 A 127.0.0.12" / "- ..." lines, sorted, from -> to.
std::vector<std::string> diff_records(const RecordSet& from, const RecordSet& to);

}  // namespace sentinel::records
