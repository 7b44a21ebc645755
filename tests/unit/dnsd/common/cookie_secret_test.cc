// The random cookie secret of a node without a secret file.
#include "dnsd/common/cookie_secret.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

TEST(CookieSecret, RandomSecretsAreOneFullSecretAndDiffer) {
  CookieSecrets a = random_cookie_secrets(), b = random_cookie_secrets();
  EXPECT_EQ(a.count, 1);
  EXPECT_EQ(b.count, 1);
  EXPECT_NE(a.keys[0], b.keys[0]);  // 2^-128 to fail by chance
  EXPECT_NE(a.keys[0], CookieSecret{});
}

}  // namespace
}  // namespace dnsd::common
