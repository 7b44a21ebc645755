// Scheduling of dnsd's threads: queries come first. On a shared core a worker woken by a
// query must not wait out the rest of another thread's time slice (milliseconds). Where
// the kernel supports per-task slices (EEVDF, Linux 6.12+: sched_attr.sched_runtime for
// SCHED_OTHER), every thread asks for a short one, so the waking task with the earlier
// deadline runs at once; the zone-service thread also runs at nice 10, so a reload or an
// update burst takes what the workers leave.
#pragma once
#include <cstdint>

namespace dnsd::common {

inline constexpr uint64_t kShortSliceNs = 100'000;  // the kernel's minimum
inline constexpr int kBackgroundNice = 10;

// Applies to the calling thread. Older kernels ignore the slice and keep the nice value.
// Returns false if neither could be set.
bool set_thread_schedule(int nice, uint64_t slice_ns = kShortSliceNs);
// The calling thread's nice value (what the operator started dnsd with, unless changed):
// workers keep it, the zone service goes no higher than max(it, kBackgroundNice).
int current_thread_nice();

}  // namespace dnsd::common
