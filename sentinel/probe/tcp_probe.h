// Starts one TCP check: a connect to spec.target within spec.timeout.
#pragma once
#include <uv.h>

#include <functional>
#include <string>

#include "sentinel/probe/probe.h"

namespace sentinel::probe {

// Returns a canceller: once called, `done` is never called and everything is freed as
// the loop runs. `done` is never called from inside this function. When the check cannot
// start at all, returns an empty function and sets *error (`done` is then dropped).
std::function<void()> start_tcp_probe(uv_loop_t* loop, const CheckSpec& spec,
                                      ProbeCallback done, std::string* error);

}  // namespace sentinel::probe
