"""End to end through a real recursive resolver (Unbound): delegation, self answers from
live nodes with one node down, failover of master/SRV after the master dies, a manual
promote, and a planned stop (SIGTERM + stop_grace) with queries flowing."""
import os
import random
import signal
import threading
import time
import unittest

import dnsd_harness
from e2e_cluster import ZONE, E2ECluster
from sentinel_harness import wait_until

A, SRV = 1, 33


def report(line):
    print("MEASURED " + line, flush=True)


def rand_name():
    return "c%08x.%s" % (random.getrandbits(32), ZONE)


class ThroughUnbound(unittest.TestCase):
    interval_s, fall = 0.2, 2
    stop_answer = "lame"

    def setUp(self):
        self.c = E2ECluster(interval="200ms", fall=self.fall, stop_answer=self.stop_answer)
        try:
            self.c.start()
        except Exception:
            self.dump()
            self.c.stop()
            raise

    def tearDown(self):
        if dnsd_harness.failed(self) or os.environ.get("VERBOSE"):
            self.dump()
        self.c.stop()

    def dump(self):
        for name in ("sentinel", "unbound"):
            p = self.c.procs.get(name)
            if p:
                print("---- %s log ----\n%s" % (name, p.read_log()[-4000:]))

    def live_addresses(self, *names):
        return {self.c.nodes[n] for n in names}

    def wait_master_via_unbound(self, name, t0):
        """Seconds from t0 until Unbound (cache flushed per poll) answers `name` for
        master.<zone> and the SRV set with `name` at priority 0."""
        want = self.c.nodes[name]

        def seen():
            self.c.flush("master." + ZONE, "_tunnel._tcp." + ZONE)
            m = self.c.resolve("master." + ZONE, A)
            s = self.c.resolve("_tunnel._tcp." + ZONE, SRV)
            return (m and s and m[1] == [want] and
                    any(r.startswith("0 100 443 %s." % name) for r in s[1]))
        wait_until(seen, 15, step=0.02, what="master %s through unbound" % name)
        return time.monotonic() - t0

    def test_delegation_and_self_answers(self):
        r = self.c.resolve(rand_name())
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 0)
        self.assertEqual(len(r[1]), 1)
        self.assertIn(r[1][0], self.live_addresses("lb1", "lb2", "lb3"))
        srv = self.c.resolve("_tunnel._tcp." + ZONE, SRV)
        self.assertEqual([x.split()[0] + " " + x.split()[3] for x in srv[1]],
                         ["0 lb1.api.example.test.", "10 lb2.api.example.test.", "20 lb3.api.example.test."])

    def test_one_node_stopped_every_query_lands_on_a_live_node(self):
        self.c.procs["lb3"].stop(signal.SIGKILL)
        results = [self.c.resolve(rand_name(), timeout=5) for _ in range(200)]
        ok = [r for r in results if r and r[0] == 0 and len(r[1]) == 1 and
              r[1][0] in self.live_addresses("lb1", "lb2")]
        slow = [r for r in results if r and r[2] > 0.040]
        report("one node's dnsd killed: %d/200 queries through Unbound answered with a live "
               "node's address; %d slower than 40 ms (max %.0f ms)"
               % (len(ok), len(slow), 1000 * max(r[2] for r in results if r)))
        self.assertEqual(len(ok), 200)

    def test_master_dies_then_manual_promote(self):
        # Detection (interval x fall) + 1 s to promote and publish, + one Unbound retry:
        # a query Unbound happens to send to the killed nameserver first waits out its
        # timeout (up to ~0.8 s here, as the stop/kill measurements show) before another
        # server answers. Without that term it failed once (1.80 s) in eight runs.
        budget = self.interval_s * self.fall + 1.0 + 0.8
        t0 = time.monotonic()
        self.c.procs["lb1"].stop(signal.SIGKILL)
        self.c.procs["lb1-tunnel"].stop(signal.SIGKILL)
        took = self.wait_master_via_unbound("lb2", t0)
        report("master killed (dnsd + tunnel): Unbound returns the new master and SRV after "
               "%.2f s (budget %.1f s = interval x fall + 1 s + one Unbound retry)" % (took, budget))
        self.assertLess(took, budget)
        srv = self.c.resolve("_tunnel._tcp." + ZONE, SRV)[1]
        self.assertEqual([x.split()[0] + " " + x.split()[3] for x in srv],
                         ["0 lb2.api.example.test.", "10 lb3.api.example.test."])

        t0 = time.monotonic()
        r = self.c.cli("promote", "lb3")
        self.assertEqual(r.returncode, 0, r.stderr)
        took = self.wait_master_via_unbound("lb3", t0)
        report("sentinel promote lb3: Unbound returns the new master after %.2f s" % took)
        self.assertLess(took, budget)

    def run_load(self, stop_event, out, rate=100):
        """Random names through Unbound, about `rate` per second, until told to stop
        (bounded: at most 60 s)."""
        deadline = time.monotonic() + 60
        while not stop_event.is_set() and time.monotonic() < deadline:
            out.append((time.monotonic(), self.c.resolve(rand_name(), timeout=3)))
            time.sleep(1.0 / rate)

    def stop_under_load(self, sig):
        out, stop_event = [], threading.Event()
        t = threading.Thread(target=self.run_load, args=(stop_event, out))
        t.start()
        time.sleep(1.0)
        t0 = time.monotonic()
        self.c.procs["lb2"].send(sig)
        # Through the grace window and the exit (waited for, not guessed), then the resolver's
        # reaction: at least 4 s after the signal and 2 s after the exit.
        self.c.procs["lb2"].proc.wait(timeout=15)
        time.sleep(max(t0 + 4.0 - time.monotonic(), 2.0))
        stop_event.set()
        t.join()
        self.c.procs["lb2"].stop()
        after = [(at - t0, r) for at, r in out if at >= t0]
        results = [r for _, r in after]
        answered = [r for r in results if r and r[0] == 0 and r[1] and
                    r[1][0] in self.live_addresses("lb1", "lb3")]
        slow = [(at, r) for at, r in after if r is None or r[2] > 0.040]
        worst = max((r[2] if r else 3.0) for r in results)
        return results, answered, slow, worst

    def test_planned_stop_vs_kill_under_load(self):
        after, answered, slow, worst = self.stop_under_load(signal.SIGTERM)
        report("planned stop (SIGTERM, stop_grace 2s, stop_answer %s) under load: %d/%d queries "
               "answered by a live node, %d slower than 40 ms (worst %.0f ms)"
               % (self.stop_answer, len(answered), len(after), len(slow), worst * 1000))
        self.assertEqual(len(answered), len(after))
        self.assertEqual(slow, [], "a planned stop made Unbound wait (worst %.0f ms)" % (worst * 1000))

    def test_kill_under_load_for_comparison(self):
        after, answered, slow, worst = self.stop_under_load(signal.SIGKILL)
        report("unplanned kill under load: %d/%d answered by a live node, %d (%.1f %%) slower "
               "than 40 ms (worst %.0f ms)" % (len(answered), len(after), len(slow),
                                               100.0 * len(slow) / max(1, len(after)), worst * 1000))
        self.assertEqual(len(answered), len(after))


class PlannedStopRefused(ThroughUnbound):
    """The same planned stop with stop_answer = "refused" (the default): the REFUSED
    window itself costs nothing, but Unbound does not remember it, so it still picks the
    node after it has exited and waits on it (about 0.4-0.8 s, a few queries)."""
    stop_answer = "refused"

    def test_planned_stop_vs_kill_under_load(self):
        after, answered, slow, worst = self.stop_under_load(signal.SIGTERM)
        report("planned stop (SIGTERM, stop_grace 2s, stop_answer refused) under load: %d/%d "
               "answered by a live node, %d slower than 40 ms, all after the exit (worst %.0f ms)"
               % (len(answered), len(after), len(slow), worst * 1000))
        self.assertEqual(len(answered), len(after))
        self.assertEqual([at for at, _ in slow if at < 1.9], [], "slow during the REFUSED window")


for name in ("test_delegation_and_self_answers", "test_one_node_stopped_every_query_lands_on_a_live_node",
             "test_master_dies_then_manual_promote", "test_kill_under_load_for_comparison"):
    setattr(PlannedStopRefused, name, None)  # run once, in ThroughUnbound


if __name__ == "__main__":
    # Root: the nodes listen on port 53.
    dnsd_harness.require(["unbound", "unbound-control"], root=True)
    dnsd_harness.main()
