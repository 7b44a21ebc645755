// Runs closures on the libuv loop thread, posted from any thread (executor results, API
// commands) through one uv_async handle.
#pragma once
#include <uv.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace sentinel::daemon {

class LoopQueue {
 public:
  explicit LoopQueue(uv_loop_t* loop);
  ~LoopQueue() = default;
  LoopQueue(const LoopQueue&) = delete;
  LoopQueue& operator=(const LoopQueue&) = delete;

  // Thread-safe. Dropped after close().
  void post(std::function<void()> fn);
  // Loop thread only; closes the async handle.
  void close();

 private:
  static void on_async(uv_async_t* h);
  uv_async_t async_{};
  std::mutex mu_;
  std::vector<std::function<void()>> queue_;
  bool closed_ = false;
};

// One background thread that runs blocking jobs (driver calls, DNS updates, fsync) in
// order; each job returns a closure that is then run on the loop thread.
class Executor {
 public:
  using Job = std::function<std::function<void()>()>;
  explicit Executor(LoopQueue& results);
  ~Executor();
  void submit(Job job);
  void stop();  // finishes the running job, drops queued ones, joins

 private:
  void run();
  LoopQueue& results_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sentinel::daemon
