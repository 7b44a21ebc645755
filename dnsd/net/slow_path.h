// The hand-off from a worker to the zone service for messages that are not plain queries
// (UPDATE, NOTIFY, AXFR/IXFR, TSIG-signed queries). The responder may be called from any
// thread, once, with one message (UDP) or several (a TCP transfer).
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "dnsd/answer/answer.h"
#include "dnsd/common/address.h"

namespace dnsd::net {

struct SlowRequest {
  std::vector<uint8_t> query;
  common::SocketAddress client;
  answer::Transport transport = answer::Transport::Udp;
};

using Responder = std::function<void(std::vector<std::vector<uint8_t>> messages)>;
using SlowPathHandler = std::function<void(SlowRequest request, Responder respond)>;

}  // namespace dnsd::net
