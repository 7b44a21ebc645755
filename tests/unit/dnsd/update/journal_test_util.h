// Journal test helpers: tiny zones and entries, a fixture with its own state dir, and
// FaultyFileOps, which makes the Nth call of one system call fail as a sick disk would.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <memory>
#include <string>

#include "dnsd/common/file_ops.h"
#include "dnsd/update/journal.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/zone/zone_builder.h"
#include "update_test_util.h"

namespace dnsd::update::testing {

namespace T = wire::type;

inline std::string soa_rdata(uint32_t serial) {
  std::string s = w("ns1.example.com.") + w("h.example.com.");
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>(serial >> (24 - 8 * i)));
  s += std::string(16, '\x01');
  return s;
}

inline zone::ZoneContent zone_at(uint32_t serial) {
  zone::ZoneContent z;
  z.origin = w("example.com.");
  z.nodes[z.origin][T::SOA] = {60, {soa_rdata(serial)}, 0};
  z.nodes[z.origin][T::NS] = {60, {w("ns1.example.com.")}, 0};
  return z;
}

// Entry i takes the zone from `from` to from + 1 and adds two records, h<i> and g<i>, so a
// half-applied entry would show.
inline JournalEntry entry(uint32_t from, int i) {
  JournalEntry e;
  e.serial_from = from;
  e.serial_to = from + 1;
  e.diff.soa_before_rdata = soa_rdata(from);
  e.diff.soa_after_rdata = soa_rdata(from + 1);
  e.diff.soa_ttl = 60;
  e.diff.added.push_back({w(("h" + std::to_string(i) + ".example.com.").c_str()), T::A, 30, std::string("\x0a\x00\x00\x01", 4)});
  e.diff.added.push_back({w(("g" + std::to_string(i) + ".example.com.").c_str()), T::A, 30, std::string("\x0a\x00\x00\x02", 4)});
  return e;
}

// What the service keeps in memory after acknowledging `e`.
inline void apply_in_memory(zone::ZoneContent& z, const JournalEntry& e) {
  for (const auto& r : e.diff.added) {
    auto& set = z.nodes[r.owner][r.type];
    set.ttl = r.ttl;
    set.add(r.rdata);
  }
  z.nodes[z.origin][T::SOA].rdatas = {e.diff.soa_after_rdata};
}

inline bool has(const zone::ZoneContent& z, const std::string& host) {
  return z.find(w((host + ".example.com.").c_str()), T::A) != nullptr;
}

// Fails the `fail_at`-th call (1-based) of `op` with `err`, and with `sticky` every later
// one too. A failing write with `partial` first writes half of its bytes (a short write),
// then fails on the call that follows, as a filling disk does.
class FaultyFileOps : public common::FileOps {
 public:
  enum Op { Write, Fsync, Fdatasync, Ftruncate, Rename, kOps };
  FaultyFileOps() = default;
  FaultyFileOps(Op op, int at, int err = EIO, bool sticky = false, bool partial = false) {
    arm(op, at, err, sticky, partial);
  }
  // Counts calls from now on and fails the `at`-th call of `op`.
  void arm(Op op, int at, int err = EIO, bool sticky = false, bool partial = false) {
    op_ = op, at_ = at, err_ = err, sticky_ = sticky, partial_ = partial;
    for (auto& c : calls_) c = 0;
  }
  void heal() { op_ = kOps; }
  int calls(Op op) const { return calls_[op]; }

  ssize_t write(int fd, const void* p, size_t n) const override {
    if (fail_next_write_) return fail_next_write_ = false, errno = err_, -1;
    if (!hit(Write)) return ::write(fd, p, n);
    if (partial_ && n > 1) {
      fail_next_write_ = true;
      return ::write(fd, p, n / 2);
    }
    errno = err_;
    return -1;
  }
  int fsync(int fd) const override { return hit(Fsync) ? errno = err_, -1 : ::fsync(fd); }
  int fdatasync(int fd) const override { return hit(Fdatasync) ? errno = err_, -1 : ::fdatasync(fd); }
  int ftruncate(int fd, off_t n) const override { return hit(Ftruncate) ? errno = err_, -1 : ::ftruncate(fd, n); }
  int rename(const char* a, const char* b) const override {
    return hit(Rename) ? errno = err_, -1 : common::system_file_ops().rename(a, b);
  }

 private:
  bool hit(Op op) const {
    int n = ++calls_[op];
    return op == op_ && (n == at_ || (sticky_ && n > at_));
  }
  Op op_ = kOps;
  int at_ = 0, err_ = EIO;
  bool sticky_ = false, partial_ = false;
  mutable bool fail_next_write_ = false;
  mutable int calls_[kOps] = {};
};

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char d[] = "/tmp/dnsd-journal-XXXXXX";
    dir_ = mkdtemp(d);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Opens the journal over `z` (as the service does, on a snapshot) and hands back what
  // the snapshot became, in map form.
  std::unique_ptr<Journal> open(zone::ZoneContent& z, Journal::LoadReport& r,
                                const common::FileOps& io = common::system_file_ops()) {
    auto snap = zone::build_snapshot(z, nullptr);
    auto j = Journal::open(dir_, z.origin, snap, r, io);
    z = snap->to_content();
    return j;
  }
  std::string path() const { return dir_ + "/example.com.journal"; }
  std::string dir_;
};

}  // namespace dnsd::update::testing
