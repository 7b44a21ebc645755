// The epoch guard's decision; each rule in the order check_epoch_change() applies them.
#include "dnsd/update/epoch_guard.h"

#include <algorithm>
#include <charconv>

namespace dnsd::update {

std::optional<uint64_t> epoch_of(const std::vector<std::string>& txt_rdatas) {
  constexpr std::string_view kPrefix = "epoch=";
  for (const auto& rd : txt_rdatas) {
    for (size_t i = 0; i < rd.size();) {
      size_t len = static_cast<uint8_t>(rd[i]);
      if (i + 1 + len > rd.size()) break;  // damaged rdata: no epoch from it
      std::string_view s(rd.data() + i + 1, len);
      i += 1 + len;
      if (s.substr(0, kPrefix.size()) != kPrefix) continue;
      std::string_view digits = s.substr(kPrefix.size());
      uint64_t v = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
        return std::nullopt;
      return v;
    }
  }
  return std::nullopt;
}

EpochVerdict check_epoch_change(std::optional<uint64_t> before, std::optional<uint64_t> after,
                                std::string_view key, const EpochPolicy& policy) {
  // No change of the epoch: nothing to guard (sentinel republishes within an epoch).
  if (before == after) return {};
  std::string what;
  if (!before) {
    // A node that never had an epoch takes the first one it is given (a new node).
    return {};
  }
  if (!after) {
    what = "would remove the _sentinel epoch " + std::to_string(*before);
  } else if (*after < *before) {
    what = "would lower the _sentinel epoch from " + std::to_string(*before) + " to " +
           std::to_string(*after) + " (an old decision replayed?)";
  } else if (*after - *before > policy.max_step) {
    what = "would raise the _sentinel epoch from " + std::to_string(*before) + " to " +
           std::to_string(*after) + ", more than epoch_max_step = " +
           std::to_string(policy.max_step) + " at once (it would fence sentinel off this node)";
  } else {
    return {};  // a plausible raise: sentinel's next decision
  }
  // The operator's break-glass key may set any epoch.
  if (std::find(policy.override_keys.begin(), policy.override_keys.end(), key) !=
      policy.override_keys.end())
    return {true, true, what + "; allowed for override key " + std::string(key)};
  return {false, false, what};
}

}  // namespace dnsd::update
