// Journal on a sick disk: a failed or short write, a failed cut-back, a failed fdatasync,
// and a failure at every step of compaction, each followed by a "crash" (the journal is
// dropped without a clean stop) and a restart. Every acknowledged entry must be served
// after the restart, nothing unacknowledged half-applied, and the serial never goes back.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "journal_test_util.h"

namespace dnsd::update {
namespace {

using namespace testing;
using Op = FaultyFileOps::Op;

class JournalFaults : public JournalTest {
 protected:
  // A journal over the zone file at serial 10 whose `io` fails from now on as armed.
  template <typename... Fault>
  std::unique_ptr<Journal> open_armed(FaultyFileOps& io, Fault... fault) {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r, io);
    io.arm(fault...);
    return j;
  }
  // Restart on the zone file at serial 10 (a crash: no clean stop ran).
  zone::ZoneContent restart(Journal::LoadReport& r) {
    auto z = zone_at(10);
    auto j = open(z, r);
    EXPECT_TRUE(r.error.empty()) << r.error;
    return z;
  }
  void expect_served(const zone::ZoneContent& z, const std::vector<int>& acked) {
    for (int i : acked) {
      EXPECT_TRUE(has(z, "h" + std::to_string(i))) << "acknowledged entry " << i << " lost";
      EXPECT_TRUE(has(z, "g" + std::to_string(i))) << "acknowledged entry " << i << " half there";
    }
  }
  void expect_whole_or_absent(const zone::ZoneContent& z, int i) {
    EXPECT_EQ(has(z, "h" + std::to_string(i)), has(z, "g" + std::to_string(i)))
        << "unacknowledged entry " << i << " half-applied";
  }
};

TEST_F(JournalFaults, ShortWriteOnAFullDiskIsCutBackAndTheNextAppendSurvives) {
  // The data loss: ENOSPC mid-frame, space freed, one more update acknowledged.
  FaultyFileOps io;
  {
    auto j = open_armed(io, Op::Write, 2, ENOSPC, false, /*partial=*/true);  // the second append
    std::string err;
    ASSERT_TRUE(j->append(entry(10, 0), err)) << err;
    EXPECT_FALSE(j->append(entry(11, 1), err));  // refused: not durable
    EXPECT_NE(err.find("No space left"), std::string::npos) << err;
    EXPECT_TRUE(j->trusted()) << "a clean cut-back leaves the journal usable";
    ASSERT_TRUE(j->append(entry(11, 2), err)) << err;  // same serial: entry 1 never happened
  }
  Journal::LoadReport r;
  auto z = restart(r);
  EXPECT_FALSE(r.torn_tail);
  EXPECT_EQ(r.replayed, 2u);
  EXPECT_EQ(z.serial(), 12u);
  expect_served(z, {0, 2});
  EXPECT_FALSE(has(z, "h1"));
}

TEST_F(JournalFaults, FailedWriteWithoutProgressLeavesNothingBehind) {
  FaultyFileOps io;
  {
    auto j = open_armed(io, Op::Write, 2, EIO);
    std::string err;
    ASSERT_TRUE(j->append(entry(10, 0), err));
    EXPECT_FALSE(j->append(entry(11, 1), err));
    ASSERT_TRUE(j->append(entry(11, 2), err)) << err;
  }
  Journal::LoadReport r;
  auto z = restart(r);
  EXPECT_EQ(z.serial(), 12u);
  expect_served(z, {0, 2});
}

TEST_F(JournalFaults, FailedCutBackDistrustsTheJournalUntilARewrite) {
  auto mem = zone_at(10);
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    // The ftruncate after the short write fails too.
    struct : FaultyFileOps {
      using FaultyFileOps::FaultyFileOps;
      int ftruncate(int, off_t) const override { return errno = EIO, -1; }
    } bad;
    auto j = open(z, r, bad);
    bad.arm(Op::Write, 2, ENOSPC, false, true);
    std::string err;
    auto e0 = entry(10, 0);
    ASSERT_TRUE(j->append(e0, err));
    apply_in_memory(mem, e0);
    EXPECT_FALSE(j->append(entry(11, 1), err));
    EXPECT_FALSE(j->trusted());
    EXPECT_FALSE(j->append(entry(11, 2), err)) << "nothing is appended after a partial frame";
    EXPECT_NE(err.find("not trusted"), std::string::npos) << err;
    // The way back: the state rewritten from memory.
    ASSERT_TRUE(j->compact(*zone::build_snapshot(mem, nullptr), err)) << err;
    EXPECT_TRUE(j->trusted());
    auto e3 = entry(11, 3);
    ASSERT_TRUE(j->append(e3, err)) << err;
  }
  Journal::LoadReport r;
  auto z = restart(r);
  EXPECT_EQ(z.serial(), 12u);
  expect_served(z, {0, 3});
  EXPECT_FALSE(has(z, "h1"));
  EXPECT_FALSE(has(z, "h2"));
}

TEST_F(JournalFaults, FailedFdatasyncIsNeverBuiltUpon) {
  FaultyFileOps io;
  auto mem = zone_at(10);
  {
    auto j = open_armed(io, Op::Fdatasync, 2, EIO);
    std::string err;
    auto e0 = entry(10, 0);
    ASSERT_TRUE(j->append(e0, err));
    apply_in_memory(mem, e0);
    EXPECT_FALSE(j->append(entry(11, 1), err));
    EXPECT_NE(err.find("fdatasync"), std::string::npos) << err;
    EXPECT_FALSE(j->trusted()) << "the kernel may have dropped the pages";
    EXPECT_FALSE(j->append(entry(11, 2), err));
    ASSERT_TRUE(j->compact(*zone::build_snapshot(mem, nullptr), err)) << err;
    auto e3 = entry(11, 3);
    ASSERT_TRUE(j->append(e3, err)) << err;
  }
  Journal::LoadReport r;
  auto z = restart(r);
  EXPECT_EQ(z.serial(), 12u);
  expect_served(z, {0, 3});
  EXPECT_FALSE(has(z, "h1")) << "the rewrite dropped the entry that was not acknowledged";
}

TEST_F(JournalFaults, CrashRightAfterAFailedFdatasyncHasTheEntryWholeOrNotAtAll) {
  FaultyFileOps io;
  {
    auto j = open_armed(io, Op::Fdatasync, 2, EIO);
    std::string err;
    ASSERT_TRUE(j->append(entry(10, 0), err));
    EXPECT_FALSE(j->append(entry(11, 1), err));
  }
  Journal::LoadReport r;
  auto z = restart(r);
  expect_served(z, {0});
  expect_whole_or_absent(z, 1);
}

// Compaction fails at its k-th durability step; after a crash the previous snapshot +
// journal still hold every acknowledged entry, and appends made after a failed
// compaction that left the journal trusted survive too.
struct CompactionStep {
  const char* what;
  Op op;
  int at;  // counted from the start of compact()
};

class CompactionFaults : public JournalFaults, public ::testing::WithParamInterface<CompactionStep> {};

TEST_P(CompactionFaults, PreviousStateStaysUsable) {
  const CompactionStep step = GetParam();
  auto mem = zone_at(10);
  std::vector<int> acked;
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    // A first compaction so that a previous snapshot exists to fall back on.
    auto j = open(z, r);
    std::string err;
    for (int i = 0; i < 3; ++i) {
      auto e = entry(10 + uint32_t(i), i);
      ASSERT_TRUE(j->append(e, err));
      apply_in_memory(mem, e);
      acked.push_back(i);
    }
    ASSERT_TRUE(j->compact(*zone::build_snapshot(mem, nullptr), err)) << err;
    auto e3 = entry(13, 3);
    ASSERT_TRUE(j->append(e3, err));
    apply_in_memory(mem, e3);
    acked.push_back(3);
  }
  {
    FaultyFileOps io;
    auto j = open_armed(io, step.op, step.at, EIO);
    ASSERT_TRUE(j->trusted());
    std::string err;
    EXPECT_FALSE(j->compact(*zone::build_snapshot(mem, nullptr), err)) << step.what;
    EXPECT_FALSE(err.empty());
    if (j->trusted()) {
      auto e4 = entry(14, 4);
      ASSERT_TRUE(j->append(e4, err)) << err;
      acked.push_back(4);
    } else {
      std::string e2;
      EXPECT_FALSE(j->append(entry(14, 5), e2)) << "untrusted: no append";
    }
  }
  Journal::LoadReport r;
  auto z = restart(r);
  expect_served(z, acked);
  EXPECT_EQ(z.serial(), 10u + uint32_t(acked.size()));
}

// Counted from the start of compact(): snapshot (write, fsync, rename, folder fsync), then
// the journal (the same).
INSTANTIATE_TEST_SUITE_P(EveryStep, CompactionFaults, ::testing::Values(
    CompactionStep{"snapshot write", Op::Write, 1},
    CompactionStep{"snapshot fsync", Op::Fsync, 1},
    CompactionStep{"snapshot rename", Op::Rename, 1},
    CompactionStep{"snapshot folder fsync", Op::Fsync, 2},
    CompactionStep{"journal write", Op::Write, 2},
    CompactionStep{"journal fsync", Op::Fsync, 3},
    CompactionStep{"journal rename", Op::Rename, 2},
    CompactionStep{"journal folder fsync", Op::Fsync, 4}));

TEST_F(JournalFaults, UncertainJournalRenameDistrustsTheOldDescriptor) {
  // After the rename the descriptor is on the replaced file: appending there would be lost.
  auto mem = zone_at(10);
  FaultyFileOps io;
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r, io);
    std::string err;
    auto e0 = entry(10, 0);
    ASSERT_TRUE(j->append(e0, err));
    io.arm(Op::Fsync, 4, EIO);  // compact(): the journal's folder fsync
    apply_in_memory(mem, e0);
    EXPECT_FALSE(j->compact(*zone::build_snapshot(mem, nullptr), err));
    EXPECT_FALSE(j->trusted());
    EXPECT_FALSE(j->append(entry(11, 1), err));
    ASSERT_TRUE(j->compact(*zone::build_snapshot(mem, nullptr), err)) << err;
    ASSERT_TRUE(j->append(entry(11, 2), err)) << err;
  }
  Journal::LoadReport r;
  auto z = restart(r);
  expect_served(z, {0, 2});
}

TEST_F(JournalFaults, ANewJournalThatCannotBeMadeDurableServesButRefusesUpdates) {
  FaultyFileOps io(Op::Fsync, 1, ENOSPC, /*sticky=*/true);
  auto z = zone_at(10);
  Journal::LoadReport r;
  auto j = open(z, r, io);
  EXPECT_TRUE(r.error.empty()) << "the zone is still served";
  EXPECT_FALSE(r.untrusted.empty());
  std::string err;
  EXPECT_FALSE(j->append(entry(10, 0), err));
  io.heal();
  ASSERT_TRUE(j->compact(*zone::build_snapshot(z, nullptr), err)) << err;
  ASSERT_TRUE(j->append(entry(10, 0), err)) << err;
  Journal::LoadReport r2;
  auto again = restart(r2);
  expect_served(again, {0});
}

TEST_F(JournalFaults, ALowerOrEqualZoneFileSerialIsRefusedNotRolledBack) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(j->append(entry(10 + uint32_t(i), i), err));
  }
  for (uint32_t file_serial : {11u, 15u}) {  // raised, but not above the served 15
    auto z = zone_at(file_serial);
    Journal::LoadReport r;
    open(z, r);
    EXPECT_NE(r.error.find("not newer than the served serial 15"), std::string::npos) << file_serial << ": " << r.error;
  }
  auto z = zone_at(16);
  Journal::LoadReport r;
  open(z, r);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.file_won);
  EXPECT_EQ(z.serial(), 16u);
}

// With a snapshot of the served state in state_dir (the service writes one before the
// first entry), a refused file at start-up is set aside and the state is served: the
// issue's "keep serving", as a reload does.
TEST_F(JournalFaults, ARefusedZoneFileAtStartUpServesTheSnapshotAndJournal) {
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    EXPECT_FALSE(j->has_snapshot());
    std::string err;
    auto snap = zone::build_snapshot(z, nullptr);
    ASSERT_TRUE(j->compact(*snap, err)) << err;
    EXPECT_TRUE(j->has_snapshot());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(j->append(entry(10 + uint32_t(i), i), err));
  }
  auto z = zone_at(11);  // raised by one: below the served 15
  z.nodes[w("fromfile.example.com.")][T::A] = {30, {std::string("\x0a\x00\x00\x09", 4)}, 0};
  Journal::LoadReport r;
  auto j = open(z, r);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_NE(r.refused_file.find("not newer than the served serial 15"), std::string::npos) << r.refused_file;
  EXPECT_FALSE(r.file_won);
  EXPECT_EQ(z.serial(), 15u);
  expect_served(z, {0, 1, 2, 3, 4});
  EXPECT_FALSE(has(z, "fromfile")) << "the refused file's content is served";
  // Updates go on from the served state, and the next start still refuses the same file.
  std::string err;
  ASSERT_TRUE(j->append(entry(15, 5), err)) << err;
  j.reset();
  auto again = zone_at(11);
  Journal::LoadReport r2;
  open(again, r2);
  EXPECT_TRUE(r2.error.empty()) << r2.error;
  EXPECT_FALSE(r2.refused_file.empty());
  EXPECT_EQ(again.serial(), 16u);
  expect_served(again, {0, 1, 2, 3, 4, 5});
  // Raised above the served serial, the file wins.
  auto raised = zone_at(17);
  Journal::LoadReport r3;
  open(raised, r3);
  EXPECT_TRUE(r3.file_won);
  EXPECT_TRUE(r3.refused_file.empty());
  EXPECT_FALSE(has(raised, "h0"));
}

TEST_F(JournalFaults, DamageInTheMiddleIsKeptAsideForTheOperator) {
  size_t first = 0;
  {
    auto z = zone_at(10);
    Journal::LoadReport r;
    auto j = open(z, r);
    std::string err;
    ASSERT_TRUE(j->append(entry(10, 0), err));
    first = j->bytes();
    ASSERT_TRUE(j->append(entry(11, 1), err));
    ASSERT_TRUE(j->append(entry(12, 2), err));
  }
  std::fstream f(path(), std::ios::binary | std::ios::in | std::ios::out);
  f.seekp(std::streamoff(first + 20));
  f.put('\x7f');
  f.close();
  Journal::LoadReport r;
  auto z = restart(r);
  EXPECT_TRUE(r.torn_tail);
  ASSERT_FALSE(r.damaged_copy.empty());
  std::ifstream kept(r.damaged_copy, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(kept)), {});
  EXPECT_GT(bytes.size(), first) << "the whole damaged file is kept";
}

}  // namespace
}  // namespace dnsd::update
