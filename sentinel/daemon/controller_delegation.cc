// The parent's delegation ([parent]): kept after every push of the apex NS set, retried
// by every reconcile round until the parent serves it; refusals logged and counted.
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "sentinel/daemon/controller.h"

namespace sentinel::daemon {
using nlohmann::json;

std::optional<records::DelegationOutcome> Controller::sync_delegation(
    const std::set<std::string>& in_service) const {
  if (!c_.parent.enabled) return std::nullopt;
  auto want = records::desired_delegation(c_, in_service);
  // Sentinel's NS names: the nodes' and those a reload took away (to be deleted).
  std::vector<std::string> owned(removed_ns_.begin(), removed_ns_.end());
  for (const auto& n : c_.nodes)
    if (!n.ns.empty()) owned.push_back(n.ns);
  std::sort(owned.begin(), owned.end());
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
  auto out = records::push_delegation(c_.parent, c_.zone, want, owned, dns_timeout(c_));
  out.want = want.ns;
  return out;
}

void Controller::note_delegation(const std::optional<records::DelegationOutcome>& d) {
  if (!d) return;
  using S = records::DelegationOutcome::Status;
  std::string ns;
  for (const auto& n : d->want) ns += (ns.empty() ? "" : " ") + n;
  switch (d->status) {
    case S::Updated:
      parent_updates_++;
      note("+delegation", "", "parent " + c_.parent.zone + " delegates to " + ns +
                                  (d->in_sync ? "" : " (read-back differs, retried)"));
      break;
    case S::Refused:
      parent_refusals_[d->rcode]++;
      break;
    case S::Unreachable:
    case S::Failed:
    case S::InSync:
      break;
  }
  // A problem is logged as a warning when it starts or changes, then at debug level each
  // round it is retried (every reconcile_interval), so the log says it once, not forever.
  std::string problem;
  if (d->status == S::Refused)
    problem = fmt::format("parent {}: {} (the delegation is left as it is, retried every round; "
                          "does it accept [parent] update_key {} for {}?)",
                          c_.parent.zone, d->detail, c_.parent.update_key.name, c_.zone);
  else if (d->status == S::Unreachable || d->status == S::Failed)
    problem = fmt::format("parent {}: delegation not updated: {} (retried every round)",
                          c_.parent.zone, d->detail);
  if (problem.empty() && !parent_problem_.empty())
    spdlog::warn("parent {}: the delegation is {} again", c_.parent.zone,
                 d->in_sync ? "in sync" : "updated");
  else if (!problem.empty() && problem != parent_problem_)
    spdlog::warn("{}", problem);
  else if (!problem.empty())
    spdlog::debug("{}", problem);
  parent_problem_ = problem;
  delegation_ = d;
}

json Controller::delegation_json() const {
  if (!c_.parent.enabled) return nullptr;
  json out = {{"zone", c_.parent.zone}, {"ns", nullptr}, {"glue", json::object()},
              {"want", json::array()}, {"status", nullptr}, {"in_sync", false},
              {"server", nullptr}, {"detail", nullptr}, {"rcode", nullptr}};
  if (!delegation_) return out;
  const auto& d = *delegation_;
  out["want"] = d.want;
  out["status"] = records::delegation_status_name(d.status);
  out["in_sync"] = d.in_sync;
  out["server"] = d.server;
  out["detail"] = d.detail;
  if (!d.rcode.empty()) out["rcode"] = d.rcode;
  if (d.readback.ok) {
    out["ns"] = d.readback.ns;
    for (bool v4 : {true, false})
      for (const auto& [name, addrs] : v4 ? d.readback.a : d.readback.aaaa)
        for (const auto& a : addrs) out["glue"][name].push_back(a);
  }
  return out;
}

}  // namespace sentinel::daemon
