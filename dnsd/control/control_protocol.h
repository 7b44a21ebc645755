// The dnsdctl protocol, shared by dnsd and dnsdctl: the command table and the request
// line. A client sends one JSON line {"command": "...", "args": [...]} and reads one JSON
// line back: {"ok": true, "result": {...}} or {"ok": false, "error": "..."}.
#pragma once
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::control {

// Requests longer than this are refused (the longest real one is a zone name).
inline constexpr size_t kMaxRequestBytes = 64 * 1024;

struct CommandSpec {
  std::string_view name;
  std::string_view args;  // usage of the arguments: "", "[ZONE]", "ZONE"
  size_t min_args, max_args;
  std::string_view doc;
};

std::span<const CommandSpec> commands();
const CommandSpec* find_command(std::string_view name);
// "status, zones, zone ZONE, ..." for error messages and --help.
std::string command_list();

struct Request {
  std::string command;
  std::vector<std::string> args;
};

// Checks `command` is known and takes args.size() arguments; else the reason.
std::optional<std::string> check_request(const Request& r);

// The request as one JSON line (no newline).
std::string encode_request(const Request& r);
// A request line; nullopt with the reason for anything but a valid one.
std::optional<Request> decode_request(std::string_view line, std::string& error);

}  // namespace dnsd::control
