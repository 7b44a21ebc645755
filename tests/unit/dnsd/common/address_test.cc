// parse_socket_address / parse_ipv4 / parse_ipv6 and SocketAddress formatting.
#include "dnsd/common/address.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

TEST(Address, Ipv4WithPort) {
  auto a = parse_socket_address("127.0.0.1:53");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->port(), 53);
  EXPECT_EQ(a->length, sizeof(sockaddr_in));
  EXPECT_EQ(a->to_string(), "127.0.0.1:53");
}

TEST(Address, BracketedIpv6WithPort) {
  auto a = parse_socket_address("[2001:DB8::1]:5353");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family(), AF_INET6);
  EXPECT_EQ(a->port(), 5353);
  EXPECT_EQ(a->length, sizeof(sockaddr_in6));
  EXPECT_EQ(a->to_string(), "[2001:db8::1]:5353");  // canonical lowercase form
}

TEST(Address, PortRequiredWithoutDefault) {
  EXPECT_FALSE(parse_socket_address("127.0.0.1"));
  EXPECT_FALSE(parse_socket_address("[::1]"));
  EXPECT_FALSE(parse_socket_address("::1"));
}

TEST(Address, DefaultPortAppliesToBareAddresses) {
  auto a = parse_socket_address("192.0.2.1", 53);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->to_string(), "192.0.2.1:53");
  auto b = parse_socket_address("[::1]", 53);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->to_string(), "[::1]:53");
  auto c = parse_socket_address("2001:db8::2", 53);  // unbracketed IPv6 only as a bare address
  ASSERT_TRUE(c);
  EXPECT_EQ(c->to_string(), "[2001:db8::2]:53");
  auto d = parse_socket_address("192.0.2.1:5300", 53);  // explicit port wins
  ASSERT_TRUE(d);
  EXPECT_EQ(d->port(), 5300);
}

TEST(Address, RejectsMalformed) {
  for (const char* bad :
       {"", ":53", "localhost:53", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:5x",
        "127.0.0.1:123456", "[::1]53", "[::1:53", "256.0.0.1:53", "1.2.3:53", "[127.0.0.1]x"}) {
    EXPECT_FALSE(parse_socket_address(bad, std::nullopt)) << bad;
  }
}

TEST(Address, PortBoundaries) {
  ASSERT_TRUE(parse_socket_address("127.0.0.1:65535"));
  EXPECT_EQ(parse_socket_address("127.0.0.1:65535")->port(), 65535);
  ASSERT_TRUE(parse_socket_address("127.0.0.1:0"));
  EXPECT_EQ(parse_socket_address("127.0.0.1:0")->port(), 0);
}

TEST(Address, SingleAddresses) {
  auto v4 = parse_ipv4("198.51.100.10");
  ASSERT_TRUE(v4);
  EXPECT_EQ(ntohl(v4->s_addr), 0xC633640Au);
  EXPECT_FALSE(parse_ipv4("198.51.100"));
  EXPECT_FALSE(parse_ipv4("::1"));
  EXPECT_FALSE(parse_ipv4(""));
  EXPECT_FALSE(parse_ipv4("1.2.3.4 "));
  auto v6 = parse_ipv6("2001:db8::10");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->s6_addr[0], 0x20);
  EXPECT_EQ(v6->s6_addr[15], 0x10);
  EXPECT_FALSE(parse_ipv6("198.51.100.10"));
  EXPECT_FALSE(parse_ipv6("[::1]"));
  EXPECT_FALSE(parse_ipv6(std::string(100, '1')));
}

}  // namespace
}  // namespace dnsd::common
