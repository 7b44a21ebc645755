// A watch on one etcd key through the v3 gateway's streaming /v3/watch, on its own thread,
// so that a sentinel hears of the leader key's deletion at once instead of at its next
// coordination round.
//
// The stream is one long POST whose reply is a JSON message a line. The request carries the
// "hasleader" metadata (Grpc-Metadata-hasleader), so a member cut off from its raft leader
// cancels the watch instead of keeping a stream that would never see another event. A stream
// that fails, ends or is cancelled is opened again on the next endpoint after `retry`. The
// watch is only a wake-up: its owner must keep polling on its own (the coordination rounds),
// as events can be missed between two streams; `on_news` gets Established each time a stream
// is opened, so the owner can re-read what it may have missed.
//
// stop() ends a blocked stream at once (curl_multi_wakeup) and joins the thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sentinel::coord {

enum class WatchNews : uint8_t { Established, Put, Deleted, Broken };
const char* watch_news_name(WatchNews n);

class EtcdWatch {
 public:
  // `on_news` runs on the watch thread: keep it short (set a flag, notify). `detail` names the
  // endpoint, and for Broken what broke.
  using OnNews = std::function<void(WatchNews, const std::string& detail)>;
  EtcdWatch(std::vector<std::string> endpoints, std::string key,
            std::chrono::milliseconds connect_timeout, std::chrono::milliseconds retry,
            OnNews on_news);
  ~EtcdWatch();  // stop()
  EtcdWatch(const EtcdWatch&) = delete;
  EtcdWatch& operator=(const EtcdWatch&) = delete;

  void start();
  void stop();

 private:
  struct Stream;
  void run();
  // One stream on `endpoint` until it breaks or stop(); what broke it, empty on stop().
  std::string stream(const std::string& endpoint);

  std::vector<std::string> endpoints_;
  const std::string key_;
  const std::chrono::milliseconds connect_timeout_;
  const std::chrono::milliseconds retry_;
  OnNews on_news_;

  std::mutex mu_;
  std::condition_variable cv_;
  void* multi_ = nullptr;  // CURLM*, made once: curl_multi_wakeup needs it from stop()
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace sentinel::coord
