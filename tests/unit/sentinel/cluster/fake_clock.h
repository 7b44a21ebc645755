// A clock the tests move by hand: the cluster rules never read time themselves.
#pragma once
#include "sentinel/cluster/health.h"

namespace sentinel::cluster::testing {

struct FakeClock {
  TimeMs now = 1'700'000'000'000;  // wall-clock-like milliseconds
  TimeMs advance(TimeMs ms) { return now += ms; }
};

}  // namespace sentinel::cluster::testing
