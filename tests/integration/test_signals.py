"""A SIGTERM or SIGINT sent right after exec, while dnsd loads a big zone (200k records,
20k in the sanitizer build) or the sentinel is starting, stops the daemon cleanly (exit 0)
once it can, every time. The only other outcome allowed is the default action before main()
ran (the dynamic loader's few milliseconds, before the daemon logged a line): nothing can
hold a signal there."""
import os
import signal
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import DNSD, Dnsd
from sentinel_harness import SENTINEL, Cluster

DELAYS = (0, 0.001, 0.005, 0.02, 0.05, 0.1, 0.2)  # seconds after Popen returns (after exec)
ROUNDS = 2
DEADLINE = 60  # seconds for a daemon to stop once signalled (the ASan build loads slowly)

# Big enough that dnsd's load outlasts the longest delay (0.2 s) several times over. The -O0
# sanitizer build (scripts/test sets ASAN_OPTIONS for it alone) loads about 15 times slower,
# so a tenth of the records does the same there and saves it ~100 s of 28 loads.
BIG_RECORDS = 20000 if os.environ.get("ASAN_OPTIONS") else 200000
BIG_ZONE = "$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 h 1 3600 600 86400 60\n@ NS ns1\nns1 A 192.0.2.1\n" + \
    "".join("h%d A 10.%d.%d.%d\n" % (i, i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(BIG_RECORDS))


class StopDuringStartup(unittest.TestCase):

    def stop_early(self, argv, workdir, started_line, sig, delay):
        """(returncode, log, the signal was sent before the daemon said it was ready)."""
        log_path = os.path.join(workdir, "early.log")
        with open(log_path, "w") as log:
            p = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
            time.sleep(delay)
            with open(log_path) as f:
                before_ready = started_line[1] not in f.read()
            p.send_signal(sig)
            try:
                rc = p.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                rc = None
        with open(log_path) as f:
            return rc, f.read(), before_ready

    def check_every_point(self, argv, workdir, started_line, must_hit_startup):
        during_startup = 0
        for sig in (signal.SIGTERM, signal.SIGINT):
            for delay in DELAYS:
                for _ in range(ROUNDS):
                    rc, log, before_ready = self.stop_early(argv, workdir, started_line, sig, delay)
                    what = "%s %.0f ms after exec" % (sig.name, delay * 1000)
                    self.assertIsNotNone(rc, "%s: still running %d s later (the stop was lost):\n%s"
                                         % (what, DEADLINE, log[-2000:]))
                    if started_line[0] in log:  # main() ran: the signal must have been held
                        self.assertEqual(rc, 0, "%s: exit %s, not a clean stop:\n%s" % (what, rc, log[-2000:]))
                        during_startup += before_ready
                    else:
                        self.assertEqual(rc, -sig, "%s: exit %s before main():\n%s" % (what, rc, log))
        # dnsd's 200k-record load must be hit, or the test would prove nothing; the sentinel
        # starts in a few ms, so whether a point lands inside that is left to chance.
        if must_hit_startup:
            self.assertGreater(during_startup, 0, "no signal arrived during the start-up")
        return during_startup

    def test_dnsd_loading_a_big_zone(self):
        d = Dnsd(zones=[("big.test", BIG_ZONE, [])])
        n = self.check_every_point([DNSD, "-c", d.config], d.dir, ("dnsd starting", "dnsd ready"), True)
        print("dnsd: %d stops during the start-up, all clean" % n)

    def test_sentinel(self):
        c = Cluster(n=2, driver="none")
        n = self.check_every_point([SENTINEL, "run", "-c", c.config], c.dir,
                                   ("sentinel starting", "watching"), False)
        print("sentinel: %d stops during the start-up, all clean" % n)


if __name__ == "__main__":
    dnsd_harness.main()
