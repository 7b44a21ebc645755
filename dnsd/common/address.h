// Socket addresses as written in configs: "127.0.0.1:53", "[::1]:53", bare IPs.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dnsd::common {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  uint16_t port() const;
  const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&storage); }
  // "127.0.0.1:53" or "[::1]:53".
  std::string to_string() const;
};

// "host:port" where host is an IPv4 literal or a bracketed IPv6 literal.
// With default_port set, a bare address (no port) is also accepted.
std::optional<SocketAddress> parse_socket_address(std::string_view text,
                                                  std::optional<uint16_t> default_port = {});

// A single IPv4 address, 4 bytes in network order.
std::optional<in_addr> parse_ipv4(std::string_view text);
// A single IPv6 address.
std::optional<in6_addr> parse_ipv6(std::string_view text);

}  // namespace dnsd::common
