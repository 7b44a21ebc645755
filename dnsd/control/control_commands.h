// What each dnsdctl command answers, decided from a snapshot of the daemon's state; the
// daemon's side (taking the snapshot, reloading, reading a journal) is behind
// ControlBackend, so this file is pure and tested with a fake.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/control/control_protocol.h"
#include "dnsd/net/server_stats.h"
#include "dnsd/service/service_status.h"
#include "dnsd/update/journal.h"

namespace dnsd::control {

// A zone's settings from the running config (what ZoneStatus does not carry).
struct ZoneSettings {
  std::string name;  // as ZoneStatus::name
  std::vector<std::string> notify, update_keys, transfer_keys, self;
};

// The daemon's state at one moment (every field a copy).
struct DaemonSnapshot {
  std::string version;
  pid_t pid = 0;
  int64_t now = 0;  // unix seconds
  std::string identity, node_name;
  std::vector<std::string> listen;
  size_t workers = 0;
  bool stopping = false;  // in the stop_grace window
  service::ServiceStatus service;
  std::vector<ZoneSettings> settings;
  net::StatsTotals stats;
};

struct ReloadOutcome {
  bool ok = false;
  std::string scope;                // "all" or the zone reloaded
  size_t zones = 0;                 // served after it
  std::vector<std::string> errors;  // why it failed (nothing changed then)
  std::vector<std::string> restart_only;  // changed keys that wait for a restart
};

struct JournalView {
  std::string path;
  uint64_t entries = 0, bytes = 0;
  bool trusted = true;
  std::string untrusted_reason;
  std::vector<update::Journal::EntrySummary> last;  // oldest first
};

class ControlBackend {
 public:
  virtual ~ControlBackend() = default;
  virtual DaemonSnapshot snapshot() = 0;
  // `zone`: a served zone's name as in ZoneStatus::name, or "" for everything.
  virtual ReloadOutcome reload(const std::string& zone) = 0;
  // nullopt when the zone has no journal (not served).
  virtual std::optional<JournalView> journal(const std::string& zone, size_t last) = 0;
};

// How many journal entries `journal ZONE` shows.
inline constexpr size_t kJournalEntriesShown = 20;

// "API.example.test" -> "api.example.test." (the form ZoneStatus::name has).
std::string normalize_zone(std::string_view name);

// One request line -> one response line (JSON, no newline). Never throws.
std::string respond(std::string_view line, ControlBackend& backend);

}  // namespace dnsd::control
