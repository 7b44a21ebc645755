// Fixture for dnsd.toml tests: writes a config (and the files it names) into a scratch
// folder, loads it, and builds the exact "file:line: ..." strings errors must match.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/config/config.h"
#include "tests/unit/dnsd/common/temp_dir.h"

namespace dnsd::config {

// 32 bytes, base64.
inline constexpr const char* kTestSecret = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8=";

// The smallest valid config; tests append to it or replace parts of it.
inline constexpr const char* kMinimal = R"([server]
listen = ["127.0.0.1:5353"]

[node]
name = "lb1"
ipv4 = ["192.0.2.1"]

[[zone]]
name = "api.example.com"
file = "api.zone"
)";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("api.zone", "; exists, never read by load_config\n");
    path_ = dir_.file("dnsd.toml");
  }

  // Writes `text` as <dir>/<rel> and loads it.
  std::optional<Config> load(const std::string& text, const std::string& rel = "dnsd.toml") {
    text_ = text;
    path_ = dir_.write(rel, text);
    errors_ = {};
    return load_config(path_, errors_);
  }

  // "<path>:<line of the first line containing needle>"
  std::string at(const std::string& needle) const {
    size_t pos = text_.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    int line = 1;
    for (size_t i = 0; i < pos && i < text_.size(); ++i) line += text_[i] == '\n';
    return path_ + ":" + std::to_string(line);
  }

  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& e : errors_.errors()) out.push_back(e.to_string());
    return out;
  }

  // Loads `text`, expects failure with exactly one error, returns it.
  std::string only_error(const std::string& text) {
    auto c = load(text);
    EXPECT_FALSE(c.has_value());
    EXPECT_EQ(errors_.size(), 1u) << errors_.to_string();
    return errors_.empty() ? "" : errors_.errors()[0].to_string();
  }

  // Loads `text` and expects exactly one error: at(needle) + rest.
  void expect_only_error(const std::string& text, const std::string& needle,
                         const std::string& rest) {
    std::string e = only_error(text);
    EXPECT_EQ(e, at(needle) + rest);
  }

  testutil::TempDir dir_;
  std::string text_, path_;
  common::ErrorList errors_;
};

}  // namespace dnsd::config
