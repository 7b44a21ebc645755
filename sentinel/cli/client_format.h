// Human-readable output of the client subcommands from the API's JSON replies.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace sentinel::cli {

std::string format_reply(const std::string& verb, const std::string& node, const nlohmann::json& body);
std::string format_time(int64_t unix_ms);
// One check of `status`: "dns up, failing 1 of 3 (connection refused) for 12s".
std::string check_text(const nlohmann::json& check);  // "2026-11-30 09:12:03Z"

}  // namespace sentinel::cli
