// The command table and the request line (see control_protocol.h).
#include "dnsd/control/control_protocol.h"

#include <array>
#include <nlohmann/json.hpp>

namespace dnsd::control {
namespace {

constexpr auto kCommands = std::to_array<CommandSpec>({
    {"status", "", 0, 0, "version, pid, uptime, identity, listen addresses, zones, last reload"},
    {"zones", "", 0, 0, "one line per zone: serial, names, last change, journal"},
    {"zone", "ZONE", 1, 1, "the detail of one zone"},
    {"stats", "", 0, 0, "query, response, TCP, RRL and zone service counters since start"},
    {"reload", "[ZONE]", 0, 1,
     "re-read dnsd.toml and every zone file (as SIGHUP); with ZONE only that zone's file"},
    {"journal", "ZONE", 1, 1, "the zone's update journal and its last entries"},
});

}  // namespace

std::span<const CommandSpec> commands() { return kCommands; }

const CommandSpec* find_command(std::string_view name) {
  for (const auto& c : kCommands)
    if (c.name == name) return &c;
  return nullptr;
}

std::string command_list() {
  std::string out;
  for (const auto& c : kCommands) {
    if (!out.empty()) out += ", ";
    out += std::string(c.name) + (c.args.empty() ? "" : " " + std::string(c.args));
  }
  return out;
}

std::optional<std::string> check_request(const Request& r) {
  const CommandSpec* c = find_command(r.command);
  if (!c) return "unknown command \"" + r.command + "\" (commands: " + command_list() + ")";
  if (r.args.size() < c->min_args || r.args.size() > c->max_args) {
    std::string usage = std::string(c->name) + (c->args.empty() ? "" : " " + std::string(c->args));
    return c->max_args == 0 ? usage + " takes no arguments" : "usage: " + usage;
  }
  return std::nullopt;
}

std::string encode_request(const Request& r) {
  return nlohmann::json{{"command", r.command}, {"args", r.args}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<Request> decode_request(std::string_view line, std::string& error) {
  if (line.size() > kMaxRequestBytes) {
    error = "request longer than " + std::to_string(kMaxRequestBytes) + " bytes";
    return std::nullopt;
  }
  // Invalid UTF-8 or JSON is an error value, never an exception.
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object: send {\"command\": \"status\", \"args\": []}";
    return std::nullopt;
  }
  auto cmd = j.find("command");
  if (cmd == j.end() || !cmd->is_string()) {
    error = "\"command\" must be a string";
    return std::nullopt;
  }
  Request r;
  r.command = cmd->get<std::string>();
  if (auto args = j.find("args"); args != j.end()) {
    if (!args->is_array()) {
      error = "\"args\" must be a list of strings";
      return std::nullopt;
    }
    for (const auto& a : *args) {
      if (!a.is_string()) {
        error = "\"args\" must be a list of strings";
        return std::nullopt;
      }
      r.args.push_back(a.get<std::string>());
    }
  }
  if (auto why = check_request(r)) {
    error = *why;
    return std::nullopt;
  }
  return r;
}

}  // namespace dnsd::control
