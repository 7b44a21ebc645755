// One DNS message over TCP (RFC 7766 length-prefixed) and its one answer, with a deadline,
// optionally from a chosen source address (port 0: any port). Blocking: for the
// replication threads, never for the query workers or the zone service.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/duration.h"

namespace dnsd::replication {

std::optional<std::vector<uint8_t>> tcp_exchange(const common::SocketAddress& to,
                                                 const common::SocketAddress* from,
                                                 const std::vector<uint8_t>& message,
                                                 common::Millis timeout, std::string& error);

// The same, for requests answered by a stream of messages (a zone transfer, or several
// queries pipelined on one connection): every message of `messages` is sent, then each
// answer is given to `on_message` until it returns false (done: true) or the deadline,
// which covers the whole stream, passes (false with `error`).
bool tcp_stream(const common::SocketAddress& to, const common::SocketAddress* from,
                const std::vector<std::vector<uint8_t>>& messages, common::Millis timeout,
                const std::function<bool(std::vector<uint8_t>&&)>& on_message, std::string& error);

// `a` with port 0 (a source address to bind).
common::SocketAddress any_port(common::SocketAddress a);
// True when both are the same IP, whatever the ports.
bool same_ip(const common::SocketAddress& a, const common::SocketAddress& b);

}  // namespace dnsd::replication
