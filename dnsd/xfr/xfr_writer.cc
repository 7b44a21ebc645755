// Zone transfer message building.
#include "dnsd/xfr/xfr_writer.h"

#include "dnsd/wire/byte_append.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/response_header.h"

namespace dnsd::xfr {
using wire::append_u16;
using wire::append_u32;

XfrWriter::XfrWriter(const uint8_t* query, size_t question_end, size_t max_message)
    : header_and_question_(query, query + question_end), max_(max_message > 65535 ? 65535 : max_message) {
  // QR + AA, opcode QUERY, RD copied; counts rewritten per message.
  uint16_t qflags = static_cast<uint16_t>(query[2] << 8 | query[3]);
  wire::write_response_header(header_and_question_.data(),
                              wire::response_flags(qflags, wire::opcode::QUERY, 0, {.aa = true}),
                              1, 0, 0, 0);
  start_message();
}

void XfrWriter::start_message() {
  cur_ = header_and_question_;
  if (!done_.empty()) {
    // RFC 5936 2.2.1: the question need only be in the first message.
    cur_.resize(12);
    cur_[5] = 0;
  }
  count_ = 0;
}

void XfrWriter::close_message() {
  cur_[6] = static_cast<uint8_t>(count_ >> 8);
  cur_[7] = static_cast<uint8_t>(count_);
  done_.push_back(std::move(cur_));
}

void XfrWriter::add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata) {
  size_t rr = owner.size() + 10 + rdata.size();
  if (count_ > 0 && (cur_.size() + rr > max_ || count_ == 65535)) {
    close_message();
    start_message();
  }
  cur_.insert(cur_.end(), owner.begin(), owner.end());
  append_u16(cur_, type);
  append_u16(cur_, wire::klass::IN);
  append_u32(cur_, ttl);
  append_u16(cur_, static_cast<uint16_t>(rdata.size()));
  cur_.insert(cur_.end(), rdata.begin(), rdata.end());
  ++count_;
}

std::vector<std::vector<uint8_t>> XfrWriter::finish() {
  close_message();
  return std::move(done_);
}

std::vector<std::vector<uint8_t>> build_axfr(const uint8_t* query, size_t question_end,
                                             const zone::ZoneSnapshot& zone, size_t max_message) {
  XfrWriter w(query, question_end, max_message);
  zone::NodeContent apex;
  zone.node_content(zone.origin(), apex);
  const zone::RRsetContent* soa = apex.count(wire::type::SOA) ? &apex[wire::type::SOA] : nullptr;
  if (soa) w.add(zone.origin(), wire::type::SOA, soa->ttl, soa->rdatas.front());
  zone.for_each_node([&](std::string_view owner, const zone::NodeContent& node) {
    for (const auto& [type, set] : node) {
      if (type == wire::type::SOA && owner == zone.origin()) continue;
      for (const std::string& rd : set.rdatas) w.add(owner, type, set.ttl, rd);
    }
  });
  if (soa) w.add(zone.origin(), wire::type::SOA, soa->ttl, soa->rdatas.front());
  return w.finish();
}

std::vector<std::vector<uint8_t>> build_ixfr(const uint8_t* query, size_t question_end,
                                             const zone::ZoneSnapshot& zone,
                                             const std::vector<XfrDiff>& diffs,
                                             size_t max_message) {
  XfrWriter w(query, question_end, max_message);
  zone::NodeContent apex;
  zone.node_content(zone.origin(), apex);
  const zone::RRsetContent* soa = apex.count(wire::type::SOA) ? &apex[wire::type::SOA] : nullptr;
  if (!soa) return w.finish();
  w.add(zone.origin(), wire::type::SOA, soa->ttl, soa->rdatas.front());
  if (diffs.empty()) return w.finish();  // RFC 1995 2: up to date, just the SOA
  for (const XfrDiff& d : diffs) {
    w.add(zone.origin(), wire::type::SOA, d.soa_ttl, d.soa_before_rdata);
    for (const auto& r : d.deleted) w.add(r.owner, r.type, r.ttl, r.rdata);
    w.add(zone.origin(), wire::type::SOA, d.soa_ttl, d.soa_after_rdata);
    for (const auto& r : d.added) w.add(r.owner, r.type, r.ttl, r.rdata);
  }
  w.add(zone.origin(), wire::type::SOA, soa->ttl, soa->rdatas.front());
  return w.finish();
}

}  // namespace dnsd::xfr
