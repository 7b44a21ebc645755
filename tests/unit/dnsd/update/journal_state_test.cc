// read_served_state: what `dnsd --check` learns from state_dir, without changing it.
#include "dnsd/update/journal_state.h"

#include <sys/stat.h>

#include <fstream>

#include "journal_test_util.h"

namespace dnsd::update::testing {
namespace {

using StateTest = JournalTest;

std::string bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST_F(StateTest, NoStateDirOrFiles) {
  auto st = read_served_state(dir_ + "/absent", w("example.com."), nullptr);
  EXPECT_FALSE(st.present);
  EXPECT_TRUE(st.error.empty());
}

TEST_F(StateTest, ServedSerialFromTheJournalAndTheSnapshot) {
  auto z = zone_at(10);
  Journal::LoadReport r;
  auto j = open(z, r);
  std::string err;
  ASSERT_TRUE(j->append(entry(10, 0), err));
  ASSERT_TRUE(j->append(entry(11, 1), err));
  std::string before = bytes(path());
  auto st = read_served_state(dir_, w("example.com."), nullptr);
  EXPECT_TRUE(st.present);
  EXPECT_EQ(st.base, 10u);
  EXPECT_EQ(st.served, 12u);
  EXPECT_EQ(st.journal_path, path());
  EXPECT_EQ(bytes(path()), before);  // read-only
  // Compacted: the snapshot holds serial 12, the new journal nothing yet; then one more.
  apply_in_memory(z, entry(10, 0));
  apply_in_memory(z, entry(11, 1));
  ASSERT_TRUE(j->compact(*zone::build_snapshot(z, nullptr), err)) << err;
  ASSERT_TRUE(j->append(entry(12, 2), err));
  st = read_served_state(dir_, w("example.com."), nullptr);
  EXPECT_EQ(st.base, 10u);
  EXPECT_EQ(st.served, 13u);
}

TEST_F(StateTest, DamagedHeaderIsAnErrorNotAnAbsence) {
  std::ofstream(path(), std::ios::binary) << "garbage, not a journal";
  auto st = read_served_state(dir_, w("example.com."), nullptr);
  EXPECT_FALSE(st.unreadable);
  EXPECT_NE(st.error.find("damaged journal header"), std::string::npos) << st.error;
}

}  // namespace
}  // namespace dnsd::update::testing
