// dnsdctl's human output: each command's JSON result as aligned text. Pure.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dnsd::ctl {

// "2026-12-01 13:29:59 UTC"; "never" for 0.
std::string format_time(int64_t unix_seconds);
// "3d 4h", "2h 5m", "1m 30s", "12s".
std::string format_age(int64_t seconds);

// Rows of cells as columns, each as wide as its widest cell, two spaces apart, no
// trailing blanks; every line ends in '\n'.
std::string columns(const std::vector<std::vector<std::string>>& rows);

// The text dnsdctl prints for a successful `command`'s result. Throws
// nlohmann::json::exception on a result of another shape (dnsdctl says so).
std::string format_result(const std::string& command, const nlohmann::json& result);

// The text for an error response ({"ok": false, "error": ..., "errors": [...]}).
std::string format_error(const nlohmann::json& response);

}  // namespace dnsd::ctl
