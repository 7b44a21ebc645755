// The operator's status page at GET /: one self-contained HTML document (inline CSS and
// JS, no external assets) that polls GET /status.json, and the pure function that builds
// that JSON from the controller's status and history.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

namespace sentinel::api {

// The page; it renders every value with textContent (never as HTML).
std::string_view status_page_html();

inline constexpr size_t kPageEvents = 50;

// What /status.json serves: {"status": <status as is>, "events": the last `max_events`
// of history's events, newest first, "events_total": how many the history holds,
// "budget": status' failover_budget plus the last measured failover and whether it kept
// within the budget after detection (promote + publish)}. Tolerates missing or mistyped
// fields (an older or newer controller): they come out as null or empty.
nlohmann::json page_json(const nlohmann::json& status, const nlohmann::json& history,
                         size_t max_events = kPageEvents);

}  // namespace sentinel::api
