// Update forwarding thread.
#include "dnsd/replication/update_forwarder.h"

#include <spdlog/spdlog.h>

#include "dnsd/replication/tcp_exchange.h"

namespace dnsd::replication {

bool answers_update(const std::vector<uint8_t>& request, const std::vector<uint8_t>& answer) {
  return request.size() >= 12 && answer.size() >= 12 && request[0] == answer[0] && request[1] == answer[1] &&
         (answer[2] & 0x80) && ((answer[2] >> 3) & 0xF) == 5;
}

UpdateForwarder::UpdateForwarder() : thread_([this] { run(); }) {}

UpdateForwarder::~UpdateForwarder() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void UpdateForwarder::forward(ForwardJob job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void UpdateForwarder::run() {
  for (;;) {
    ForwardJob job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    auto left = std::chrono::duration_cast<common::Millis>(job.deadline - std::chrono::steady_clock::now());
    std::string error = "no time left";
    std::optional<std::vector<uint8_t>> answer;
    if (left.count() > 0) answer = tcp_exchange(job.primary, &job.source, job.message, left, error);
    if (answer && !answers_update(job.message, *answer)) {
      error = "the primary's reply does not answer the update";
      answer.reset();
    }
    if (answer) {
      spdlog::info("{}: forwarded to the primary {}, rcode {}", job.log_prefix, job.primary.to_string(),
                   (*answer)[3] & 0xF);
      job.respond(std::move(*answer));
      continue;
    }
    spdlog::error("{}: SERVFAIL, the primary {} did not answer the forwarded update: {}", job.log_prefix,
                  job.primary.to_string(), error);
    job.respond(std::move(job.servfail));
  }
}

}  // namespace dnsd::replication
