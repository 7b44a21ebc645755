// NOTIFY source address selection.
#include "dnsd/xfr/notify_source.h"

#include <arpa/inet.h>

#include <cstring>

namespace dnsd::xfr {
namespace {

common::SocketAddress with_port(common::SocketAddress a, uint16_t port) {
  if (a.family() == AF_INET)
    reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port = htons(port);
  else if (a.family() == AF_INET6)
    reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port = htons(port);
  return a;
}

}  // namespace

bool is_wildcard(const common::SocketAddress& a) {
  if (a.family() == AF_INET)
    return reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr.s_addr == htonl(INADDR_ANY);
  if (a.family() == AF_INET6)
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(&a.storage)->sin6_addr);
  return false;
}

std::vector<common::SocketAddress> resolve_notify_sources(
    const std::vector<common::SocketAddress>& notify_source,
    const std::vector<common::SocketAddress>& listen) {
  std::vector<common::SocketAddress> out;
  for (int family : {AF_INET, AF_INET6}) {
    const common::SocketAddress* pick = nullptr;
    for (const auto& a : notify_source)
      if (a.family() == family) {
        pick = &a;
        break;
      }
    if (pick) {
      out.push_back(*pick);
      continue;
    }
    for (const auto& a : listen)
      if (a.family() == family && !is_wildcard(a)) {
        out.push_back(with_port(a, 0));  // the listen port is the server's own socket
        break;
      }
  }
  return out;
}

std::optional<common::SocketAddress> source_for(const std::vector<common::SocketAddress>& sources,
                                                const common::SocketAddress& target) {
  for (const auto& s : sources)
    if (s.family() == target.family()) {
      if (is_wildcard(s) && s.port() == 0) return std::nullopt;
      return s;
    }
  return std::nullopt;
}

}  // namespace dnsd::xfr
