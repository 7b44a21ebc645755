// The stop_grace window's early end (stop_leave.h has the rule and why).
#include "dnsd/service/stop_leave.h"

#include <algorithm>
#include <cstring>

#include "dnsd/wire/name.h"
#include "dnsd/zone/catalog.h"
#include "dnsd/zone/zone_snapshot.h"

namespace dnsd::service {
namespace {

constexpr uint16_t kA = 1, kNs = 2, kAaaa = 28;
constexpr int64_t kMargin = 1000;  // ms: a fetch just before the push, clock granularity

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// The wire name without its first label ("" for the root).
std::string_view parent_of(std::string_view wire) {
  if (wire.empty() || wire[0] == 0) return {};
  size_t skip = 1 + static_cast<uint8_t>(wire[0]);
  return skip <= wire.size() ? wire.substr(skip) : std::string_view{};
}

bool in_zone(std::string_view name, std::string_view apex) {
  if (name.size() < apex.size() || name.substr(name.size() - apex.size()) != apex) return false;
  // On a label boundary: walk the labels of `name` until what is left is as long as apex.
  size_t p = 0;
  while (p < name.size() && name.size() - p > apex.size()) p += 1 + static_cast<uint8_t>(name[p]);
  return name.size() - p == apex.size();
}

bool has_node_address(const zone::SelfSpec& self, const zone::NodeContent& nc) {
  if (auto it = nc.find(kA); it != nc.end())
    for (const auto& rd : it->second.rdatas)
      for (const auto& a : self.ipv4)
        if (rd.size() == sizeof a && std::memcmp(rd.data(), &a, sizeof a) == 0) return true;
  if (auto it = nc.find(kAaaa); it != nc.end())
    for (const auto& rd : it->second.rdatas)
      for (const auto& a : self.ipv6)
        if (rd.size() == sizeof a && std::memcmp(rd.data(), &a, sizeof a) == 0) return true;
  return false;
}

bool target_names_node(const zone::ZoneSnapshot& z, const zone::SelfSpec& self,
                       const std::string& target) {
  if (!in_zone(target, z.apex())) return false;
  bool self_addresses = !self.ipv4.empty() || !self.ipv6.empty();
  if (self.is_owner(target)) return self_addresses;
  zone::NodeContent nc;
  if (z.node_content(target, nc)) return has_node_address(self, nc);
  // No data of its own: a self wildcard one label up answers it with the node's addresses.
  if (z.find(target) != nullptr) return false;
  std::string wildcard = std::string("\1*").append(parent_of(target));
  return self_addresses && self.is_owner(wildcard);
}

std::string seconds(int64_t ms) {
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

NsView read_apex_ns(const zone::ZoneSnapshot& z, const std::vector<std::string>& ns_names) {
  NsView v;
  v.zone = wire::name_to_text(z.apex());
  const auto* apex = z.apex_node();
  const auto* ns = apex ? zone::ZoneSnapshot::rrset(*apex, kNs) : nullptr;
  if (!ns || !z.self()) return v;
  v.ttl = ns->ttl;
  for (const std::string& rd : zone::ZoneSnapshot::rdatas(*ns)) {
    std::string target = lower(rd);
    bool names = ns_names.empty()
                     ? target_names_node(z, *z.self(), target)
                     : std::find(ns_names.begin(), ns_names.end(), lower(wire::name_to_text(target))) !=
                           ns_names.end();
    if (names) v.names_node = true;
  }
  return v;
}

std::vector<NsView> ns_views(const zone::Catalog& c, const std::vector<std::string>& ns_names) {
  std::vector<NsView> out;
  for (const auto& e : c.zones)
    if (e.snapshot && e.snapshot->self() && !e.snapshot->self()->owners.empty())
      out.push_back(read_apex_ns(*e.snapshot, ns_names));
  return out;
}

StopLeave begin_stop_leave(int64_t now, int64_t stop_grace, int64_t min_wait,
                           const std::vector<NsView>& views, bool own_names_known) {
  StopLeave s;
  s.grace_start = now;
  s.stop_grace = stop_grace;
  s.min_wait = min_wait;
  for (const auto& v : views) {
    StopLeaveZone z;
    z.zone = v.zone;
    z.named_at_start = v.names_node;
    z.followed = v.names_node || own_names_known;
    // Not named at the stop with known names: out already, since before the signal.
    z.ttl_while_named = v.ttl;
    if (!v.names_node) z.unnamed_since = now;
    s.zones.push_back(std::move(z));
  }
  return s;
}

void observe(StopLeave& s, const std::vector<NsView>& views, int64_t now) {
  for (auto& z : s.zones) {
    auto v = std::find_if(views.begin(), views.end(), [&](const NsView& x) { return x.zone == z.zone; });
    if (v == views.end() || !z.followed) continue;
    if (v->names_node) {
      // Named (again): a resolver may cache this copy, with this TTL.
      z.unnamed_since.reset();
      z.ttl_while_named = std::max(z.ttl_while_named, v->ttl);
    } else if (!z.unnamed_since) {
      z.unnamed_since = now;
    }
  }
}

StopVerdict decide(const StopLeave& s, int64_t now) {
  StopVerdict out;
  const int64_t grace_end = s.grace_start + s.stop_grace;
  // Early only when every zone with self names is followed and none names the node now. A
  // zone that did not name it at the stop, without [node] ns, may still send resolvers here
  // by a name dnsd cannot see (an out-of-zone NS target): it keeps the full window.
  bool early = !s.zones.empty();
  int64_t early_at = 0;
  const StopLeaveZone* last = nullptr;
  std::string blocker;
  for (const auto& z : s.zones) {
    if (!z.followed) {
      early = false;
      if (blocker.empty()) blocker = "not in " + z.zone + "'s NS set at the stop";
      continue;
    }
    if (!z.unnamed_since) {
      early = false;
      if (blocker.empty()) blocker = "still in " + z.zone + "'s NS set";
      continue;
    }
    // The set a resolver may hold lives max(its TTL, Knot Resolver's minimum) after the
    // change dnsd saw (the push that made it), plus the margin.
    int64_t at = *z.unnamed_since +
                 std::max<int64_t>(int64_t{z.ttl_while_named} * 1000, s.min_wait) + kMargin;
    if (!last || at > early_at) {
      early_at = at;
      last = &z;
    }
  }
  if (s.zones.empty()) blocker = "no zone with self names";
  if (early && early_at < grace_end) {
    out.exit_at = early_at;
    out.exit = now >= early_at;
    out.why = "left after " + std::to_string(now - s.grace_start) + " ms: no longer in " +
              last->zone + "'s NS set since " +
              std::to_string(*last->unnamed_since - s.grace_start) +
              " ms into the window (NS TTL " + seconds(int64_t{last->ttl_while_named} * 1000) +
              ": waited max(" + seconds(int64_t{last->ttl_while_named} * 1000) + ", " +
              seconds(s.min_wait) + ") + 1 s)";
    if (s.zones.size() > 1)
      out.why += ", nor in the NS set of the " + std::to_string(s.zones.size() - 1) + " other zone(s)";
    return out;
  }
  out.exit_at = grace_end;
  out.exit = now >= grace_end;
  out.why = "stop_grace ended after " + std::to_string(now - s.grace_start) + " ms (" +
            (early ? std::string("left the NS set too late to stop earlier") : blocker) + ")";
  return out;
}

}  // namespace dnsd::service
