// Update forwarding (RFC 2136 6): a node that is not a zone's primary passes a replicated
// update, bytes unchanged, over TCP to the primary (from its own replica address, so the
// primary can tell a forwarded message) and relays the primary's answer unchanged. On its
// own thread, so the zone service never waits on the network (it must stay free to apply
// the primary's replication updates meanwhile).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/common/duration.h"

namespace dnsd::replication {

struct ForwardJob {
  std::vector<uint8_t> message;        // the client's update as received
  common::SocketAddress primary;
  common::SocketAddress source;        // this node's replica address (any port)
  std::vector<uint8_t> servfail;       // the answer when the primary does not answer
  std::string log_prefix;              // "update api.example.test. from ... key ..."
  std::chrono::steady_clock::time_point deadline;
  std::function<void(std::vector<uint8_t>)> respond;
};

class UpdateForwarder {
 public:
  UpdateForwarder();
  ~UpdateForwarder();
  UpdateForwarder(const UpdateForwarder&) = delete;
  UpdateForwarder& operator=(const UpdateForwarder&) = delete;

  void forward(ForwardJob job);

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ForwardJob> queue_;
  bool stop_ = false;
  std::thread thread_;
};

// True if `answer` is a response to `request` (same ID, QR set, opcode UPDATE).
bool answers_update(const std::vector<uint8_t>& request, const std::vector<uint8_t>& answer);

}  // namespace dnsd::replication
