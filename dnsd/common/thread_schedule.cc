// sched_setattr(2) has no glibc wrapper in Debian 12: the struct and the call are spelled
// out here (layout SCHED_ATTR_SIZE_VER1, include/uapi/linux/sched/types.h).
#include "dnsd/common/thread_schedule.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace dnsd::common {
namespace {

struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // for SCHED_OTHER on 6.12+: the requested slice
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};
static_assert(sizeof(SchedAttr) == 56);

}  // namespace

bool set_thread_schedule(int nice, uint64_t slice_ns) {
  SchedAttr attr{};
  attr.size = sizeof attr;
  attr.sched_policy = 0;  // SCHED_OTHER
  attr.sched_nice = nice;
  attr.sched_runtime = slice_ns;
#ifdef SYS_sched_setattr
  if (syscall(SYS_sched_setattr, 0, &attr, 0u) == 0) return true;
#endif
  return setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), nice) == 0;
}

int current_thread_nice() {
  errno = 0;
  int nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  return errno == 0 ? nice : 0;
}

}  // namespace dnsd::common
