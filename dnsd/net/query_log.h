// [log] queries: one line per query a query thread answered. It only copies a small
// record into its own single-producer ring (no lock, no formatting, no I/O); the query
// log thread drains every ring, applies the queries_per_second cap, formats and writes
// the lines, and once a second says how many were not logged.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dnsd/common/address.h"
#include "dnsd/net/query_counters.h"
#include "dnsd/net/query_log_cap.h"

namespace dnsd::net {

struct QueryLogRecord {
  common::SocketAddress client;
  uint8_t question[255];  // the query's bytes from the question on (the QNAME in wire form)
  uint8_t question_len = 0;
  bool tcp = false;
  uint16_t qtype = 0;
  uint16_t rcode = 0;
  uint32_t size = 0;        // response bytes
  uint32_t latency_us = 0;  // from reading the query to sending the answer

  void set_question(const uint8_t* query, size_t query_len) {
    size_t n = query_len > 12 ? query_len - 12 : 0;
    question_len = static_cast<uint8_t>(n > sizeof question ? sizeof question : n);
    std::memcpy(question, query + 12, question_len);
  }
};

// "query client=192.0.2.1:5353 qname=www.example.com. qtype=A rcode=NOERROR size=56
// latency_us=12 transport=udp" (one line, no newline).
std::string format_query_log_line(const QueryLogRecord& r);

// One query thread's queue of records (a TCP worker's or a UDP socket thread's): that
// thread pushes, the query log thread pops.
class QueryLogRing {
 public:
  static constexpr size_t kCapacity = 256;

  // The owning thread: the record to fill, then commit(); nullptr when full (counted).
  QueryLogRecord* reserve() {
    uint64_t h = head_.load(std::memory_order_relaxed);
    if (h - tail_.load(std::memory_order_acquire) >= kCapacity) {
      bump(overflow_);
      return nullptr;
    }
    return &slots_[h % kCapacity];
  }
  void commit() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }
  // The owning thread: `n` more records it had no room for (counted as not logged).
  void lose(uint64_t n) { bump(overflow_, n); }

  // The query log thread.
  template <class F>
  void drain(F&& f) {
    uint64_t t = tail_.load(std::memory_order_relaxed);
    uint64_t h = head_.load(std::memory_order_acquire);
    for (; t < h; ++t) f(slots_[t % kCapacity]);
    tail_.store(t, std::memory_order_release);
  }
  uint64_t overflow() const { return overflow_.load(std::memory_order_relaxed); }

 private:
  QueryLogRecord slots_[kCapacity];
  std::atomic<uint64_t> head_{0}, tail_{0}, overflow_{0};
};

class QueryLogger {
 public:
  QueryLogger() = default;
  ~QueryLogger() { stop(); }

  // Thread-safe; takes effect within one drain period.
  void configure(bool on, uint32_t per_second);
  // The rings live as long as their threads, which outlive stop().
  void start(std::vector<QueryLogRing*> rings);
  void stop();  // after the query threads stopped: writes what they left, joins

 private:
  void run();
  void drain(uint64_t now_ms);

  std::vector<QueryLogRing*> rings_;
  QueryLogCap cap_{100};
  uint64_t overflow_seen_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool on_ = false;
  uint32_t rate_ = 100;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dnsd::net
