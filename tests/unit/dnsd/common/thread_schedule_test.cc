// Thread scheduling: the nice value and, on kernels with per-task slices, the short slice
// are set for the calling thread only (read back with sched_getattr).
#include "dnsd/common/thread_schedule.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace dnsd::common {
namespace {

struct Attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

bool kernel_at_least(int major, int minor) {
  utsname u{};
  int a = 0, b = 0;
  return uname(&u) == 0 && std::sscanf(u.release, "%d.%d", &a, &b) == 2 &&
         (a > major || (a == major && b >= minor));
}

TEST(ThreadScheduleTest, NiceAndAShortSliceForTheCallingThreadOnly) {
  int main_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  int nice = -100;
  Attr attr{};
  bool ok = false;
  std::thread t([&] {
    ok = set_thread_schedule(kBackgroundNice, kShortSliceNs);
    nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
    syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0u);
  });
  t.join();
  EXPECT_TRUE(ok);
  EXPECT_EQ(nice, 10);
  EXPECT_EQ(attr.nice, 10);
  if (kernel_at_least(6, 12)) {
    EXPECT_EQ(attr.runtime, 100'000u);  // EEVDF custom slice
  }
  EXPECT_EQ(getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))), main_nice);
}

TEST(ThreadScheduleTest, KeepingTheNiceValueOnlyShortensTheSlice) {
  int before = -100, after = -100;
  std::thread t([&] {
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);  // as with `nice -n 5`
    before = current_thread_nice();
    set_thread_schedule(current_thread_nice());
    after = current_thread_nice();
  });
  t.join();
  EXPECT_EQ(before, 5);
  EXPECT_EQ(after, 5);  // a worker does not undo the operator's nice
}

}  // namespace
}  // namespace dnsd::common
