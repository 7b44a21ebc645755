// dnsdctl's side of the control socket: one request line out, one response line back.
#pragma once
#include <optional>
#include <string>

namespace dnsd::ctl {

// Sends `request_line` to the dnsd at `socket_path` and returns its response line (without
// the newline); nullopt with a one-line `error` for the operator (no dnsd, permission,
// timeout, a response cut short).
std::optional<std::string> exchange(const std::string& socket_path, const std::string& request_line,
                                    int timeout_seconds, std::string& error);

}  // namespace dnsd::ctl
