"""sentinel's state file on a failing disk: while no save succeeds (EIO injected with strace
into every fsync of the state file), a drain is refused with the reason, nothing reaches any
dnsd, status and metrics say so; after kill -9 and a restart the state on disk still agrees
with what every dnsd serves, and a drain works again."""
import os
import signal
import subprocess
import time
import unittest

import dnsd_harness
from durability_harness import stop_traced, traced_dnsd_pid
from sentinel_harness import SENTINEL, Cluster, wait_until


class StateFileFaults(unittest.TestCase):

    def setUp(self):
        self.c = Cluster(n=3).start()
        self.addCleanup(self.c.stop)

    def start_sentinel_under(self, prefix):
        c = self.c
        c.slog = open(c.sentinel_log, "a")
        c.proc = subprocess.Popen(prefix + [SENTINEL, "run", "-c", c.config], stdout=c.slog,
                                  stderr=subprocess.STDOUT)
        wait_until(lambda: c.api_ok(), 20, what="the sentinel API under strace")
        pid = traced_dnsd_pid(c.proc.pid, SENTINEL)
        tracer = c.proc
        # If the test fails before its kill -9: stop the traced sentinel itself, by PID
        # (Cluster.stop would only signal strace, which detaches and leaves it running).
        self.addCleanup(lambda: tracer.poll() is None and stop_traced(tracer, pid))
        return pid

    def test_a_state_file_that_cannot_be_saved_is_never_built_upon(self):
        c = self.c
        state = os.path.join(c.dir, "state", "state.json")
        epoch_before = c.status()["epoch"]
        c.stop_sentinel()
        with open(state) as f:
            before = f.read()
        pid = self.start_sentinel_under(
            ["strace", "-f", "-qq", "-o", "/dev/null", "-P", state + ".tmp",
             "-e", "trace=fsync", "-e", "inject=fsync:error=EIO:when=1+"])
        r = c.cli("drain", "lb2")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("cannot persist the state", r.stderr)
        self.assertIn("nothing was published", r.stderr)
        st = c.status()
        self.assertIn("Input/output error", st["state_file_error"] or "")
        text = c.cli("status", check=True).stdout
        self.assertIn("STATE FILE NOT SAVED", text)
        # Retries keep failing; in that time no dnsd may learn of the drain. (A negative:
        # it needs a window; 3 retries of the save.)
        time.sleep(3.0)
        for nd in c.nodes:
            self.assertNotIn("lb2", c.txt(nd).split("drained=")[-1], nd.name)
            self.assertIn("epoch=%d" % epoch_before, c.txt(nd))
        # A crash now; the restarted sentinel reads the state every dnsd agrees with.
        os.kill(pid, signal.SIGKILL)
        c.proc.wait(timeout=20)
        c.slog.close()
        with open(state) as f:
            self.assertEqual(f.read(), before, "the state file is untouched")
        c.start_sentinel()
        self.assertEqual(c.status()["epoch"], epoch_before)
        self.assertIsNone(c.status()["state_file_error"])
        r = c.cli("drain", "lb2")
        self.assertEqual(r.returncode, 0, r.stderr)
        for nd in c.nodes:
            wait_until(lambda nd=nd: "drained=lb2" in c.txt(nd), 10, what="drain published on " + nd.name)


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate", "strace"])
    dnsd_harness.main()
