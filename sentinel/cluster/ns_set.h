// Which NS names the zone is delegated to while nodes come and go (docs/sentinel.md "The
// apex NS set"): one rule for the zone's own apex NS set and for the parent's delegation,
// so the two never disagree. Pure: names and nodes in, names out.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sentinel::cluster {

// A node that has an NS name ([[node]] ns); names are absolute and lowercase.
struct NsNode {
  std::string node;  // the [[node]] name
  std::string ns;    // "lb1.api.example.com."
  int priority = 0;
  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
};

// The NS names of the nodes in service, by priority (then name). Rule: a node out of
// service leaves the set, but the set never shrinks below two names nor empties: when
// fewer than two nodes serve, the best others (by priority) fill it up to two. Empty
// only when `nodes` is.
std::vector<std::string> pick_ns_set(const std::vector<NsNode>& nodes,
                                     const std::set<std::string>& in_service);

// What the parent zone should hold for the child: the NS names pick_ns_set chooses and,
// when `with_glue`, the glue addresses of those of them that are in-domain (at or below
// the child zone, RFC 9471: a resolver cannot find their addresses without it). Names
// outside the child zone get none: their addresses are ordinary data of another zone.
struct Delegation {
  std::vector<std::string> ns;  // sorted
  std::map<std::string, std::vector<std::string>> a;     // NS name -> IPv4 glue, sorted
  std::map<std::string, std::vector<std::string>> aaaa;  // NS name -> IPv6 glue, sorted
  bool operator==(const Delegation&) const = default;
};
Delegation pick_delegation(const std::vector<NsNode>& nodes, const std::set<std::string>& in_service,
                           const std::string& child_zone, bool with_glue);

// Whether `name` is `zone` or below it (both absolute, lowercase).
bool in_domain(const std::string& name, const std::string& zone);

}  // namespace sentinel::cluster
