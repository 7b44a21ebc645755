// RRL: the rate per prefix, the slip cadence, prefixes kept apart, the window resets.
#include "dnsd/net/rate_limiter.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>

namespace dnsd::net {
namespace {

sockaddr_storage v4(const char* ip) {
  sockaddr_storage s{};
  auto* sin = reinterpret_cast<sockaddr_in*>(&s);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, ip, &sin->sin_addr);
  return s;
}

sockaddr_storage v6(const char* ip) {
  sockaddr_storage s{};
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&s);
  sin6->sin6_family = AF_INET6;
  inet_pton(AF_INET6, ip, &sin6->sin6_addr);
  return s;
}

TEST(RateLimiterTest, RateThenSlipEverySecondResponse) {
  RateLimiter rl(5, 2);
  int send = 0, slip = 0, drop = 0;
  for (int i = 0; i < 25; ++i) {
    switch (rl.check(v4("192.0.2.7"), 100, false)) {
      case RateLimiter::Verdict::Send: ++send; break;
      case RateLimiter::Verdict::Slip: ++slip; break;
      case RateLimiter::Verdict::Drop: ++drop; break;
    }
  }
  EXPECT_EQ(send, 5);
  EXPECT_EQ(slip, 10);
  EXPECT_EQ(drop, 10);
  EXPECT_EQ(rl.check(v4("192.0.2.7"), 101, false), RateLimiter::Verdict::Send);  // next second
}

TEST(RateLimiterTest, SamePrefixSharesABucketOthersDoNot) {
  RateLimiter rl(2, 0);
  EXPECT_EQ(rl.check(v4("192.0.2.1"), 1, false), RateLimiter::Verdict::Send);
  EXPECT_EQ(rl.check(v4("192.0.2.200"), 1, false), RateLimiter::Verdict::Send);  // same /24
  EXPECT_EQ(rl.check(v4("192.0.2.9"), 1, false), RateLimiter::Verdict::Drop);     // slip 0: drop all
  EXPECT_EQ(rl.check(v4("198.51.100.1"), 1, false), RateLimiter::Verdict::Send);  // another /24
  EXPECT_EQ(rl.check(v6("2001:db8:0:1::1"), 1, false), RateLimiter::Verdict::Send);
  EXPECT_EQ(rl.check(v6("2001:db8:0:1::2"), 1, false), RateLimiter::Verdict::Send);  // same /56
  EXPECT_EQ(rl.check(v6("2001:db8:0:1:ffff::3"), 1, false), RateLimiter::Verdict::Drop);
  EXPECT_EQ(rl.check(v6("2001:db8:0:200::1"), 1, false), RateLimiter::Verdict::Send);  // another /56
}

TEST(RateLimiterTest, OffMeansEverythingIsSent) {
  RateLimiter rl(0, 2);
  EXPECT_FALSE(rl.enabled());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rl.check(v4("192.0.2.1"), 1, false), RateLimiter::Verdict::Send);
}

// RFC 7873 5.2.5: a query with a valid server cookie comes from the address it claims,
// so it is never a spoofed flood's victim: always answered, and not counted either.
TEST(RateLimiterTest, ValidServerCookieIsExemptAndNotCounted) {
  RateLimiter rl(2, 2);
  struct Case {
    const char* why;
    bool valid_cookie;
    RateLimiter::Verdict want;
  };
  const Case cases[] = {
      {"within the rate", false, RateLimiter::Verdict::Send},
      {"a valid cookie does not use the rate up", true, RateLimiter::Verdict::Send},
      {"so the second plain answer is still within it", false, RateLimiter::Verdict::Send},
      {"over the rate: first limited one dropped (slip 2)", false, RateLimiter::Verdict::Drop},
      {"over the rate, but a valid cookie: sent", true, RateLimiter::Verdict::Send},
      {"the cookie answer did not advance the slip cadence", false, RateLimiter::Verdict::Slip},
      {"valid cookie, in full, still", true, RateLimiter::Verdict::Send},
  };
  for (const Case& c : cases)
    EXPECT_EQ(rl.check(v4("192.0.2.7"), 100, c.valid_cookie), c.want) << c.why;
}

TEST(RateLimiterTest, SlipKeepsOnlyHeaderAndQuestionWithTc) {
  // header (qd=1, an=1) + question "a." A IN + an answer RR
  uint8_t m[] = {0, 1, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 'a', 0, 0, 1, 0, 1,
                 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4};
  size_t n = truncate_for_slip(m, sizeof m);
  EXPECT_EQ(n, 19u);
  EXPECT_TRUE(m[2] & 0x02);
  EXPECT_EQ(m[7], 0);  // ancount
  EXPECT_EQ(m[5], 1);  // qdcount kept
}

}  // namespace
}  // namespace dnsd::net
