// What a check is doing, in words, for `sentinel status` and the status JSON: the state,
// then the streak against rise/fall while the state is being decided or contested.
#pragma once
#include <string>

#include "sentinel/cluster/health.h"

namespace sentinel::cluster {

// "up (SOA serial 7, AA)", "up, failing 1 of 3 (connection refused)",
// "down (timeout)", "down, recovering 1 of 2", "deciding, 1 of 2 ok",
// "deciding, failing 1 of 3 (timeout)", "deciding, no result yet".
std::string check_wording(const CheckHealth& c);

// "12s", "3m", "2h5m", "3d4h": how long a state has lasted, coarse on purpose.
std::string duration_wording(TimeMs ms);

}  // namespace sentinel::cluster
