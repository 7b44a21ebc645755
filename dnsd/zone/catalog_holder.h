// The current Catalog, swapped atomically on reload/update. Readers (workers) keep their
// own shared_ptr and only re-take it when the generation moves, so a query costs one
// relaxed atomic load and no lock; an old catalog is freed when its last reader moves on.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace dnsd::zone {

class Catalog;

class CatalogHolder {
 public:
  void publish(std::shared_ptr<const Catalog> next) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_) retired_.push_back(std::move(current_));
    current_ = std::move(next);
    generation_.fetch_add(1, std::memory_order_release);
  }
  // Frees retired catalogs no reader holds any more, on the caller's thread. Without it the
  // last worker to let go would free a whole zone in the middle of answering queries.
  void reclaim() {
    std::vector<std::shared_ptr<const Catalog>> dead;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = retired_.begin(); it != retired_.end();) {
        if (it->use_count() == 1) {
          dead.push_back(std::move(*it));
          it = retired_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }  // `dead` is destroyed here, outside the lock
  size_t retired() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return retired_.size();
  }
  std::shared_ptr<const Catalog> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return current_;
  }
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Catalog> current_;
  std::vector<std::shared_ptr<const Catalog>> retired_;
  std::atomic<uint64_t> generation_{0};
};

// Per-worker view: refresh() once per batch; catalog() is then valid until the next refresh.
class CatalogReader {
 public:
  explicit CatalogReader(const CatalogHolder& holder) : holder_(holder) {}
  const Catalog* refresh() {
    uint64_t g = holder_.generation();
    if (g != seen_ || !current_) {
      current_ = holder_.get();
      seen_ = g;
    }
    return current_.get();
  }
  const Catalog* catalog() const { return current_.get(); }

 private:
  const CatalogHolder& holder_;
  std::shared_ptr<const Catalog> current_;
  uint64_t seen_ = ~uint64_t{0};
};

}  // namespace dnsd::zone
