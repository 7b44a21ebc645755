// Journal: round trip, torn tails at every byte, corrupt checksums, the file winning on a
// raised serial, compaction, IXFR ranges.
#include "dnsd/update/journal.h"
#include "dnsd/zone/zone_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "journal_test_util.h"

namespace dnsd::update {
namespace {

using namespace testing;

TEST_F(JournalTest, EncodeDecodeRoundTrip) {
  auto e = entry(7, 1);
  e.diff.deleted.push_back({w("x.example.com."), T::TXT, 5, "\x02hi"});
  auto bytes = encode_entry(e);
  JournalEntry back;
  ASSERT_TRUE(decode_entry(bytes.data(), bytes.size(), back));
  EXPECT_EQ(back.serial_from, 7u);
  EXPECT_EQ(back.diff.deleted.size(), 1u);
  EXPECT_EQ(back.diff.added[0].owner, e.diff.added[0].owner);
  bytes[bytes.size() / 2] ^= 1;
  EXPECT_FALSE(decode_entry(bytes.data(), bytes.size(), back));
}

TEST_F(JournalTest, ReplaysAppendedEntries) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->append(entry(10 + static_cast<uint32_t>(i), i), err)) << err;
  }
  auto z = zone_at(10);
  Journal::LoadReport r;
  auto j = open(z, r);
  EXPECT_EQ(r.replayed, 3u);
  EXPECT_FALSE(r.torn_tail);
  EXPECT_EQ(z.serial(), 13u);
  EXPECT_NE(z.find(w("h2.example.com."), T::A), nullptr);
}

TEST_F(JournalTest, LastEntriesSummarizeTheNewestOldestFirst) {
  auto z = zone_at(10);
  Journal::LoadReport r;
  auto j = open(z, r);
  EXPECT_TRUE(j->last_entries(5).empty());
  std::string err;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->append(entry(10 + static_cast<uint32_t>(i), i), err)) << err;
  auto e = entry(13, 3);
  e.diff.deleted.push_back({w("x.example.com."), T::TXT, 5, "\x02hi"});
  ASSERT_TRUE(j->append(e, err)) << err;
  auto last = j->last_entries(2);
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last[0].serial_from, 12u);
  EXPECT_EQ(last[0].serial_to, 13u);
  EXPECT_EQ(last[1].serial_from, 13u);
  EXPECT_EQ(last[1].serial_to, 14u);
  EXPECT_EQ(last[1].added, e.diff.added.size());
  EXPECT_EQ(last[1].deleted, 1u);
  EXPECT_EQ(j->last_entries(100).size(), 4u);
}

TEST_F(JournalTest, TornTailAtEveryByteKeepsTheWholeEntries) {
  size_t full = 0, two = 0;
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    j->append(entry(10, 0), err);
    j->append(entry(11, 1), err);
    two = j->bytes();
    j->append(entry(12, 2), err);
    full = j->bytes();
  }
  std::ifstream in(path(), std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), {});
  ASSERT_EQ(all.size(), full);
  for (size_t cut = two; cut < full; ++cut) {
    { std::ofstream(path(), std::ios::binary | std::ios::trunc) << all.substr(0, cut); }
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    EXPECT_EQ(r.replayed, 2u) << cut;
    EXPECT_EQ(r.torn_tail, cut != two) << cut;
    EXPECT_EQ(z.serial(), 12u) << cut;
    struct stat st;
    stat(path().c_str(), &st);
    EXPECT_EQ(static_cast<size_t>(st.st_size), two) << "truncated back to the last whole entry";
  }
}

TEST_F(JournalTest, CorruptChecksumStopsReplayThere) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    j->append(entry(10, 0), err);
    j->append(entry(11, 1), err);
  }
  std::fstream f(path(), std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(-3, std::ios::end);
  f.put('\x7f');
  f.close();
  auto z = zone_at(10);
  Journal::LoadReport r;
  open(z, r);
  EXPECT_EQ(r.replayed, 1u);
  EXPECT_TRUE(r.torn_tail);
}

TEST_F(JournalTest, RaisedZoneFileSerialWins) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    j->append(entry(10, 0), err);
  }
  auto z = zone_at(20);  // the operator edited the file and raised the serial
  Journal::LoadReport r;
  auto j = open(z, r);
  EXPECT_TRUE(r.file_won);
  EXPECT_EQ(r.replayed, 0u);
  EXPECT_EQ(z.serial(), 20u);
  EXPECT_EQ(z.find(w("h0.example.com."), T::A), nullptr);
  // and the journal now builds on 20
  std::string err;
  ASSERT_TRUE(j->append(entry(20, 5), err));
  auto again = zone_at(20);
  Journal::LoadReport r2;
  open(again, r2);
  EXPECT_EQ(r2.replayed, 1u);
}

TEST_F(JournalTest, CompactionThenReplay) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    for (int i = 0; i < 3; ++i) {
      auto e = entry(10 + static_cast<uint32_t>(i), i);
      j->append(e, err);
      // mirror what the service keeps in memory
      auto& set = z.nodes[e.diff.added[0].owner][T::A];
      set.ttl = 30;
      set.add(e.diff.added[0].rdata);
      z.nodes[z.origin][T::SOA].rdatas = {e.diff.soa_after_rdata};
    }
    ASSERT_TRUE(j->compact(*zone::build_snapshot(z, nullptr), err)) << err;
    EXPECT_EQ(j->entry_count(), 0u);
    j->append(entry(13, 3), err);
  }
  auto z = zone_at(10);
  Journal::LoadReport r;
  open(z, r);
  EXPECT_TRUE(r.used_snapshot);
  EXPECT_EQ(r.replayed, 1u);
  EXPECT_EQ(z.serial(), 14u);
  EXPECT_NE(z.find(w("h0.example.com."), T::A), nullptr);
  EXPECT_NE(z.find(w("h3.example.com."), T::A), nullptr);
}

TEST_F(JournalTest, IxfrRanges) {
  auto z = zone_at(10);
  Journal::LoadReport r;
  auto j = open(z, r);
  std::string err;
  for (int i = 0; i < 4; ++i) j->append(entry(10 + static_cast<uint32_t>(i), i), err);
  std::vector<xfr::XfrDiff> d;
  ASSERT_TRUE(j->diffs_since(12, d));
  EXPECT_EQ(d.size(), 2u);
  ASSERT_TRUE(j->diffs_since(14, d));
  EXPECT_TRUE(d.empty());
  EXPECT_FALSE(j->diffs_since(3, d));
}

}  // namespace
}  // namespace dnsd::update
