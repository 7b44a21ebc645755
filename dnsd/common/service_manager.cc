// sd_notify(3) calls through libsystemd; a failure to notify is logged once, never fatal.
#include "dnsd/common/service_manager.h"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstring>

namespace dnsd::common {
namespace {

void send(const std::string& message) {
  int rc = sd_notify(0, message.c_str());
  static bool warned = false;
  if (rc < 0 && !warned) {
    warned = true;
    spdlog::warn("cannot notify the service manager ({}): {}", message.substr(0, message.find('\n')),
                 std::strerror(-rc));
  }
}

std::string status_line(const std::string& status) {
  return status.empty() ? "" : "\nSTATUS=" + status;
}

}  // namespace

void notify_ready(const std::string& status) { send("READY=1" + status_line(status)); }

void notify_reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t usec = static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading");
}

void notify_stopping(const std::string& status) { send("STOPPING=1" + status_line(status)); }

void notify_status(const std::string& status) { send("STATUS=" + status); }

void notify_watchdog() { send("WATCHDOG=1"); }

std::optional<uint64_t> watchdog_ping_interval_ms() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  uint64_t ms = usec / 2000;  // half the timeout, as sd_watchdog_enabled(3) advises
  return ms ? ms : 1;
}

}  // namespace dnsd::common
