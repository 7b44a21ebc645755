// page_json: the controller's status and history reshaped for the status page.
#include "sentinel/api/status_page.h"

namespace sentinel::api {
using nlohmann::json;

namespace {

json field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? json(nullptr) : *it;
}

json budget_of(const json& status) {
  json b = field(status, "failover_budget");
  if (!b.is_object()) b = json::object();
  json measured = field(status, "last_failover_seconds");
  json promote = field(b, "promote_ms"), publish = field(b, "publish_ms");
  json after = nullptr;
  if (promote.is_number_integer() && publish.is_number_integer())
    after = promote.get<int64_t>() + publish.get<int64_t>();
  b["after_detection_ms"] = after;
  b["last_failover_seconds"] = measured.is_number() ? measured : json(nullptr);
  b["within_budget"] = measured.is_number() && after.is_number()
                           ? json(measured.get<double>() * 1000 <= after.get<double>())
                           : json(nullptr);
  return b;
}

}  // namespace

json page_json(const json& status, const json& history, size_t max_events) {
  json all = field(history, "events");
  if (!all.is_array()) all = json::array();
  json events = json::array();
  for (auto it = all.rbegin(); it != all.rend() && events.size() < max_events; ++it)
    if (it->is_object()) events.push_back(*it);
  return {{"status", status.is_object() ? status : json::object()},
          {"events", events},
          {"events_total", all.size()},
          {"budget", budget_of(status)}};
}

}  // namespace sentinel::api
