// Talking to the service manager (systemd's sd_notify protocol, sd_notify(3)): READY,
// RELOADING, STOPPING, STATUS and the watchdog. Without NOTIFY_SOCKET (not started by
// systemd with Type=notify) every call does nothing, so the daemons run the same anywhere.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace dnsd::common {

// The start-up is complete: the daemon answers.
void notify_ready(const std::string& status);
// A reload begins (ends with notify_ready). Carries MONOTONIC_USEC, as systemd 253+ wants
// for Type=notify-reload and 252 accepts.
void notify_reloading();
void notify_stopping(const std::string& status);
void notify_status(const std::string& status);
// One watchdog keep-alive (WATCHDOG=1).
void notify_watchdog();
// How often to send notify_watchdog(): half the manager's WatchdogSec, or nothing when the
// watchdog is off for this process.
std::optional<uint64_t> watchdog_ping_interval_ms();

}  // namespace dnsd::common
