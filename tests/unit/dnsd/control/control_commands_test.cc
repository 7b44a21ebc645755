// Each command's answer from a snapshot, with a fake daemon behind ControlBackend.
#include "dnsd/control/control_commands.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dnsd::control {
namespace {

using nlohmann::json;

class FakeBackend : public ControlBackend {
 public:
  FakeBackend() {
    snap.version = "9.9";
    snap.pid = 42;
    snap.now = 1000;
    snap.identity = "it1";
    snap.node_name = "lb1";
    snap.listen = {"127.0.0.1:53"};
    snap.workers = 2;
    snap.service.counters.started = 900;
    service::ZoneStatus z;
    z.name = "example.com.";
    z.file = "/etc/dnsd/example.zone";
    z.serial = 7;
    z.names = 12;
    z.last_change = 950;
    z.journal_path = "/var/lib/dnsd/example.com.journal";
    z.journal_entries = 3;
    z.journal_bytes = 300;
    snap.service.zones.push_back(z);
    z.name = "bad.test.";
    z.journal_trusted = false;
    z.journal_untrusted_reason = "fdatasync failed";
    snap.service.zones.push_back(z);
    snap.settings.push_back({"example.com.", {"192.0.2.53:53"}, {"sentinel."}, {"xfr."}, {"@", "*"}});
    snap.stats.udp_queries = 5;
    // Answers by zone slot: NXDOMAIN twice (A over UDP in slot 0, AAAA over TCP in slot 1),
    // BADVERS once.
    namespace L = net::query_labels;
    snap.stats.answered.resize(2);
    snap.stats.answered[0] = {};
    snap.stats.answered[1] = {};
    snap.stats.answered[0][net::cell_index(L::qtype_index(1), L::rcode_index(3), 0)] = 1;
    snap.stats.answered[1][net::cell_index(L::qtype_index(28), L::rcode_index(3), 1)] = 1;
    snap.stats.answered[0][net::cell_index(L::qtype_index(1), L::rcode_index(16), 0)] = 1;
    snap.service.counters.updates_by_rcode[0] = 4;
    snap.service.counters.updates_by_rcode[17] = 1;
  }
  DaemonSnapshot snapshot() override { return snap; }
  ReloadOutcome reload(const std::string& zone) override {
    reloaded.push_back(zone);
    return outcome;
  }
  std::optional<JournalView> journal(const std::string& zone, size_t last) override {
    journal_asked = zone;
    journal_last = last;
    return view;
  }

  DaemonSnapshot snap;
  ReloadOutcome outcome{true, "all", 2, {}, {"server.listen"}};
  std::vector<std::string> reloaded;
  std::optional<JournalView> view = JournalView{"/j", 2, 99, true, "", {{7, 8, 1, 0}, {8, 9, 2, 3}}};
  std::string journal_asked;
  size_t journal_last = 0;
};

json ask(FakeBackend& b, const std::string& line) { return json::parse(respond(line, b)); }

TEST(ControlCommands, Status) {
  FakeBackend b;
  json r = ask(b, R"({"command": "status"})");
  ASSERT_EQ(r["ok"], true) << r;
  json s = r["result"];
  EXPECT_EQ(s["version"], "9.9");
  EXPECT_EQ(s["pid"], 42);
  EXPECT_EQ(s["uptime_seconds"], 100);
  EXPECT_EQ(s["identity"], "it1");
  EXPECT_EQ(s["node"], "lb1");
  EXPECT_EQ(s["listen"], json::array({"127.0.0.1:53"}));
  EXPECT_EQ(s["workers"], 2);
  EXPECT_EQ(s["zones"], 2);
  EXPECT_EQ(s["state"], "ready");
  EXPECT_TRUE(s["last_reload"].is_null());

  b.snap.stopping = true;
  b.snap.service.counters.last_reload = 990;
  b.snap.service.counters.last_reload_ok = false;
  b.snap.service.counters.reloads_failed = 1;
  s = ask(b, R"({"command": "status"})")["result"];
  EXPECT_EQ(s["state"], "stopping");
  EXPECT_EQ(s["last_reload"], (json{{"time", 990}, {"ok", false}}));
  EXPECT_EQ(s["reloads_failed"], 1);
}

TEST(ControlCommands, ZonesAndZone) {
  FakeBackend b;
  json r = ask(b, R"({"command": "zones"})")["result"];
  ASSERT_EQ(r["zones"].size(), 2u);
  EXPECT_EQ(r["zones"][0]["name"], "example.com.");
  EXPECT_EQ(r["zones"][0]["serial"], 7);
  EXPECT_EQ(r["zones"][0]["journal_entries"], 3);
  EXPECT_EQ(r["zones"][1]["journal_trusted"], false);

  // Any spelling of the name finds the zone.
  for (const char* name : {"example.com", "EXAMPLE.com.", "example.com."}) {
    SCOPED_TRACE(name);
    json z = ask(b, json{{"command", "zone"}, {"args", {name}}}.dump());
    ASSERT_EQ(z["ok"], true) << z;
    EXPECT_EQ(z["result"]["file"], "/etc/dnsd/example.zone");
    EXPECT_EQ(z["result"]["journal_bytes"], 300);
    EXPECT_EQ(z["result"]["notify"], json::array({"192.0.2.53:53"}));
    EXPECT_EQ(z["result"]["update_keys"], json::array({"sentinel."}));
    EXPECT_EQ(z["result"]["transfer_keys"], json::array({"xfr."}));
    EXPECT_EQ(z["result"]["self"], json::array({"@", "*"}));
  }
  json bad = ask(b, R"({"command": "zone", "args": ["bad.test"]})")["result"];
  EXPECT_EQ(bad["journal_untrusted_reason"], "fdatasync failed");
  EXPECT_EQ(bad["self"], json::array());  // no settings known: empty lists

  EXPECT_EQ(ask(b, R"({"command": "zone", "args": ["nope.test"]})"),
            (json{{"ok", false}, {"error", "no such zone: nope.test."}}));
}

TEST(ControlCommands, StatsNamesTheRcodes) {
  FakeBackend b;
  json s = ask(b, R"({"command": "stats"})")["result"];
  EXPECT_EQ(s["udp_queries"], 5);
  EXPECT_EQ(s["responses_by_rcode"]["NXDOMAIN"], 2);
  EXPECT_EQ(s["responses_by_rcode"]["BADVERS"], 1);
  EXPECT_EQ(s["responses_by_rcode"].size(), net::query_labels::kRcodeCount);
  EXPECT_EQ(s["service"]["updates_by_rcode"]["NOERROR"], 4);
  EXPECT_EQ(s["service"]["updates_by_rcode"]["BADKEY"], 1);
  EXPECT_EQ(s["service"]["updates_by_rcode"].size(), 25u);
}

TEST(ControlCommands, ReloadAllOneZoneAndFailure) {
  FakeBackend b;
  json r = ask(b, R"({"command": "reload"})");
  EXPECT_EQ(r, (json{{"ok", true},
                     {"result", {{"scope", "all"}, {"zones", 2}, {"restart_only", {"server.listen"}}}}}));
  r = ask(b, R"({"command": "reload", "args": ["Example.COM"]})");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(b.reloaded, (std::vector<std::string>{"", "example.com."}));
  r = ask(b, R"({"command": "reload", "args": ["nope.test"]})");
  EXPECT_EQ(r["error"], "no such zone: nope.test.");
  EXPECT_EQ(b.reloaded.size(), 2u) << "an unknown zone is not reloaded";

  b.outcome = {false, "all", 2, {"dnsd.toml:3: server.listen: bad"}, {}};
  r = ask(b, R"({"command": "reload"})");
  EXPECT_EQ(r, (json{{"ok", false},
                     {"error", "reload failed: still serving the previous config and zones"},
                     {"errors", {"dnsd.toml:3: server.listen: bad"}}}));
}

TEST(ControlCommands, Journal) {
  FakeBackend b;
  json r = ask(b, R"({"command": "journal", "args": ["example.com"]})");
  ASSERT_EQ(r["ok"], true) << r;
  EXPECT_EQ(b.journal_asked, "example.com.");
  EXPECT_EQ(b.journal_last, kJournalEntriesShown);
  EXPECT_EQ(r["result"]["entries"], 2);
  EXPECT_EQ(r["result"]["last"], json::parse(R"([{"from": 7, "to": 8, "added": 1, "deleted": 0},
                                                 {"from": 8, "to": 9, "added": 2, "deleted": 3}])"));
  b.view.reset();
  EXPECT_EQ(ask(b, R"({"command": "journal", "args": ["example.com"]})")["error"],
            "zone example.com. has no journal");
  EXPECT_EQ(ask(b, R"({"command": "journal", "args": ["nope"]})")["error"], "no such zone: nope.");
}

class ThrowingBackend : public FakeBackend {
  DaemonSnapshot snapshot() override { throw std::runtime_error("boom"); }
};

TEST(ControlCommands, GarbageAndFailuresAreErrorAnswers) {
  ThrowingBackend b;
  EXPECT_EQ(ask(b, R"({"command": "status"})"),
            (json{{"ok", false}, {"error", "internal error: boom"}}));
  json r = ask(b, "\x01\x02garbage");
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["error"], "not a JSON object: send {\"command\": \"status\", \"args\": []}");
}

TEST(ControlCommands, InvalidUtf8InAnswersIsReplacedNotThrown) {
  FakeBackend b;
  b.snap.service.zones[0].file = "/etc/\xff.zone";
  std::string line = respond(R"({"command": "zone", "args": ["example.com"]})", b);
  json r = json::parse(line);
  EXPECT_EQ(r["ok"], true);
  EXPECT_NE(r["result"]["file"].get<std::string>().find("/etc/"), std::string::npos);
}

TEST(ControlCommands, NormalizeZone) {
  EXPECT_EQ(normalize_zone("API.Example.test"), "api.example.test.");
  EXPECT_EQ(normalize_zone("a.test."), "a.test.");
  EXPECT_EQ(normalize_zone(""), ".");
}

}  // namespace
}  // namespace dnsd::control
