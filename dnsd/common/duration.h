// Durations as operators write them in config files: "500ms", "10s", "2m", "1h".
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dnsd::common {

using Millis = std::chrono::milliseconds;

// Parses "<digits><unit>" with unit ms|s|m|h. "0" alone is accepted as zero.
// Returns nullopt on anything else (negative, no unit, overflow, trailing junk).
std::optional<Millis> parse_duration(std::string_view text);

// Formats back to the shortest exact form, e.g. 1500ms -> "1500ms", 2000ms -> "2s".
std::string format_duration(Millis d);

}  // namespace dnsd::common
