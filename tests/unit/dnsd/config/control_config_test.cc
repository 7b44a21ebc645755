// [control] socket: default place under state_dir, "off", relative paths, the length limit.
#include <gtest/gtest.h>

#include "dnsd/config/config.h"
#include "tests/unit/dnsd/config/config_test_util.h"

namespace dnsd::config {
namespace {

TEST_F(ConfigTest, ControlSocketDefaultsToTheStateDir) {
  auto c = load(std::string(kMinimal));
  ASSERT_TRUE(c) << errors_.to_string();
  EXPECT_EQ(c->control.socket, "");
  EXPECT_EQ(control_socket_path(*c), "/var/lib/dnsd/control.sock");
  Config defaults;
  EXPECT_EQ(control_socket_path(defaults), "/var/lib/dnsd/control.sock");
}

TEST_F(ConfigTest, ControlSocketOffAndPaths) {
  struct Case {
    const char* value;
    std::string stored, effective;
  } cases[] = {
      {"off", "off", ""},
      {"/run/dnsd/dnsd.ctl", "/run/dnsd/dnsd.ctl", "/run/dnsd/dnsd.ctl"},
      {"run/ctl.sock", dir_.file("run/ctl.sock"), dir_.file("run/ctl.sock")},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.value);
    auto c = load(std::string(kMinimal) + "[control]\nsocket = \"" + k.value + "\"\n");
    ASSERT_TRUE(c) << errors_.to_string();
    EXPECT_EQ(c->control.socket, k.stored);
    EXPECT_EQ(control_socket_path(*c), k.effective);
  }
}

TEST_F(ConfigTest, ControlSocketTooLongOrNotAStringIsRefused) {
  std::string longp = "/" + std::string(120, 'x');
  std::string text = std::string(kMinimal) + "[control]\nsocket = \"" + longp + "\"\n";
  expect_only_error(text, "socket =",
                    ": control.socket = \"" + longp.substr(0, 76) +
                        "...: path too long for a unix socket (121 bytes, at most 107): " + longp);
  text = std::string(kMinimal) + "[control]\nsocket = 1\n";
  expect_only_error(text, "socket =", ": control.socket = 1: must be a string");
}

}  // namespace
}  // namespace dnsd::config
