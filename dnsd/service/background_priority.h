// Scheduling for the zone-service thread: queries come first. The thread runs at nice 10
// and, where the kernel supports per-task slices (EEVDF, Linux 6.12+), asks for a short
// slice too: otherwise a worker woken by a query can wait out the rest of this thread's
// slice (milliseconds) on a shared core while an update is written or a zone reloads.
#pragma once
#include <cstdint>

namespace dnsd::service {

// Applies to the calling thread. Returns false if even the nice value could not be set.
bool lower_to_background(uint64_t slice_ns = 100'000);

}  // namespace dnsd::service
