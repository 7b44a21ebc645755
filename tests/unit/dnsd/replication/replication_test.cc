// The pure parts of replication: the _replication marker, entry encoding, the replication
// update a replica reads back, what the primary sends a replica next, and ack counting.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "dnsd/replication/replica_plan.h"
#include "dnsd/replication/replication_entry.h"
#include "dnsd/replication/replication_log.h"
#include "dnsd/replication/replication_marker.h"
#include "dnsd/update/update_message.h"
#include "dnsd/wire/dns_constants.h"

namespace dnsd::replication {
namespace {

const std::string kOrigin("\x07" "example" "\x03" "com" "\x00", 13);
// Root mname and rname, serial 7, then refresh/retry/expire/minimum.
const std::string kSoa = std::string(2, '\0') + std::string("\0\0\0\x07", 4) + std::string(16, '\x01');
const std::string kOwner("\x03" "www" "\x07" "example" "\x03" "com" "\x00", 17);

TEST(Marker, FormatParseRoundTrip) {
  Marker m{12, "lb1", "0123456789abcdef"};
  EXPECT_EQ(format_marker(m), "seq=12 primary=lb1 hash=0123456789abcdef");
  EXPECT_EQ(parse_marker(format_marker(m)), m);
}

TEST(Marker, RefusesAnythingElse) {
  for (const char* bad : {"", "seq=0 primary=lb1 hash=0123456789abcdef", "seq=1 primary=lb1",
                          "seq=x primary=lb1 hash=0123456789abcdef", "seq=1 primary=lb1 hash=0123",
                          "seq=1 primary=lb1 hash=0123456789ABCDEF", "seq=1 primary=l b hash=0123456789abcdef",
                          "seq=1 primary=lb1 hash=0123456789abcdef extra", "primary=lb1 seq=1 hash=0123456789abcdef"})
    EXPECT_FALSE(parse_marker(bad)) << bad;
}

TEST(Marker, TxtRdataAndOwner) {
  EXPECT_EQ(txt_rdata("ab"), std::string("\x02" "ab"));
  EXPECT_EQ(txt_text(std::string("\x02" "ab")), "ab");
  EXPECT_FALSE(txt_text(std::string("\x02" "ab" "\x01" "c")));  // two strings
  EXPECT_FALSE(txt_text(""));
  EXPECT_EQ(marker_owner(kOrigin), std::string("\x0c_replication", 13) + kOrigin);
}

TEST(Marker, HashChainsTheHistory) {
  std::vector<uint8_t> a{1, 2}, b{1, 3};
  EXPECT_EQ(chain_hash("", a), chain_hash("", a));
  EXPECT_NE(chain_hash("", a), chain_hash("", b));
  EXPECT_NE(chain_hash("0000000000000000", a), chain_hash("", a));
  EXPECT_EQ(chain_hash("", a).size(), 16u);
}

ReplicationEntry sample(const std::optional<Marker>& prev = std::nullopt) {
  return next_entry(prev, "lb1", {{kOwner, wire::type::A, 60, std::string("\xc0\x00\x02\x01", 4)}},
                    {{kOwner, wire::type::A, 60, std::string("\xc0\x00\x02\x02", 4)}}, kSoa, 300);
}

TEST(Entry, EncodeDecodeRoundTrip) {
  auto e = sample();
  EXPECT_EQ(e.seq, 1u);
  auto bytes = encode_entry(e);
  auto d = decode_entry(bytes.data(), bytes.size());
  ASSERT_TRUE(d);
  EXPECT_EQ(d->marker, e.marker);
  EXPECT_EQ(d->soa_rdata, kSoa);
  ASSERT_EQ(d->added.size(), 1u);
  EXPECT_EQ(d->added[0].rdata, e.added[0].rdata);
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_entry(bytes.data(), cut)) << cut;
}

TEST(Entry, NextEntryFollowsThePrevious) {
  auto first = sample();
  auto m1 = parse_marker(first.marker);
  ASSERT_TRUE(m1);
  auto second = sample(m1);
  auto m2 = parse_marker(second.marker);
  ASSERT_TRUE(m2);
  EXPECT_EQ(m2->seq, 2u);
  EXPECT_NE(m2->hash, m1->hash);  // same changes, later place in the chain
}

TEST(Entry, ReplicaReadsBackWhatThePrimarySent) {
  auto e = sample();
  auto msg = build_replication_update(e, "", kOrigin, 7);
  update::UpdateMessage m;
  ASSERT_TRUE(update::parse_update(msg.data(), msg.size(), m));
  ASSERT_EQ(m.prerequisites.size(), 1u);
  EXPECT_EQ(m.prerequisites[0].klass, wire::klass::NONE);  // no marker yet: "TXT does not exist"
  std::string reason;
  auto back = entry_from_update(m, reason);
  ASSERT_TRUE(back) << reason;
  EXPECT_EQ(back->seq, 1u);
  EXPECT_EQ(back->marker, e.marker);
  EXPECT_EQ(back->soa_rdata, kSoa);
  ASSERT_EQ(back->deleted.size(), 1u);
  ASSERT_EQ(back->added.size(), 1u);
  EXPECT_EQ(back->added[0].ttl, 60u);

  auto second = sample(parse_marker(e.marker));
  auto msg2 = build_replication_update(second, e.marker, kOrigin, 8);
  update::UpdateMessage m2;
  ASSERT_TRUE(update::parse_update(msg2.data(), msg2.size(), m2));
  EXPECT_EQ(m2.prerequisites[0].klass, wire::klass::IN);
  EXPECT_EQ(m2.prerequisites[0].rdata, txt_rdata(e.marker));  // the compare-and-swap
}

TEST(Entry, AnUpdateWithoutTheFenceIsNotAnEntry) {
  update::UpdateMessage m;
  m.zone = kOrigin;
  m.updates.push_back({kOwner, wire::type::A, wire::klass::IN, 60, "abcd"});
  std::string reason;
  EXPECT_FALSE(entry_from_update(m, reason));
  EXPECT_NE(reason.find("prerequisite"), std::string::npos);
  m.prerequisites.push_back({marker_owner(kOrigin), wire::type::TXT, wire::klass::NONE, 0, ""});
  EXPECT_FALSE(entry_from_update(m, reason));  // and no new marker
  EXPECT_NE(reason.find("new _replication"), std::string::npos);
}

struct PlanCase {
  const char* what;
  std::optional<Marker> replica;
  uint64_t last;
  ReplicaAction action;
  uint64_t send;
};

TEST(Plan, WhatToSendToAReplica) {
  std::vector<Marker> log = {{1, "lb1", "1111111111111111"}, {2, "lb1", "2222222222222222"},
                             {3, "lb2", "3333333333333333"}};
  MarkerAt at = [&](uint64_t k) -> std::optional<std::optional<Marker>> {
    if (k > log.size()) return std::nullopt;
    if (k == 0) return std::optional<Marker>{};
    return std::optional<Marker>{log[k - 1]};
  };
  const PlanCase cases[] = {
      {"fresh node", std::nullopt, 3, ReplicaAction::Send, 1},
      {"behind", log[0], 3, ReplicaAction::Send, 2},
      {"in step", log[2], 3, ReplicaAction::InStep, 0},
      {"empty log, fresh node", std::nullopt, 0, ReplicaAction::InStep, 0},
      {"ahead of us", Marker{4, "lb1", "4444444444444444"}, 3, ReplicaAction::Diverged, 0},
      {"other hash at 2", Marker{2, "lb3", "9999999999999999"}, 3, ReplicaAction::Diverged, 0},
  };
  for (const auto& c : cases) {
    auto p = plan_for_replica(c.replica, c.last, at);
    EXPECT_EQ(p.action, c.action) << c.what;
    EXPECT_EQ(p.send_seq, c.send) << c.what;
    if (c.action == ReplicaAction::Diverged) {
      EXPECT_FALSE(p.reason.empty()) << c.what;
    }
  }
}

TEST(Acks, MajorityOrAll) {
  EXPECT_EQ(acks_needed(3, false), 2u);
  EXPECT_EQ(acks_needed(3, true), 3u);
  EXPECT_EQ(acks_needed(4, false), 3u);
  EXPECT_EQ(acks_needed(1, false), 1u);
  EXPECT_EQ(acks_for(5, {}), 1u);          // the primary itself
  EXPECT_EQ(acks_for(5, {4, 5}), 2u);
  EXPECT_EQ(acks_for(5, {6, 5}), 3u);
  EXPECT_EQ(acks_for(5, {0, 4}), 1u);
}

TEST(Log, AppendsReopensAndCutsATornTail) {
  auto dir = std::filesystem::temp_directory_path() / ("repl-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string error;
  {
    auto log = ReplicationLog::open(dir.string(), "example.com.", error);
    ASSERT_TRUE(log) << error;
    auto e1 = sample();
    ASSERT_TRUE(log->append(e1, error)) << error;
    EXPECT_FALSE(log->append(e1, error));  // seq 1 again: refused
    ASSERT_TRUE(log->append(sample(parse_marker(e1.marker)), error)) << error;
    EXPECT_EQ(log->last_seq(), 2u);
  }
  std::string path = (dir / "example.com.replication").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "ab");
    std::fputs("DRL1 torn", f);
    std::fclose(f);
  }
  {
    auto log = ReplicationLog::open(dir.string(), "example.com.", error);
    ASSERT_TRUE(log) << error;
    EXPECT_EQ(log->last_seq(), 2u);
    EXPECT_TRUE(log->marker_at(0).has_value());
    EXPECT_FALSE(log->marker_at(3).has_value());
    ASSERT_TRUE(log->truncate_after(1, error)) << error;
  }
  auto log = ReplicationLog::open(dir.string(), "example.com.", error);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->last_seq(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dnsd::replication
