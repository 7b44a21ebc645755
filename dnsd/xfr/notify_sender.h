// NOTIFY (RFC 1996) to the zone's secondaries after each change, on its own thread so the
// update path never waits on the network. Every target is worked on at once (one slow or
// refusing secondary never delays the others): each try waits for the reply up to a
// timeout that doubles from try to try (RFC 1996 3.6); only a NOERROR NOTIFY response for
// the zone is an acknowledgement (notify_reply.h). Anything else (an error rcode such as
// REFUSED, a reply that is not for the zone, no reply) is a failed try, logged with its
// reason and retried after the rest of the try's timeout, until the tries run out ("gave
// up"). A newer serial for a target still being retried replaces that job. Each NOTIFY
// leaves from the job's source address (notify_source.h).
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
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
  std::optional<common::SocketAddress> source;  // bound before sending; none = kernel's choice
};

class NotifySender {
 public:
  struct Options {
    int tries = 5;
    common::Millis first_timeout{1000};  // doubles each try
  };
  // Called once per job: acknowledged or not, after how many tries.
  using Outcome = std::function<void(const NotifyJob&, bool acked, int tries)>;

  explicit NotifySender(Options options, Outcome outcome = {});
  ~NotifySender();
  NotifySender(const NotifySender&) = delete;
  NotifySender& operator=(const NotifySender&) = delete;

  // One job per target; `sources` as from resolve_notify_sources() (empty: kernel's choice).
  void notify(const std::string& zone, uint32_t serial,
              const std::vector<common::SocketAddress>& targets,
              const std::vector<common::SocketAddress>& sources = {});
  // Waits until the queue is empty and no job is in flight (tests, shutdown).
  void drain();

 private:
  using Clock = std::chrono::steady_clock;
  struct Active {
    NotifyJob job;
    int fd = -1;
    int tries = 0;          // sent so far
    uint16_t id = 0;        // of the last try
    bool awaiting = false;  // a try is out; else backing off (or due) until `deadline`
    Clock::time_point deadline{};
    std::string last_error;
  };
  void run();
  void start_queued();                   // queued jobs whose target is idle -> active_
  void send_try(Active& a);              // opens the socket if needed, sends try n+1
  void on_datagram(Active& a);           // a reply (or stray datagram) arrived
  void on_deadline(Active& a);           // the try's time is over
  void fail_try(Active& a, std::string why);
  void finish(Active& a, bool acked);

  Options options_;
  Outcome outcome_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<NotifyJob> queue_;
  std::vector<Active> active_;  // the sender thread's own; its size under mutex_ for drain()
  size_t active_count_ = 0;
  bool stop_ = false;
  uint16_t next_id_ = 1;
  std::thread thread_;
};

// The NOTIFY message for `zone` (question: zone SOA IN), with the given ID.
std::vector<uint8_t> build_notify(const std::string& zone, uint16_t id);

}  // namespace dnsd::xfr
