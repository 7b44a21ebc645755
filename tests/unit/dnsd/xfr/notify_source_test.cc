// NOTIFY source selection and reply classification: tables of the pure decisions.
#include "dnsd/xfr/notify_source.h"

#include <gtest/gtest.h>

#include "dnsd/wire/name.h"
#include "dnsd/xfr/notify_reply.h"
#include "dnsd/xfr/notify_sender.h"

namespace dnsd::xfr {
namespace {

common::SocketAddress A(const char* s) { return *common::parse_socket_address(s, uint16_t{0}); }
std::vector<common::SocketAddress> L(std::initializer_list<const char*> v) {
  std::vector<common::SocketAddress> out;
  for (const char* s : v) out.push_back(A(s));
  return out;
}

TEST(NotifySourceTest, Table) {
  struct Row {
    std::vector<common::SocketAddress> configured, listen;
    const char* target;
    const char* want;  // "" = the kernel's choice
  } rows[] = {
      // default: the first non-wildcard listen address of the family, any port
      {{}, L({"127.0.0.11:53"}), "127.0.0.20:53", "127.0.0.11:0"},
      {{}, L({"0.0.0.0:53", "127.0.0.12:5300"}), "127.0.0.20:53", "127.0.0.12:0"},
      {{}, L({"0.0.0.0:53"}), "127.0.0.20:53", ""},               // wildcard only
      {{}, L({"127.0.0.11:53"}), "[::1]:53", ""},                  // no IPv6 listen
      {{}, L({"[::]:53", "[::1]:53"}), "[::1]:53", "[::1]:0"},
      // configured wins, per family; the other family keeps the listen default
      {L({"127.0.0.30"}), L({"127.0.0.11:53"}), "127.0.0.20:53", "127.0.0.30:0"},
      {L({"127.0.0.30:5400"}), L({"127.0.0.11:53"}), "127.0.0.20:53", "127.0.0.30:5400"},
      {L({"[::1]"}), L({"127.0.0.11:53"}), "127.0.0.20:53", "127.0.0.11:0"},
      {L({"[::1]"}), L({"127.0.0.11:53"}), "[::1]:53", "[::1]:0"},
      // an explicit wildcard: the kernel picks the address (and the port, with 0)
      {L({"0.0.0.0"}), L({"127.0.0.11:53"}), "127.0.0.20:53", ""},
      {L({"0.0.0.0:5400"}), L({"127.0.0.11:53"}), "127.0.0.20:53", "0.0.0.0:5400"},
  };
  for (const auto& r : rows) {
    auto got = source_for(resolve_notify_sources(r.configured, r.listen), A(r.target));
    EXPECT_EQ(got ? got->to_string() : "", r.want) << r.target << " want " << r.want;
  }
}

// A reply built from our NOTIFY: QR set, then the header byte 3 (rcode) and the opcode.
std::vector<uint8_t> reply(const std::string& zone, uint16_t id, uint8_t rcode, uint8_t opcode = 4) {
  auto m = build_notify(zone, id);
  m[2] = static_cast<uint8_t>(0x80 | (opcode << 3) | (m[2] & 0x07));
  m[3] = rcode;
  return m;
}

TEST(NotifyReplyTest, Table) {
  std::string zone = *wire::name_from_text("example.com.");
  std::string other = *wire::name_from_text("example.net.");
  std::string upper = *wire::name_from_text("EXAMPLE.com.");
  auto query = build_notify(zone, 7);  // our own message, QR clear
  auto no_question = reply(zone, 7, 0);
  no_question[5] = 0;
  no_question.resize(12);
  struct Row {
    std::vector<uint8_t> msg;
    NotifyReply::Kind want;
    const char* why;
  } rows[] = {
      {reply(zone, 7, 0), NotifyReply::Acknowledged, ""},
      {reply(upper, 7, 0), NotifyReply::Acknowledged, ""},  // names compare case-insensitively
      {reply(zone, 7, 5), NotifyReply::Failed, "REFUSED"},
      {reply(zone, 7, 9), NotifyReply::Failed, "NOTAUTH"},
      {reply(zone, 7, 2), NotifyReply::Failed, "SERVFAIL"},
      {reply(zone, 7, 0, 0), NotifyReply::Failed, "not a NOTIFY response (opcode 0)"},
      {reply(other, 7, 0), NotifyReply::Failed, "a response for another zone (example.net.)"},
      {no_question, NotifyReply::Failed, "a NOERROR response without the zone's question"},
      {reply(zone, 8, 0), NotifyReply::NotOurs, ""},  // another ID: an old try's answer
      {query, NotifyReply::NotOurs, ""},              // not a response
      {std::vector<uint8_t>(5, 0), NotifyReply::NotOurs, ""},
  };
  for (const auto& r : rows) {
    auto got = classify_notify_reply(r.msg.data(), r.msg.size(), 7, zone);
    EXPECT_EQ(got.kind, r.want) << r.why;
    EXPECT_EQ(got.why, r.why);
  }
}

}  // namespace
}  // namespace dnsd::xfr
