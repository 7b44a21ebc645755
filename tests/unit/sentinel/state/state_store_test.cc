// ClusterState <-> JSON and the state file.
#include "sentinel/state/state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sentinel::state {
namespace {

using cluster::ClusterState;
using cluster::Event;
using cluster::Plan;

ClusterState sample() {
  ClusterState s;
  s.epoch = 42;
  s.master = "lb2";
  s.drained = {"lb3", "lb4"};
  s.last_failover_ms = 1732312345000;
  s.retry_after_ms = 1732312399000;
  s.owed_demotes = {{"lb1", 41}, {"lb5", 40}};
  Plan p;
  p.kind = Plan::Kind::Switchover;
  p.reason = "manual promote lb2";
  p.epoch = 43;
  p.old_master = "lb1";
  p.demote = {"lb1"};
  p.candidates = {"lb2", "lb3"};
  p.promoted = true;
  s.pending = p;
  s.record({1000, "+down", "lb1", 41, "dns: timeout"});
  s.record({2000, "+switch-master", "lb2", 42, "from lb1 \"quoted\"\n"});
  return s;
}

void expect_same(const ClusterState& a, const ClusterState& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.master, b.master);
  EXPECT_EQ(a.drained, b.drained);
  EXPECT_EQ(a.last_failover_ms, b.last_failover_ms);
  EXPECT_EQ(a.retry_after_ms, b.retry_after_ms);
  EXPECT_EQ(a.owed_demotes, b.owed_demotes);
  ASSERT_EQ(a.pending.has_value(), b.pending.has_value());
  if (a.pending) {
    EXPECT_EQ(a.pending->kind, b.pending->kind);
    EXPECT_EQ(a.pending->reason, b.pending->reason);
    EXPECT_EQ(a.pending->epoch, b.pending->epoch);
    EXPECT_EQ(a.pending->old_master, b.pending->old_master);
    EXPECT_EQ(a.pending->demote, b.pending->demote);
    EXPECT_EQ(a.pending->candidates, b.pending->candidates);
    EXPECT_EQ(a.pending->promoted, b.pending->promoted);
  }
  ASSERT_EQ(a.history.size(), b.history.size());
  for (size_t i = 0; i < a.history.size(); ++i) {
    EXPECT_EQ(a.history[i].at_ms, b.history[i].at_ms) << i;
    EXPECT_EQ(a.history[i].name, b.history[i].name) << i;
    EXPECT_EQ(a.history[i].node, b.history[i].node) << i;
    EXPECT_EQ(a.history[i].epoch, b.history[i].epoch) << i;
    EXPECT_EQ(a.history[i].detail, b.history[i].detail) << i;
  }
}

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sentinel_state_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST(StateJson, RoundTripAllFields) {
  ClusterState s = sample();
  std::string text = to_json(s);
  ClusterState back;
  std::string error;
  ASSERT_TRUE(from_json(text, back, error)) << error;
  EXPECT_EQ(error, "");
  expect_same(s, back);
  EXPECT_EQ(to_json(back), text);
}

TEST(StateJson, RoundTripEveryPlanKindAndNoPending) {
  for (auto kind : {Plan::Kind::Failover, Plan::Kind::Switchover, Plan::Kind::Bootstrap,
                    Plan::Kind::Demote}) {
    ClusterState s = sample();
    s.pending->kind = kind;
    s.pending->promoted = false;
    ClusterState back;
    std::string error;
    ASSERT_TRUE(from_json(to_json(s), back, error)) << error;
    ASSERT_TRUE(back.pending.has_value());
    EXPECT_EQ(back.pending->kind, kind);
    EXPECT_FALSE(back.pending->promoted);
  }
  ClusterState s = sample();
  s.pending.reset();
  ClusterState back = sample();
  std::string error;
  ASSERT_TRUE(from_json(to_json(s), back, error)) << error;
  EXPECT_FALSE(back.pending.has_value());
}

TEST(StateJson, RejectsGarbageWrongVersionMissingEpochUntouched) {
  const ClusterState orig = sample();
  for (const std::string& text :
       {std::string("not json at all"), std::string("{\"version\": 2, \"epoch\": 1}"),
        std::string("{\"epoch\": 1}"), std::string("{\"version\": 1, \"master\": \"lb9\"}"),
        std::string("{\"version\": 1, \"epoch\": \"seven\"}"),
        std::string("{\"version\": 1, \"epoch\": 3, \"pending\": {\"kind\": \"bogus\", \"epoch\": 1}}"),
        std::string("[1,2,3]"), std::string("")}) {
    ClusterState s = orig;
    std::string error;
    EXPECT_FALSE(from_json(text, s, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    expect_same(s, orig);
  }
  ClusterState s;
  std::string error;
  EXPECT_FALSE(from_json("{\"version\": 2, \"epoch\": 1}", s, error));
  EXPECT_NE(error.find("version"), std::string::npos) << error;
}

TEST(StateJson, HistoryIsBounded) {
  ClusterState s;
  for (int i = 0; i < 600; ++i) s.record({i, "+up", "lb" + std::to_string(i), 1, ""});
  ASSERT_EQ(ClusterState::kHistoryLimit, 500u);
  ASSERT_EQ(s.history.size(), 500u);
  EXPECT_EQ(s.history.front().at_ms, 100);
  EXPECT_EQ(s.history.back().at_ms, 599);
  EXPECT_EQ(s.history.back().node, "lb599");
  // Loading a file with a longer history keeps the newest too.
  ClusterState big;
  for (int i = 0; i < 500; ++i) big.record({i, "+up", "x", 1, ""});
  std::string text = to_json(big);
  std::string extra;
  for (int i = 500; i < 520; ++i)
    extra += ",{\"at_ms\":" + std::to_string(i) + ",\"event\":\"+up\",\"node\":\"x\",\"epoch\":1}";
  size_t end = text.rfind(']');
  text.insert(end, extra);
  ClusterState back;
  std::string error;
  ASSERT_TRUE(from_json(text, back, error)) << error;
  ASSERT_EQ(back.history.size(), 500u);
  EXPECT_EQ(back.history.front().at_ms, 20);
  EXPECT_EQ(back.history.back().at_ms, 519);
}

TEST_F(TempDir, LoadMissingFileIsEmptyState) {
  ClusterState s;
  std::string error;
  EXPECT_TRUE(load_state(dir_ + "/state.json", s, error)) << error;
  EXPECT_EQ(s.epoch, 0u);
  EXPECT_EQ(s.master, "");
  EXPECT_FALSE(s.pending.has_value());
  EXPECT_TRUE(s.history.empty());
}

TEST_F(TempDir, LoadCorruptFileFailsWithPath) {
  std::string path = dir_ + "/state.json";
  { std::ofstream(path) << "{\"version\": 1, \"epo"; }
  ClusterState s = sample();
  std::string error;
  EXPECT_FALSE(load_state(path, s, error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_EQ(s.epoch, 42u);
}

TEST_F(TempDir, LoadUnreadableIsError) {
  // A folder where the file should be: not a fresh start.
  std::string path = dir_ + "/state.json";
  std::filesystem::create_directory(path);
  ClusterState s;
  std::string error;
  EXPECT_FALSE(load_state(path, s, error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
}

TEST_F(TempDir, SaveThenLoadRoundTripNoTmpLeft) {
  std::string path = dir_ + "/state.json";
  std::string error;
  ASSERT_TRUE(save_state(path, sample(), error)) << error;
  ClusterState back;
  ASSERT_TRUE(load_state(path, back, error)) << error;
  expect_same(sample(), back);
  ClusterState next = sample();
  next.epoch = 43;
  ASSERT_TRUE(save_state(path, next, error)) << error;
  ASSERT_TRUE(load_state(path, back, error)) << error;
  EXPECT_EQ(back.epoch, 43u);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(TempDir, SaveIntoMissingFolderFails) {
  std::string error;
  EXPECT_FALSE(save_state(dir_ + "/no/such/state.json", sample(), error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace sentinel::state

// Found by fuzzing: numbers that are floats, too large or negative used to reach an
// unchecked float-to-integer cast (undefined behaviour); they are refused instead.
TEST(StateStoreRegression, NumbersMustBeIntegersOfTheRightSign) {
  for (const char* text : {
           R"({"version":1e80,"epoch":4})",
           R"({"version":1,"epoch":4.5})",
           R"({"version":1,"epoch":-1})",
           R"({"version":1,"epoch":1e300})",
           R"({"version":1,"epoch":4,"owed_demotes":{"lb1":2.5}})",
           R"({"version":1,"epoch":4,"history":[{"at_ms":1e300}]})",
           R"({"version":1,"epoch":4,"pending":{"kind":"failover","epoch":-3}})",
           R"({"version":1,"epoch":4,"drained":[1,2]})",
       }) {
    sentinel::cluster::ClusterState s;
    s.epoch = 99;
    std::string error;
    EXPECT_FALSE(sentinel::state::from_json(text, s, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    EXPECT_EQ(s.epoch, 99u) << text;
  }
}
