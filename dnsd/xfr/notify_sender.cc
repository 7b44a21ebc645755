// NOTIFY sending: every target at once, tries with a doubling timeout, failures logged.
#include "dnsd/xfr/notify_sender.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/xfr/notify_reply.h"
#include "dnsd/xfr/notify_source.h"

namespace dnsd::xfr {
namespace {

bool same_target(const NotifyJob& a, const NotifyJob& b) {
  return a.zone == b.zone && a.target.to_string() == b.target.to_string();
}

std::string from_text(const NotifyJob& job) {
  return job.source ? " from " + job.source->to_string() : "";
}

}  // namespace

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
  for (auto& a : active_)
    if (a.fd >= 0) close(a.fd);
}

void NotifySender::notify(const std::string& zone, uint32_t serial,
                          const std::vector<common::SocketAddress>& targets,
                          const std::vector<common::SocketAddress>& sources) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& t : targets) {
      NotifyJob job{zone, serial, t, source_for(sources, t)};
      // A newer serial for the same target replaces a queued older one.
      auto q = std::find_if(queue_.begin(), queue_.end(),
                            [&](const NotifyJob& o) { return same_target(o, job); });
      if (q != queue_.end()) *q = std::move(job);
      else queue_.push_back(std::move(job));
    }
  }
  cv_.notify_all();
}

void NotifySender::drain() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return (queue_.empty() && active_count_ == 0) || stop_; });
}

void NotifySender::start_queued() {
  // Under mutex_. A newer serial for a target still being worked on supersedes the older
  // job (not counted: the secondary is told about the newer serial instead), so one target
  // never has two NOTIFYs in flight.
  for (auto& job : queue_) {
    auto busy = std::find_if(active_.begin(), active_.end(),
                             [&](const Active& a) { return a.tries >= 0 && same_target(a.job, job); });
    if (busy != active_.end()) {
      if (busy->fd >= 0) close(busy->fd);
      *busy = Active{};
      busy->job = std::move(job);
      busy->deadline = Clock::now();  // due now
      continue;
    }
    Active a;
    a.job = std::move(job);
    a.deadline = Clock::now();
    active_.push_back(std::move(a));
  }
  queue_.clear();
  active_count_ = active_.size();
}

void NotifySender::send_try(Active& a) {
  common::Millis timeout = options_.first_timeout * (1 << std::min(a.tries, 20));
  ++a.tries;
  a.deadline = Clock::now() + timeout;
  a.awaiting = false;
  if (a.fd < 0) {
    a.fd = socket(a.job.target.family(), SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (a.fd < 0) return fail_try(a, std::string("socket: ") + std::strerror(errno));
    if (a.job.source && bind(a.fd, a.job.source->sa(), a.job.source->length) != 0) {
      std::string why = "cannot send from " + a.job.source->to_string() + ": " + std::strerror(errno);
      close(a.fd);
      a.fd = -1;
      return fail_try(a, why);
    }
  }
  a.id = next_id_++;
  auto msg = build_notify(a.job.zone, a.id);
  if (sendto(a.fd, msg.data(), msg.size(), 0, a.job.target.sa(), a.job.target.length) < 0)
    return fail_try(a, std::string("send: ") + std::strerror(errno));
  a.awaiting = true;
}

void NotifySender::fail_try(Active& a, std::string why) {
  a.awaiting = false;  // back off until the try's deadline
  a.last_error = std::move(why);
  if (a.tries >= options_.tries) a.deadline = Clock::now();  // nothing left to wait for
  else {
    auto left = std::chrono::duration_cast<common::Millis>(a.deadline - Clock::now());
    spdlog::warn("notify: {} serial {} to {}{} failed: {} (try {} of {}); retrying {}",
                 wire::name_to_text(a.job.zone), a.job.serial, a.job.target.to_string(),
                 from_text(a.job), a.last_error, a.tries, options_.tries,
                 left.count() > 0 ? "in " + common::format_duration(left) : std::string("now"));
  }
}

void NotifySender::on_datagram(Active& a) {
  uint8_t buf[512];
  for (;;) {
    ssize_t n = recv(a.fd, buf, sizeof buf, 0);
    if (n < 0) return;  // EAGAIN: read everything there was
    if (!a.awaiting) continue;  // a late reply to a try already given up on
    NotifyReply r = classify_notify_reply(buf, static_cast<size_t>(n), a.id, a.job.zone);
    if (r.kind == NotifyReply::Acknowledged) return finish(a, true);
    if (r.kind == NotifyReply::Failed) fail_try(a, "answered " + r.why);
  }
}

void NotifySender::on_deadline(Active& a) {
  if (a.awaiting) {
    auto waited = options_.first_timeout * (1 << std::min(a.tries - 1, 20));
    a.deadline = Clock::now();
    fail_try(a, "no reply within " + common::format_duration(waited));
  }
  if (a.tries >= options_.tries) return finish(a, false);
  send_try(a);
}

void NotifySender::finish(Active& a, bool acked) {
  if (acked)
    spdlog::info("notify: {} serial {} acknowledged by {}{}", wire::name_to_text(a.job.zone),
                 a.job.serial, a.job.target.to_string(), from_text(a.job));
  else
    spdlog::error("notify: {} serial {} to {}{}: gave up after {} tries (last: {})",
                  wire::name_to_text(a.job.zone), a.job.serial, a.job.target.to_string(),
                  from_text(a.job), a.tries, a.last_error);
  if (outcome_) outcome_(a.job, acked, a.tries);
  if (a.fd >= 0) close(a.fd);
  a.fd = -1;
  a.tries = -1;  // done: removed by run()
}

void NotifySender::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      active_.erase(std::remove_if(active_.begin(), active_.end(),
                                   [](const Active& a) { return a.tries < 0; }),
                    active_.end());
      start_queued();
      if (active_.empty()) cv_.notify_all();  // drain()
      // Idle: sleep until a job comes. Busy: look at the queue again at least every 50 ms.
      if (active_.empty())
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      start_queued();
    }
    auto now = Clock::now();
    for (auto& a : active_)
      if (a.tries == 0) send_try(a);
      else if (a.tries > 0 && a.deadline <= now) on_deadline(a);
    std::vector<pollfd> fds;
    std::vector<size_t> which;
    auto next = Clock::now() + std::chrono::milliseconds(50);
    for (size_t i = 0; i < active_.size(); ++i) {
      if (active_[i].tries < 0) continue;
      next = std::min(next, active_[i].deadline);
      if (active_[i].fd >= 0) {
        fds.push_back({active_[i].fd, POLLIN, 0});
        which.push_back(i);
      }
    }
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    if (poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait, 0))) > 0)
      for (size_t k = 0; k < fds.size(); ++k)
        if (fds[k].revents & POLLIN) on_datagram(active_[which[k]]);
  }
}

}  // namespace dnsd::xfr
