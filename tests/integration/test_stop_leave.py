"""A planned stop that lasts until resolvers no longer hold the node (issue 19): in the
stop_grace window dnsd still carries out signed UPDATEs (and answers signed queries) while
ordinary queries get the upward referral, and it exits max(NS TTL, stop_leave_wait) + 1 s
after an update takes it out of its zone's apex NS set, instead of at the end of
stop_grace; without such an update it waits the whole window."""
import signal
import time
import unittest

import dnsd_harness
from dnsd_harness import KEY_SECRET, KEYS_TOML, Dnsd, nsupdate, wait_for

NODE_V4 = "192.0.2.101"
SIGNED = "hmac-sha256:sentinel:" + KEY_SECRET

# ns-lb1 is this node by its in-zone glue; the NS set's TTL is 1 s, as sentinel's
# [cluster] ns_ttl = 1 writes it.
ZONE = """$ORIGIN example.com.
$TTL 300
@       SOA ns-lb1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300
@     1 NS  ns-lb1.example.com.
@     1 NS  ns-lb2.example.com.
ns-lb1 1 A  %s
ns-lb2 1 A  192.0.2.102
www     A   192.0.2.10
""" % NODE_V4


def stopping_node(grace, zone=ZONE, extra=""):
    return Dnsd(zones=[("example.com", zone, ["self"])],
                server_extra='stop_grace = "%s"\n%s' % (grace, extra),
                node=['ipv4 = ["%s"]' % NODE_V4], zone_extra='update_keys = ["sentinel"]',
                tail=KEYS_TOML)


def upward(d):
    """The default stop answer: NOERROR, not authoritative, the NS targets owned by com."""
    r = d.dig("www.example.com", "A")
    owners = [rr[0] for rr in r.rrs("AUTHORITY")]
    return (r.status == "NOERROR" and "aa" not in r.flags and not r.rrs() and
            bool(owners) and set(owners) == {"com."})


def update(d, *lines):
    p = nsupdate(d.host, d.port, ["zone example.com"] + list(lines) + ["send"], key=SIGNED)
    return p.returncode == 0, p.stdout + p.stderr


class StopLeave(unittest.TestCase):

    def node(self, grace, **kw):
        d = stopping_node(grace, **kw).start()
        self.addCleanup(d.stop)
        return d

    def test_leaves_once_out_of_the_ns_set_and_its_ttl(self):
        d = self.node("20s")
        t0 = time.time()
        d.signal(signal.SIGTERM)
        wait_for(lambda: upward(d), 5, "the upward referral in the stop window")
        # sentinel's push: the node's NS name and its glue go, in the stop window.
        ok, out = update(d, "update delete example.com. NS ns-lb1.example.com.",
                         "update delete ns-lb1.example.com. A")
        self.assertTrue(ok, out)
        t_update = time.time()
        # A signed query (sentinel's read-back) still gets the zone's data.
        r = d.dig("example.com", "NS", "-y", SIGNED)
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertIn("aa", r.flags)
        self.assertEqual(r.rdata(), ["ns-lb2.example.com."])
        self.assertTrue(upward(d), "ordinary queries still get the stop answer")
        self.assertEqual(d.proc.wait(timeout=19), 0)
        t_exit = time.time()
        # max(1 s TTL, 5 s stop_leave_wait) + 1 s after the update; well before 20 s.
        self.assertGreaterEqual(t_exit - t_update, 5.8)
        self.assertLess(t_exit - t0, 15)
        log = d.read_log()
        self.assertIn("for 20000 ms at most", log)
        self.assertRegex(log, r"left after \d+ ms: no longer in example\.com\.'s NS set since \d+ ms "
                              r"into the window \(NS TTL 1 s: waited max\(1 s, 5 s\) \+ 1 s\)")

    def test_waits_the_whole_window_unless_it_left_every_ns_set(self):
        # Three nodes at once (the test takes one window, not three): nothing changes; the
        # NS set changes but still names the node (a new name with its address); a node
        # its zone's NS set never named (today's behaviour) loses an NS name.
        unchanged = self.node("3s")
        renamed = self.node("3s")
        never = self.node("3s", zone=ZONE.replace("ns-lb1 1 A  " + NODE_V4, "ns-lb1 1 A  192.0.2.103"))
        nodes = (unchanged, renamed, never)
        t0 = time.time()
        for d in nodes:
            d.signal(signal.SIGTERM)
        for d in nodes:
            wait_for(lambda: upward(d), 2, "the upward referral in the stop window")
        ok, out = update(renamed, "update add example.com. 1 NS ns-new.example.com.",
                         "update add ns-new.example.com. 1 A " + NODE_V4,
                         "update delete example.com. NS ns-lb1.example.com.",
                         "update delete ns-lb1.example.com. A")
        self.assertTrue(ok, out)
        ok, out = update(never, "update delete example.com. NS ns-lb1.example.com.")
        self.assertTrue(ok, out)
        for d in nodes:
            self.assertEqual(d.proc.wait(timeout=15), 0)
        self.assertGreaterEqual(time.time() - t0, 2.9)
        self.assertRegex(unchanged.read_log(), r"stop_grace ended after \d+ ms \(still in example\.com\.'s NS set\)")
        self.assertRegex(renamed.read_log(), r"stop_grace ended after \d+ ms \(still in example\.com\.'s NS set\)")
        self.assertRegex(never.read_log(),
                         r"stop_grace ended after \d+ ms \(not in example\.com\.'s NS set at the stop\)")
        self.assertIn("for 3000 ms, then stopping", never.read_log())

    def test_a_node_already_out_of_the_ns_set_by_its_own_ns_name_leaves_after_the_ttl(self):
        # [node] ns names this node ns-lb3 (out of the NS set: sentinel drained it, or its
        # check failed before the stop): dnsd knows it is out, so it waits max(TTL, 5 s) + 1 s
        # from the signal, not the whole window. The NS set still answers with ns-lb1's glue
        # at this node's address: [node] ns decides, not the address.
        d = Dnsd(zones=[("example.com", ZONE, ["self"])], server_extra='stop_grace = "20s"\n',
                 node=['ipv4 = ["%s"]' % NODE_V4, 'ns = ["ns-lb3.example.com."]'],
                 zone_extra='update_keys = ["sentinel"]', tail=KEYS_TOML).start()
        self.addCleanup(d.stop)
        t0 = time.time()
        d.signal(signal.SIGTERM)
        wait_for(lambda: upward(d), 5, "the upward referral in the stop window")
        self.assertEqual(d.proc.wait(timeout=19), 0)
        elapsed = time.time() - t0
        self.assertGreaterEqual(elapsed, 5.8)
        self.assertLess(elapsed, 15)
        self.assertRegex(d.read_log(), r"left after \d+ ms: no longer in example\.com\.'s NS set since 0 ms "
                                       r"into the window \(NS TTL 1 s")

    def test_a_second_sigterm_still_exits_at_once(self):
        d = self.node("20s")
        d.signal(signal.SIGTERM)
        wait_for(lambda: upward(d), 5, "the upward referral in the stop window")
        t = time.time()
        d.signal(signal.SIGTERM)
        self.assertEqual(d.proc.wait(timeout=10), 0)
        self.assertLess(time.time() - t, 3)
        self.assertIn("second stop signal: exiting now", d.read_log())


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
