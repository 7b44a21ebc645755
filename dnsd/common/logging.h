// Logging set-up shared by dnsd and sentinel: spdlog to stderr, in one of three formats.
#pragma once
#include <string_view>

namespace dnsd::common {

// Valid level names: trace, debug, info, warn, error.
bool valid_log_level(std::string_view level);
// Valid format names:
//   auto     journal when stderr is systemd's journal (JOURNAL_STREAM), else text
//   text     "2026-12-01T13:00:00.123 info message" (local time)
//   journal  "<6>message": the sd-daemon(3) level prefix, no timestamp (journald adds one)
//   json     one JSON object a line: {"time": UTC ISO 8601, "level", "msg"}, for shippers
bool valid_log_format(std::string_view format);
// Installs the stderr logger once and sets its level and format (unknown names: info, auto).
void setup_logging(std::string_view level, std::string_view format = "auto");

// The format "auto" means here: journal or text (exposed for tests).
std::string_view resolve_log_format(std::string_view format, const char* journal_stream_env,
                                    unsigned long stderr_dev, unsigned long stderr_ino);

}  // namespace dnsd::common
