// The dnsd side of sentinel's fence. sentinel publishes `_sentinel.<zone> TXT "epoch=N" ...`
// and never writes to a node that serves a higher epoch. A key that leaks could otherwise
// publish epoch=99999999 and so fence the real sentinel off that node for good, or put an
// old epoch back to replay an old decision. So an update that changes the epoch is refused
// when it lowers or removes it, or raises it by more than `max_step` at once, unless it is
// signed by one of the zone's `epoch_override_keys` (the operator's break-glass key).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::update {

struct EpochPolicy {
  uint64_t max_step = 1000;                // [zone] epoch_max_step
  std::vector<std::string> override_keys;  // [zone] epoch_override_keys (lowercase absolute)
};

struct EpochVerdict {
  bool allowed = true;
  bool overridden = false;  // allowed only because of an override key: worth a warning
  std::string reason;       // why it was refused (or overridden), for the log
};

// The epoch in the TXT RRset `rdatas` (wire rdata: <len><text>...): the first
// character-string "epoch=<digits>"; nullopt if there is none or it does not parse.
std::optional<uint64_t> epoch_of(const std::vector<std::string>& txt_rdatas);

// `before`/`after`: the epoch served before the update and the one it would serve after.
// `key`: the TSIG key name that signed the update (lowercase absolute).
EpochVerdict check_epoch_change(std::optional<uint64_t> before, std::optional<uint64_t> after,
                                std::string_view key, const EpochPolicy& policy);

}  // namespace dnsd::update
