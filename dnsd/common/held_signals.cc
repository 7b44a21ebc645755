// pthread_sigmask around a daemon's start-up (see held_signals.h).
#include "dnsd/common/held_signals.h"

#include <pthread.h>

#include <initializer_list>

namespace dnsd::common {

sigset_t daemon_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, s);
  return set;
}

sigset_t hold_signals() {
  sigset_t set = daemon_signals(), previous;
  pthread_sigmask(SIG_BLOCK, &set, &previous);
  return previous;
}

void release_signals(const sigset_t& previous) { pthread_sigmask(SIG_SETMASK, &previous, nullptr); }

}  // namespace dnsd::common
