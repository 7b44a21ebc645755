// Logging set-up shared by dnsd and sentinel.
#include "dnsd/common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace dnsd::common {

static spdlog::level::level_enum to_level(std::string_view level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

bool valid_log_level(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error";
}

void setup_logging(std::string_view level) {
  static bool installed = false;
  if (!installed) {
    auto logger = spdlog::stderr_logger_mt("main");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    installed = true;
  }
  spdlog::set_level(to_level(level));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace dnsd::common
