#include "sentinel/cli/drain_wait.h"

#include <algorithm>
#include <cctype>

namespace sentinel::cli {
namespace {

std::string canonical(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace

DelegationView delegation_names(const nlohmann::json& status, const std::string& ns) {
  if (!status.is_object()) return DelegationView::Unknown;
  auto d = status.find("delegation");
  if (d == status.end() || !d->is_object()) return DelegationView::Unknown;
  auto names = d->find("ns");
  if (names == d->end() || !names->is_array()) return DelegationView::Unknown;
  std::string want = canonical(ns);
  for (const auto& n : *names)
    if (n.is_string() && canonical(n.get<std::string>()) == want) return DelegationView::Names;
  return DelegationView::Gone;
}

uint32_t resolver_settle_seconds(uint32_t ns_ttl) {
  constexpr uint32_t kKnotResolverMinTtl = 5;
  return std::max(ns_ttl, kKnotResolverMinTtl) + 1;
}

}  // namespace sentinel::cli
