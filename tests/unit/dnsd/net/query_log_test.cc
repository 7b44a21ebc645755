// The query log line and the worker's ring: what a line says, and that a full ring
// refuses (and counts) rather than overwrites.
#include "dnsd/net/query_log.h"

#include <gtest/gtest.h>

namespace dnsd::net {
namespace {

QueryLogRecord record(const std::string& question_hex_free_name, uint16_t qtype) {
  QueryLogRecord r;
  r.client = *common::parse_socket_address("192.0.2.7:5353");
  std::vector<uint8_t> q(12, 0);
  std::string label;
  for (char c : question_hex_free_name + ".") {
    if (c == '.') {
      if (label.empty()) break;
      q.push_back(static_cast<uint8_t>(label.size()));
      q.insert(q.end(), label.begin(), label.end());
      label.clear();
    } else {
      label += c;
    }
  }
  q.push_back(0);
  q.push_back(static_cast<uint8_t>(qtype >> 8));
  q.push_back(static_cast<uint8_t>(qtype));
  r.set_question(q.data(), q.size());
  r.qtype = qtype;
  return r;
}

TEST(QueryLogLine, Fields) {
  QueryLogRecord r = record("www.example.com", 28);
  r.rcode = 3;
  r.size = 120;
  r.latency_us = 42;
  r.tcp = true;
  EXPECT_EQ(format_query_log_line(r),
            "query client=192.0.2.7:5353 qname=www.example.com. qtype=AAAA rcode=NXDOMAIN "
            "size=120 latency_us=42 transport=tcp");
}

TEST(QueryLogLine, UncommonTypesRcodesAndOddNames) {
  QueryLogRecord r = record("a b.example", 99);
  r.rcode = 9;
  std::string line = format_query_log_line(r);
  EXPECT_NE(line.find("qname=a\\ b.example."), std::string::npos) << line;
  EXPECT_NE(line.find("qtype=TYPE99 rcode=RCODE9"), std::string::npos) << line;
  QueryLogRecord none;
  none.client = r.client;
  none.rcode = 1;
  line = format_query_log_line(none);  // FORMERR to a message without a question
  EXPECT_NE(line.find("qname=(none) qtype=- rcode=FORMERR"), std::string::npos) << line;
}

TEST(QueryLogRing, FullRingRefusesAndCounts) {
  auto ring = std::make_unique<QueryLogRing>();
  for (size_t i = 0; i < QueryLogRing::kCapacity; ++i) {
    QueryLogRecord* r = ring->reserve();
    ASSERT_NE(r, nullptr);
    r->size = static_cast<uint32_t>(i);
    ring->commit();
  }
  EXPECT_EQ(ring->reserve(), nullptr);
  EXPECT_EQ(ring->overflow(), 1u);
  ring->lose(5);  // the rest of the worker's batch that found the ring full
  EXPECT_EQ(ring->overflow(), 6u);
  uint32_t expect = 0;
  size_t n = 0;
  ring->drain([&](const QueryLogRecord& r) {
    EXPECT_EQ(r.size, expect++);
    ++n;
  });
  EXPECT_EQ(n, QueryLogRing::kCapacity);
  EXPECT_NE(ring->reserve(), nullptr);  // room again
}

}  // namespace
}  // namespace dnsd::net
