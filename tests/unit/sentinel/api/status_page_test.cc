// page_json (the status page's data) and the page itself: self-contained, data as text.
#include "sentinel/api/status_page.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sentinel::api {
namespace {

using nlohmann::json;

json events(int n) {
  json out = json::array();
  for (int i = 1; i <= n; ++i)
    out.push_back({{"at_ms", 1000 * i}, {"event", "+e" + std::to_string(i)}, {"node", "lb1"},
                   {"epoch", i}, {"detail", ""}});
  return {{"events", out}};
}

TEST(PageJson, EventsNewestFirstAndBounded) {
  struct Case {
    const char* what;
    json history;
    size_t max;
    std::vector<std::string> want;  // event names, in order
    size_t total;
  };
  const std::vector<Case> cases = {
      {"fewer than the bound: all, newest first", events(3), 50, {"+e3", "+e2", "+e1"}, 3},
      {"more than the bound: the newest only", events(5), 2, {"+e5", "+e4"}, 5},
      {"bound 0", events(2), 0, {}, 2},
      {"no events key", json::object(), 50, {}, 0},
      {"events not an array", {{"events", "x"}}, 50, {}, 0},
      {"history not an object", json::array(), 50, {}, 0},
      {"non-object entries are skipped", {{"events", {1, {{"event", "+up"}}, "x"}}}, 50, {"+up"}, 3},
  };
  for (const auto& tc : cases) {
    json j = page_json({{"master", "lb1"}}, tc.history, tc.max);
    std::vector<std::string> got;
    for (const auto& e : j["events"]) got.push_back(e.value("event", ""));
    EXPECT_EQ(got, tc.want) << tc.what;
    EXPECT_EQ(j.value("events_total", size_t{999}), tc.total) << tc.what;
    EXPECT_EQ(j["status"].value("master", ""), "lb1") << tc.what;
  }
}

TEST(PageJson, StatusPassesThroughUnchanged) {
  json status = {{"zone", "api.example.test"}, {"master", "lb2"}, {"epoch", 7},
                 {"state_file_error", "No space left on device"},
                 {"nodes", {{{"name", "lb1"}, {"role", "master-down"}, {"detail", "<b>x</b>"}}}}};
  json j = page_json(status, events(1));
  EXPECT_EQ(j["status"], status);
  EXPECT_TRUE(page_json(json::array(), events(1))["status"].is_object());
}

TEST(PageJson, BudgetWithTheMeasuredFailover) {
  json budget = {{"detect_ms", 600}, {"detect_check", "lb1 dns: 200ms x fall 2 + 200ms timeout"},
                 {"promote_ms", 2000}, {"publish_ms", 2000}, {"total_ms", 4600}};
  struct Case {
    const char* what;
    json status;
    json after_detection_ms, last_failover_seconds, within_budget;
  };
  const std::vector<Case> cases = {
      {"none measured yet", {{"failover_budget", budget}, {"last_failover_seconds", nullptr}},
       4000, nullptr, nullptr},
      {"within: 0.4 s after detection <= 4 s",
       {{"failover_budget", budget}, {"last_failover_seconds", 0.4}}, 4000, 0.4, true},
      {"exactly the budget is within", {{"failover_budget", budget}, {"last_failover_seconds", 4}},
       4000, 4, true},
      {"over: 4.5 s", {{"failover_budget", budget}, {"last_failover_seconds", 4.5}}, 4000, 4.5, false},
      {"no budget in the status", {{"last_failover_seconds", 1.5}}, nullptr, 1.5, nullptr},
      {"mistyped measurement", {{"failover_budget", budget}, {"last_failover_seconds", "1"}},
       4000, nullptr, nullptr},
  };
  for (const auto& tc : cases) {
    json b = page_json(tc.status, events(0))["budget"];
    EXPECT_EQ(b["after_detection_ms"], tc.after_detection_ms) << tc.what;
    EXPECT_EQ(b["last_failover_seconds"], tc.last_failover_seconds) << tc.what;
    EXPECT_EQ(b["within_budget"], tc.within_budget) << tc.what;
    if (tc.status.contains("failover_budget")) {
      EXPECT_EQ(b.value("total_ms", 0), 4600) << tc.what;
      EXPECT_EQ(b.value("detect_check", ""), budget["detect_check"]) << tc.what;
    }
  }
}

TEST(StatusPage, SelfContainedAndDataOnlyAsText) {
  std::string page(status_page_html());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("fetch('/status.json'"), std::string::npos);
  EXPECT_NE(page.find("</html>"), std::string::npos);
  // No external assets: works offline and loads nothing from elsewhere.
  for (const char* bad : {"http://", "https://", "src=", "@import", "url("})
    EXPECT_EQ(page.find(bad), std::string::npos) << bad;
  // Data from the config and probes is never parsed as HTML.
  for (const char* bad : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("})
    EXPECT_EQ(page.find(bad), std::string::npos) << bad;
  // The stable hooks the integration test and operators' scripts rely on.
  for (const char* id : {"id=\"master\"", "id=\"epoch\"", "id=\"published\"", "id=\"failover-mode\"",
                         "id=\"waiting\"", "id=\"pending\"", "id=\"state-file-error\"",
                         "id=\"budget\"", "id=\"last-failover-seconds\"", "id=\"nodes\"",
                         "id=\"events\"", "dataset.node", "dataset.role"})
    EXPECT_NE(page.find(id), std::string::npos) << id;
}

}  // namespace
}  // namespace sentinel::api
