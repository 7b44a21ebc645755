// Logging set-up shared by dnsd and sentinel: spdlog to stderr with a level name.
#pragma once
#include <string_view>

namespace dnsd::common {

// Valid level names: trace, debug, info, warn, error.
bool valid_log_level(std::string_view level);
// Installs the stderr logger once and sets its level (unknown names mean "info").
void setup_logging(std::string_view level);

}  // namespace dnsd::common
