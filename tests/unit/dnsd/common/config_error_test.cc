// ConfigError / ErrorList: the one-line "file:line: key = value: reason" format.
#include "dnsd/common/config_error.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

TEST(ConfigError, FullForm) {
  ConfigError e{"dnsd.toml", 12, "server.workers", "-1", "must be between 0 and 256"};
  EXPECT_EQ(e.to_string(), "dnsd.toml:12: server.workers = -1: must be between 0 and 256");
}

TEST(ConfigError, OmitsWhatIsUnknown) {
  EXPECT_EQ((ConfigError{"a.toml", 0, "zone", "", "at least one"}).to_string(),
            "a.toml: zone: at least one");
  EXPECT_EQ((ConfigError{"z.zone", 3, "", "", "bad record"}).to_string(), "z.zone:3: bad record");
}

TEST(ErrorList, CollectsAndJoins) {
  ErrorList a, b;
  EXPECT_TRUE(a.empty());
  a.add("f", 1, "k", "v", "r1");
  b.add({"g", 2, "", "", "r2"});
  a.append(b);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.to_string(), "f:1: k = v: r1\ng:2: r2\n");
}

}  // namespace
}  // namespace dnsd::common
