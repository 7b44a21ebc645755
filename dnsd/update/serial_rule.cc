// The zone file serial rule.
#include "dnsd/update/serial_rule.h"

#include "dnsd/update/update_processor.h"

namespace dnsd::update {

ZoneFileVerdict judge_zone_file(uint32_t file_serial, uint32_t state_base, uint32_t served,
                                const std::string& state_path) {
  if (file_serial == state_base) return {};
  if (serial_lt(served, file_serial)) return {ZoneFileVerdict::FileWins, ""};
  std::string s = std::to_string(served);
  return {ZoneFileVerdict::Refused,
          "zone file refused: its SOA serial " + std::to_string(file_serial) +
              " is not newer than the served serial " + s + " (dynamic updates in " + state_path +
              " raised it); still serving " + s + " and its updates: raise it above " + s +
              " (e.g. " + std::to_string(static_cast<uint32_t>(served + 1)) +
              "), or delete the journal and snapshot to drop those updates"};
}

}  // namespace dnsd::update
