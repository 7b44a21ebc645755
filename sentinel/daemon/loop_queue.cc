// Loop-thread closures and the blocking-job executor.
#include "sentinel/daemon/loop_queue.h"

#include <spdlog/spdlog.h>

namespace sentinel::daemon {

LoopQueue::LoopQueue(uv_loop_t* loop) {
  uv_async_init(loop, &async_, on_async);
  async_.data = this;
}

void LoopQueue::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    queue_.push_back(std::move(fn));
  }
  uv_async_send(&async_);
}

void LoopQueue::close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    queue_.clear();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

void LoopQueue::on_async(uv_async_t* h) {
  auto* self = static_cast<LoopQueue*>(h->data);
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(self->mu_);
    batch.swap(self->queue_);
  }
  for (auto& fn : batch) {
    try {
      fn();
    } catch (const std::exception& e) {
      spdlog::error("internal error on the loop: {}", e.what());
    }
  }
}

Executor::Executor(LoopQueue& results) : results_(results), thread_([this] { run(); }) {}

Executor::~Executor() { stop(); }

void Executor::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void Executor::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    jobs_.clear();
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Executor::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.erase(jobs_.begin());
    }
    std::function<void()> done;
    try {
      done = job();
    } catch (const std::exception& e) {
      spdlog::error("internal error in a background job: {}", e.what());
    }
    if (done) results_.post(std::move(done));
  }
}

}  // namespace sentinel::daemon
