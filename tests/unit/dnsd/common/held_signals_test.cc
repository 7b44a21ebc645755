// A stop signal sent while held stays pending (the process is not killed) and reaches the
// handler installed afterwards as soon as it is released.
#include "dnsd/common/held_signals.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <initializer_list>

namespace dnsd::common {
namespace {

std::atomic<int> got{0};
void on_signal(int s) { got.store(s); }

TEST(HeldSignals, ASignalDuringStartupIsDeliveredToTheLaterHandler) {
  for (int s : {SIGTERM, SIGINT, SIGHUP}) {
    SCOPED_TRACE(s);
    got.store(0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(s, &dfl, nullptr);  // as at exec: the default action ends the process
    sigset_t previous = hold_signals();
    ASSERT_EQ(kill(getpid(), s), 0);  // without the hold the test process dies here
    sigset_t pending;
    sigpending(&pending);
    EXPECT_TRUE(sigismember(&pending, s));
    struct sigaction handler {};
    handler.sa_handler = on_signal;
    sigaction(s, &handler, nullptr);  // the loop's handler, installed late
    EXPECT_EQ(got.load(), 0);
    release_signals(previous);  // delivered before pthread_sigmask returns
    EXPECT_EQ(got.load(), s);
    sigaction(s, &dfl, nullptr);
  }
}

TEST(HeldSignals, ReleaseRestoresThePreviousMask) {
  sigset_t before, after;
  pthread_sigmask(SIG_SETMASK, nullptr, &before);
  sigset_t previous = hold_signals();
  sigset_t held;
  pthread_sigmask(SIG_SETMASK, nullptr, &held);
  EXPECT_TRUE(sigismember(&held, SIGTERM) && sigismember(&held, SIGINT) && sigismember(&held, SIGHUP));
  release_signals(previous);
  pthread_sigmask(SIG_SETMASK, nullptr, &after);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) EXPECT_EQ(sigismember(&after, s), sigismember(&before, s));
}

}  // namespace
}  // namespace dnsd::common
