// Stop and reload signals held back during a daemon's start-up: a SIGTERM, SIGINT or
// SIGHUP that arrives while the zones load (or before the loop's handlers exist) stays
// pending instead of killing the process by default, and is handled once the loop runs.
#pragma once
#include <signal.h>

namespace dnsd::common {

// The signals held: SIGTERM, SIGINT, SIGHUP.
sigset_t daemon_signals();

// Blocks daemon_signals() in the calling thread (threads it starts inherit the block);
// returns the previous mask for release_signals().
sigset_t hold_signals();

// Restores `previous`: a signal held meanwhile is delivered now, to the handlers installed
// since (with libuv: after uv_signal_start, so the loop picks it up when it runs).
void release_signals(const sigset_t& previous);

}  // namespace dnsd::common
