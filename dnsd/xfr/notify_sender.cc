// NOTIFY sending with retries.
#include "dnsd/xfr/notify_sender.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"

namespace dnsd::xfr {

std::vector<uint8_t> build_notify(const std::string& zone, uint16_t id) {
  std::vector<uint8_t> m;
  m.reserve(12 + zone.size() + 4);
  auto put16 = [&m](uint16_t v) {
    m.push_back(static_cast<uint8_t>(v >> 8));
    m.push_back(static_cast<uint8_t>(v));
  };
  put16(id);
  put16(static_cast<uint16_t>(wire::opcode::NOTIFY << 11) | wire::flag::AA);  // RFC 1996 3.7
  put16(1);  // qdcount
  put16(0);
  put16(0);
  put16(0);
  for (char c : zone) m.push_back(static_cast<uint8_t>(c));
  put16(wire::type::SOA);
  put16(wire::klass::IN);
  return m;
}

NotifySender::NotifySender(Options options, Outcome outcome)
    : options_(options), outcome_(std::move(outcome)) {
  next_id_ = static_cast<uint16_t>(std::random_device{}());
  thread_ = std::thread([this] { run(); });
}

NotifySender::~NotifySender() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void NotifySender::notify(const std::string& zone, uint32_t serial,
                          const std::vector<common::SocketAddress>& targets) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& t : targets) {
      // A newer serial for the same target replaces a queued older one.
      bool merged = false;
      for (auto& q : queue_) {
        if (q.zone == zone && q.target.to_string() == t.to_string()) {
          q.serial = serial;
          merged = true;
        }
      }
      if (!merged) queue_.push_back({zone, serial, t});
    }
  }
  cv_.notify_all();
}

void NotifySender::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return (queue_.empty() && !busy_) || stop_; });
}

void NotifySender::run() {
  for (;;) {
    NotifyJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      job = queue_.front();
      queue_.pop_front();
      busy_ = true;
    }
    int tries = 0;
    bool acked = send_one(job, tries);
    if (acked) {
      spdlog::info("notify: {} serial {} acknowledged by {}", wire::name_to_text(job.zone), job.serial,
                   job.target.to_string());
    } else {
      spdlog::warn("notify: {} serial {} to {} not acknowledged after {} tries",
                   wire::name_to_text(job.zone), job.serial, job.target.to_string(), tries);
    }
    if (outcome_) outcome_(job, acked, tries);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

bool NotifySender::send_one(const NotifyJob& job, int& tries) {
  int fd = socket(job.target.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool acked = false;
  auto timeout = options_.first_timeout;
  for (tries = 0; tries < options_.tries && !acked; ++tries) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) break;
    }
    uint16_t id = next_id_++;
    auto msg = build_notify(job.zone, id);
    if (sendto(fd, msg.data(), msg.size(), 0, job.target.sa(), job.target.length) < 0) {
      usleep(static_cast<useconds_t>(timeout.count() * 1000));
    } else {
      pollfd p{fd, POLLIN, 0};
      auto deadline = timeout.count();
      while (!acked && poll(&p, 1, static_cast<int>(deadline)) > 0) {
        uint8_t buf[512];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        // Any response to our ID with opcode NOTIFY counts (RFC 1996 4.7).
        if (n >= 12 && (buf[0] << 8 | buf[1]) == id && (buf[2] & 0x80) &&
            ((buf[2] >> 3) & 0xF) == wire::opcode::NOTIFY) {
          acked = true;
        }
      }
    }
    timeout *= 2;
  }
  close(fd);
  return acked;
}

}  // namespace dnsd::xfr
