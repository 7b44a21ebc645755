// The query log thread and the line format.
#include "dnsd/net/query_log.h"

#include <spdlog/spdlog.h>
#include <uv.h>

#include <chrono>

namespace dnsd::net {
namespace {

// The wire-form QNAME at the start of `q` as presentation text, escaped (RFC 4343 2.1).
std::string qname_text(const uint8_t* q, size_t len) {
  std::string out;
  size_t i = 0;
  while (i < len) {
    uint8_t l = q[i++];
    if (l == 0) return out.empty() ? "." : out;
    if (l > 63 || i + l > len) break;  // compressed or cut: not a name we can show
    for (size_t k = 0; k < l; ++k) {
      uint8_t c = q[i + k];
      if (c == '.' || c == '\\' || c == '"' || c == ' ') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x21 || c > 0x7e) {
        char esc[5];
        std::snprintf(esc, sizeof esc, "\\%03u", c);
        out += esc;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '.';
    i += l;
  }
  return "(none)";
}

std::string label_or_number(std::string_view label, const char* prefix, unsigned n) {
  if (label != "other") return std::string(label);
  return prefix + std::to_string(n);
}

uint64_t now_ms() { return uv_hrtime() / 1'000'000; }

}  // namespace

std::string format_query_log_line(const QueryLogRecord& r) {
  std::string qtype = r.question_len == 0
                          ? "-"
                          : label_or_number(query_labels::qtype_label(query_labels::qtype_index(r.qtype)),
                                            "TYPE", r.qtype);
  std::string rcode = label_or_number(query_labels::rcode_label(query_labels::rcode_index(r.rcode)),
                                      "RCODE", r.rcode);
  return "query client=" + r.client.to_string() + " qname=" + qname_text(r.question, r.question_len) +
         " qtype=" + qtype + " rcode=" + rcode + " size=" + std::to_string(r.size) +
         " latency_us=" + std::to_string(r.latency_us) + " transport=" + (r.tcp ? "tcp" : "udp");
}

void QueryLogger::configure(bool on, uint32_t per_second) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    on_ = on;
    rate_ = per_second;
  }
  cv_.notify_all();
}

void QueryLogger::start(std::vector<QueryLogRing*> rings) {
  rings_ = std::move(rings);
  thread_ = std::thread([this] { run(); });
}

void QueryLogger::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueryLogger::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    bool on = on_;
    cap_.set_rate(rate_);
    lock.unlock();
    drain(now_ms());  // also once after logging was turned off: what the workers queued
    lock.lock();
    if (on) cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return stopping_ || !on_; });
    else cv_.wait(lock, [&] { return stopping_ || on_; });
  }
  lock.unlock();
  drain(now_ms());
}

void QueryLogger::drain(uint64_t now) {
  uint64_t overflow = 0;
  for (QueryLogRing* ring : rings_) {
    ring->drain([&](const QueryLogRecord& r) {
      if (cap_.admit(now)) spdlog::info("{}", format_query_log_line(r));
    });
    overflow += ring->overflow();
  }
  cap_.lost(overflow - overflow_seen_, now);
  overflow_seen_ = overflow;
  if (uint64_t n = cap_.take_summary(now))
    spdlog::info("query log: {} queries not logged in the last second ([log] queries_per_second = {})",
                 n, cap_.rate());
}

}  // namespace dnsd::net
