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
// Where a UDP socket bound to `local` is connect()ed when dnsd stops: an address no query
// comes from, so the kernel queues nothing more on it (a connected UDP socket receives only
// from its peer) and answers a later query with ICMP port unreachable, like a closed port.
// It is the socket's own address and port; for a wildcard socket, loopback (127.0.0.1 or
// ::1) and its own port. Answers still go out: sendmmsg names each query's own address.
common::SocketAddress stop_sink_address(const common::SocketAddress& local);
// Connects `fd` (a bound UDP socket) to stop_sink_address() of its own address; false with
// `error` set when it could not.
bool connect_to_stop_sink(int fd, std::string& error);
// Returns a non-blocking bound, listening TCP socket, or -1 with `error` set.
int open_tcp_listener(const common::SocketAddress& addr, int backlog, std::string& error);

}  // namespace dnsd::net
