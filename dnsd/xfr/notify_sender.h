// NOTIFY (RFC 1996) to the zone's secondaries after each change, on its own thread so the
// update path never waits on the network. Each target is retried with a growing timeout
// until it answers (any response with our ID and opcode NOTIFY) or the tries run out.
#pragma once
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

namespace dnsd::xfr {

struct NotifyJob {
  std::string zone;  // wire name
  uint32_t serial = 0;
  common::SocketAddress target;
};

class NotifySender {
 public:
  struct Options {
    int tries = 5;
    common::Millis first_timeout{1000};  // doubles each try
  };
  // Called after each job with whether the target acknowledged (for logs and tests).
  using Outcome = std::function<void(const NotifyJob&, bool acked, int tries)>;

  explicit NotifySender(Options options, Outcome outcome = {});
  ~NotifySender();
  NotifySender(const NotifySender&) = delete;
  NotifySender& operator=(const NotifySender&) = delete;

  void notify(const std::string& zone, uint32_t serial,
              const std::vector<common::SocketAddress>& targets);
  // Waits until the queue is empty and no job is in flight (tests, shutdown).
  void drain();

 private:
  void run();
  bool send_one(const NotifyJob& job, int& tries);

  Options options_;
  Outcome outcome_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<NotifyJob> queue_;
  bool busy_ = false;
  bool stop_ = false;
  uint16_t next_id_ = 1;
  std::thread thread_;
};

// The NOTIFY message for `zone` (question: zone SOA IN), with the given ID.
std::vector<uint8_t> build_notify(const std::string& zone, uint16_t id);

}  // namespace dnsd::xfr
