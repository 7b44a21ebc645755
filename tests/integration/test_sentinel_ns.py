"""sentinel keeps the zone's apex NS set to the nodes in service: a node whose dnsd is
killed leaves the NS set the other nodes serve, and comes back when it is up again; a
drained node leaves it too; with two of three nodes down two NS stay (never fewer); the
zone file's own NS (ns1.example.test., no node's) is never touched; the NS TTL is ns_ttl."""
import re
import signal
import time
import unittest

import dnsd_harness
from sentinel_harness import ZONE, Cluster, wait_until

NS_TTL = 7


def apex_ns(nd):
    """(sorted NS names, set of TTLs) that one dnsd serves at the apex."""
    r = nd.dig(ZONE, "NS", "+noall", "+answer", "+time=1", "+tries=1")
    rrs = [line.split() for line in r.text.splitlines() if line and not line.startswith(";")]
    rrs = [rr for rr in rrs if len(rr) >= 5 and rr[3] == "NS"]
    return sorted(rr[4].lower() for rr in rrs), {int(rr[1]) for rr in rrs}


def names(*nodes):
    return sorted(["ns1.example.test."] + ["%s.%s." % (n, ZONE) for n in nodes])


class ApexNsSet(unittest.TestCase):

    def setUp(self):
        self.c = Cluster(n=3, driver="none", ns_ttl=NS_TTL).start()
        self.addCleanup(self.c.stop)

    def wait_ns(self, want, on, timeout=15, what=""):
        for nd in on:
            wait_until(lambda nd=nd: apex_ns(nd) == (want, {NS_TTL}), timeout,
                       what="NS %s with TTL %d on %s %s" % (want, NS_TTL, nd.name, what))

    def test_down_and_drained_nodes_leave_the_ns_set_and_come_back(self):
        c = self.c
        lb1, lb2, lb3 = c.nodes
        self.wait_ns(names("lb1", "lb2", "lb3"), c.nodes, what="at the start")

        lb3.kill()
        self.wait_ns(names("lb1", "lb2"), [lb1, lb2], what="after lb3 died")
        lb3.start()
        self.wait_ns(names("lb1", "lb2", "lb3"), c.nodes, what="after lb3 came back")

        self.assertEqual(c.cli("drain", "lb2").returncode, 0)
        self.wait_ns(names("lb1", "lb3"), c.nodes, what="with lb2 drained")
        self.assertEqual(c.cli("undrain", "lb2").returncode, 0)
        self.wait_ns(names("lb1", "lb2", "lb3"), c.nodes, what="after the undrain")

        # Two of three down: lb1 serves alone, the best other (lb2, priority 10) stays.
        lb3.kill()
        self.wait_ns(names("lb1", "lb2"), [lb1, lb2], what="after lb3 died again")
        lb2.kill()
        # The push that takes lb2 out of the SRV set carries the NS set too: still two NS.
        wait_until(lambda: c.srv(lb1) and not any("lb2." in line for line in c.srv(lb1)), 15,
                   what="lb2 out of the SRV set on lb1")
        self.assertEqual(apex_ns(lb1), (names("lb1", "lb2"), {NS_TTL}))

    def test_a_reload_that_drops_a_nodes_ns_deletes_it(self):
        c = self.c
        self.wait_ns(names("lb1", "lb2", "lb3"), c.nodes, what="at the start")
        with open(c.config) as f:
            text = f.read()
        line = 'ns = "lb3.%s."\n' % ZONE
        self.assertIn(line, text)
        with open(c.config, "w") as f:
            f.write(text.replace(line, ""))
        c.proc.send_signal(signal.SIGHUP)
        self.wait_ns(names("lb1", "lb2"), c.nodes, what="after the reload")


class StopLeavesTheNsSet(unittest.TestCase):
    """A plain stop of lb3 (issue 19): sentinel's DNS check fails on the stop answer, it
    takes lb3 out of the apex NS set and pushes that to every dnsd, lb3's too, which then
    exits max(ns_ttl, stop_leave_wait) + 1 s later instead of at the end of stop_grace."""

    def test_a_stopping_node_leaves_once_sentinel_took_it_out(self):
        c = Cluster(n=3, driver="none", ns_ttl=1)
        lb1, lb2, lb3 = c.nodes
        with open(lb3.config) as f:
            text = f.read()
        text = text.replace('stop_grace = "0s"', 'stop_grace = "30s"\nstop_leave_wait = "1s"')
        text = text.replace('name = "lb3"', 'name = "lb3"\nns = ["lb3.%s."]' % ZONE, 1)
        with open(lb3.config, "w") as f:
            f.write(text)
        c.start()
        self.addCleanup(c.stop)
        wait_until(lambda: apex_ns(lb3) == (names("lb1", "lb2", "lb3"), {1}), 15, what="NS on lb3 at the start")
        t0 = time.time()
        lb3.signal(signal.SIGTERM)
        self.assertEqual(lb3.proc.wait(timeout=25), 0)
        self.assertLess(time.time() - t0, 20, "left before the 30 s stop_grace")
        self.assertEqual(apex_ns(lb1), (names("lb1", "lb2"), {1}))
        log = lb3.read_log()
        self.assertIn("for 30000 ms at most", log)
        self.assertRegex(log, r"left after \d+ ms: no longer in %s\.'s NS set since \d+ ms into the "
                              r"window \(NS TTL 1 s: waited max\(1 s, 1 s\) \+ 1 s\)" % re.escape(ZONE))


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
