// Opening listening sockets: one UDP and one TCP socket per (address, worker), each with
// SO_REUSEPORT so the kernel spreads queries over the workers without a shared lock.
#pragma once
#include <string>

#include "dnsd/common/address.h"

namespace dnsd::net {

// True for 0.0.0.0 and [::].
bool is_wildcard(const common::SocketAddress& addr);
// Returns a non-blocking bound UDP socket, or -1 with `error` set. On a wildcard address
// it also asks for IP_PKTINFO / IPV6_RECVPKTINFO (see UdpReceiver).
int open_udp_socket(const common::SocketAddress& addr, std::string& error);
// Returns a non-blocking bound, listening TCP socket, or -1 with `error` set.
int open_tcp_listener(const common::SocketAddress& addr, int backlog, std::string& error);

}  // namespace dnsd::net
