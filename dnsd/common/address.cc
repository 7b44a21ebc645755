// Socket address parsing and formatting.
#include "dnsd/common/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace dnsd::common {

uint16_t SocketAddress::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
  if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
  return 0;
}

std::string SocketAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port());
  }
  if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(port());
  }
  return "?";
}

std::optional<in_addr> parse_ipv4(std::string_view text) {
  if (text.empty() || text.size() >= INET_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
  return a;
}

std::optional<in6_addr> parse_ipv6(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  in6_addr a{};
  if (inet_pton(AF_INET6, s.c_str(), &a) != 1) return std::nullopt;
  return a;
}

static std::optional<uint16_t> parse_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return std::nullopt;
  uint32_t v = 0;
  for (char c : p) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v > 65535) return std::nullopt;
  return static_cast<uint16_t>(v);
}

std::optional<SocketAddress> parse_socket_address(std::string_view text,
                                                  std::optional<uint16_t> default_port) {
  std::string_view host;
  std::optional<uint16_t> port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) port = default_port;
    else if (rest.front() == ':') port = parse_port(rest.substr(1));
    else return std::nullopt;
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      host = text;
      port = default_port;
    } else if (text.find(':') != colon) {
      // Unbracketed IPv6: only valid as a bare address.
      host = text;
      port = default_port;
    } else {
      host = text.substr(0, colon);
      port = parse_port(text.substr(colon + 1));
    }
  }
  if (!port) return std::nullopt;
  SocketAddress out;
  if (auto v4 = parse_ipv4(host)) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(*port);
    sin->sin_addr = *v4;
    out.length = sizeof(sockaddr_in);
    return out;
  }
  if (auto v6 = parse_ipv6(host)) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(*port);
    sin6->sin6_addr = *v6;
    out.length = sizeof(sockaddr_in6);
    return out;
  }
  return std::nullopt;
}

}  // namespace dnsd::common
