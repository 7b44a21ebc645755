// The NS set rule shared by the apex NS set and the parent's delegation.
#include "sentinel/cluster/ns_set.h"

#include <algorithm>

namespace sentinel::cluster {

std::vector<std::string> pick_ns_set(const std::vector<NsNode>& nodes,
                                     const std::set<std::string>& in_service) {
  std::vector<const NsNode*> order;
  for (const auto& n : nodes) order.push_back(&n);
  std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) {
    bool sa = in_service.count(a->node) > 0, sb = in_service.count(b->node) > 0;
    if (sa != sb) return sa;  // in service first, then the best of the others
    return a->priority != b->priority ? a->priority < b->priority : a->node < b->node;
  });
  std::vector<std::string> out;
  for (const auto* n : order) {
    bool serving = in_service.count(n->node) > 0;
    if (!serving && out.size() >= 2) break;  // enough: the out-of-service ones leave
    if (std::find(out.begin(), out.end(), n->ns) == out.end()) out.push_back(n->ns);
  }
  return out;
}

bool in_domain(const std::string& name, const std::string& zone) {
  if (name == zone) return true;
  return name.size() > zone.size() && name.compare(name.size() - zone.size(), zone.size(), zone) == 0 &&
         name[name.size() - zone.size() - 1] == '.';
}

Delegation pick_delegation(const std::vector<NsNode>& nodes, const std::set<std::string>& in_service,
                           const std::string& child_zone, bool with_glue) {
  Delegation d;
  d.ns = pick_ns_set(nodes, in_service);
  std::sort(d.ns.begin(), d.ns.end());
  if (!with_glue) return d;
  for (const auto& n : nodes) {
    // Glue only for the names in the set (one left is no longer a server of the child)
    // and only for in-domain ones.
    if (!std::binary_search(d.ns.begin(), d.ns.end(), n.ns) || !in_domain(n.ns, child_zone))
      continue;
    auto add = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
      to.insert(to.end(), from.begin(), from.end());
      std::sort(to.begin(), to.end());
      to.erase(std::unique(to.begin(), to.end()), to.end());
    };
    if (!n.ipv4.empty()) add(d.a[n.ns], n.ipv4);
    if (!n.ipv6.empty()) add(d.aaaa[n.ns], n.ipv6);
  }
  return d;
}

}  // namespace sentinel::cluster
