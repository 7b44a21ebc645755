// The reload decision: which keys differ, which of them apply now, which wait for a
// restart, and how each node and check of the new config continues a running one.
#include "sentinel/config/config_reload.h"

#include <algorithm>
#include <set>

namespace sentinel::config {
namespace {

std::string ms(Millis m) { return std::to_string(m.count()) + "ms"; }

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += (out.size() > 1 ? ", " : "") + s;
  return out + "]";
}

bool same_timing(const ProbeTiming& a, const ProbeTiming& b) {
  return a.interval == b.interval && a.timeout == b.timeout && a.fall == b.fall &&
         a.rise == b.rise;
}

bool same_key(const dnsd::common::TsigKey& a, const dnsd::common::TsigKey& b) {
  return a.name == b.name && a.algorithm == b.algorithm && a.secret == b.secret;
}

bool same_tunnel(const TunnelConfig& a, const TunnelConfig& b) {
  return a.driver == b.driver && a.url == b.url && a.hmac_secret == b.hmac_secret &&
         a.command == b.command;
}

// The address a tcp/tls check of `n` connects to (see daemon::check_spec).
std::string first_host(const NodeConfig& n) {
  return !n.ipv4.empty() ? n.ipv4.front() : n.ipv6.empty() ? "" : n.ipv6.front();
}

// A restart-only key: the running value stays, the operator is told.
template <class T, class Show>
void keep(const char* key, T& next, const T& running, Show show, ReloadPlan& p) {
  if (next == running) return;
  p.restart.push_back(std::string(key) + " = " + show(next) +
                      " only takes effect after a restart (running " + show(running) + ")");
  next = running;
}

template <class T, class Show>
void note(const char* key, const T& next, const T& running, Show show, ReloadPlan& p) {
  if (!(next == running)) p.changes.push_back(std::string(key) + ": " + show(running) + " -> " + show(next));
}

auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
auto number = [](auto v) { return std::to_string(v); };
auto millis = [](Millis m) { return ms(m); };
auto listed = [](const std::vector<std::string>& v) { return list(v); };
auto boolean = [](bool b) { return std::string(b ? "auto" : "manual"); };

// What differs between two versions of one node, for the log; empty when nothing does.
std::vector<std::string> node_changes(const NodeConfig& a, const NodeConfig& b) {
  std::vector<std::string> out;
  if (a.ipv4 != b.ipv4 || a.ipv6 != b.ipv6) out.push_back("addresses");
  if (a.dns.to_string() != b.dns.to_string()) out.push_back("dns");
  if (a.priority != b.priority) out.push_back("priority");
  if (a.port != b.port) out.push_back("port");
  if (a.ns != b.ns) out.push_back("ns");
  if (!same_tunnel(a.tunnel, b.tunnel)) out.push_back("tunnel");
  if (!same_key(a.update_key, b.update_key)) out.push_back("update_key");
  if (a.fence != b.fence || a.fence_required != b.fence_required) out.push_back("fence");
  return out;
}

}  // namespace

bool same_probe(const NodeConfig& na, const CheckConfig& a, const NodeConfig& nb,
                const CheckConfig& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case CheckKind::Dns:
      return na.dns.to_string() == nb.dns.to_string();
    case CheckKind::Http:
      return a.url == b.url && a.expect == b.expect && a.tls_verify == b.tls_verify &&
             a.server_name == b.server_name;
    case CheckKind::Tcp:
    case CheckKind::Tls:
      return first_host(na) == first_host(nb) &&
             (a.port ? a.port : na.port) == (b.port ? b.port : nb.port) &&
             (a.kind == CheckKind::Tcp ||
              (a.tls_verify == b.tls_verify && a.server_name == b.server_name &&
               a.min_days_valid == b.min_days_valid));
  }
  return false;
}

ReloadPlan plan_reload(const SentinelConfig& running, SentinelConfig loaded,
                       const std::map<std::string, std::string>& pinned) {
  ReloadPlan p;
  SentinelConfig& n = loaded;
  keep("[sentinel] id", n.id, running.id, quoted, p);
  keep("[sentinel] state_file", n.state_file, running.state_file, quoted, p);
  std::string listen = n.api_listen.to_string();
  if (listen != running.api_listen.to_string()) {
    p.restart.push_back("[sentinel] api_listen = " + listen +
                        " only takes effect after a restart (running " +
                        running.api_listen.to_string() + ")");
    n.api_listen = running.api_listen;
  }
  keep("[sentinel] api_token_file", n.api_token_file, running.api_token_file, quoted, p);
  keep("[log] format", n.log_format, running.log_format, quoted, p);
  keep("[cluster] zone", n.zone, running.zone, quoted, p);
  keep("[cluster] master_name", n.master_name, running.master_name, quoted, p);
  keep("[cluster] pool_name", n.pool_name, running.pool_name, quoted, p);
  keep("[cluster] srv", n.srv, running.srv, listed, p);
  // A sentinel cannot leave or join the quorum's coordination while it runs.
  keep("[coordination] etcd", n.coordination.etcd, running.coordination.etcd, listed, p);
  keep("[coordination] prefix", n.coordination.prefix, running.coordination.prefix, quoted, p);
  keep("[coordination] sentinels", n.coordination.sentinels, running.coordination.sentinels,
       listed, p);
  keep("[coordination] quorum", n.coordination.quorum, running.coordination.quorum, number, p);
  keep("[coordination] lease", n.coordination.lease, running.coordination.lease, millis, p);
  if (n.coordination.enabled != running.coordination.enabled) {
    p.restart.push_back(std::string("[coordination] ") +
                        (n.coordination.enabled ? "added" : "removed") +
                        ": only takes effect after a restart");
    n.coordination.enabled = running.coordination.enabled;
  }

  note("[log] level", n.log_level, running.log_level, quoted, p);
  p.log_level_changed = n.log_level != running.log_level;
  note("[cluster] ttl", n.ttl, running.ttl, number, p);
  note("[cluster] ns_ttl", n.ns_ttl, running.ns_ttl, number, p);
  note("[cluster] failover", n.failover_auto, running.failover_auto, boolean, p);
  note("[cluster] cooldown", n.cooldown, running.cooldown, millis, p);
  note("[cluster] reconcile_interval", n.reconcile_interval, running.reconcile_interval, millis, p);
  p.reconcile_interval_changed = n.reconcile_interval != running.reconcile_interval;
  note("[cluster] driver_timeout", n.driver_timeout, running.driver_timeout, millis, p);
  note("[damping] penalty", n.damping.penalty, running.damping.penalty, number, p);
  note("[damping] suppress", n.damping.suppress, running.damping.suppress, number, p);
  note("[damping] reuse", n.damping.reuse, running.damping.reuse, number, p);
  note("[damping] half_life", n.damping.half_life, running.damping.half_life, millis, p);
  // [parent] applies at once: the next round keeps the delegation by the new settings.
  if (n.parent.enabled != running.parent.enabled)
    p.changes.push_back(std::string("[parent] ") + (n.parent.enabled ? "added" : "removed"));
  note("[parent] zone", n.parent.zone, running.parent.zone, quoted, p);
  std::vector<std::string> servers, old_servers;
  for (const auto& a : n.parent.servers) servers.push_back(a.to_string());
  for (const auto& a : running.parent.servers) old_servers.push_back(a.to_string());
  note("[parent] servers", servers, old_servers, listed, p);
  if (!same_key(n.parent.update_key, running.parent.update_key))
    p.changes.push_back("[parent] update_key");
  note("[parent] ns_ttl", n.parent.ns_ttl, running.parent.ns_ttl, number, p);
  note("[parent] glue", n.parent.glue, running.parent.glue,
       [](bool b) { return std::string(b ? "true" : "false"); }, p);

  std::set<std::string> kept;
  for (const auto& node : n.nodes) {
    NodeCarry carry;
    const NodeConfig* old = nullptr;
    for (size_t i = 0; i < running.nodes.size(); ++i)
      if (running.nodes[i].name == node.name) {
        carry.from = i;
        old = &running.nodes[i];
      }
    if (!old) p.changes.push_back("node " + node.name + " added");
    std::vector<bool> used(old ? old->checks.size() : 0, false);
    int fresh = 0, retimed = 0;
    for (const auto& ck : node.checks) {
      CheckCarry cc;
      for (size_t j = 0; old && j < old->checks.size() && !cc.from; ++j)
        if (!used[j] && same_probe(*old, old->checks[j], node, ck)) {
          used[j] = true;
          cc.from = j;
          cc.timing_changed = !same_timing(old->checks[j].timing, ck.timing);
        }
      if (old && !cc.from) fresh++;
      if (cc.timing_changed) retimed++;
      carry.checks.push_back(cc);
    }
    if (old) {
      kept.insert(node.name);
      auto what = node_changes(*old, node);
      int dropped = static_cast<int>(std::count(used.begin(), used.end(), false));
      if (fresh || dropped) what.push_back("checks (" + std::to_string(fresh) + " new, " +
                                           std::to_string(dropped) + " dropped)");
      if (retimed) what.push_back("timing of " + std::to_string(retimed) + " check(s)");
      if (!what.empty()) p.changes.push_back("node " + node.name + " changed: " + list(what));
    }
    p.nodes.push_back(std::move(carry));
  }
  for (const auto& old : running.nodes) {
    if (kept.count(old.name)) continue;
    auto why = pinned.find(old.name);
    if (why != pinned.end()) {
      p.refused.push_back("node " + old.name + " cannot be removed: " + why->second);
      continue;
    }
    p.removed.push_back(old.name);
    p.changes.push_back("node " + old.name + " removed");
  }
  p.next = std::move(n);
  return p;
}

}  // namespace sentinel::config
