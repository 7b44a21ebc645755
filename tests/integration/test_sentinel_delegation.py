"""sentinel keeps the parent zone's delegation too ([parent], issue 19): a parent dnsd
serving example.test takes TSIG-signed updates with a key only sentinel and it hold; when
a child node's dnsd is killed its NS name (and glue) leaves the delegation the parent
refers resolvers to, two of three down never leave fewer than two NS, and a restarted
node comes back. `sentinel drain --wait` returns once resolvers can no longer have the
node. A parent that refuses the key is logged and counted, never fatal."""
import base64
import os
import time
import unittest
import urllib.request

import dnsd_harness
from dnsd_harness import Dnsd
from sentinel_harness import ZONE, Cluster, wait_until

NS_TTL = 7
PARENT = "example.test"
PARENT_KEY = "parent.sentinel"
PARENT_SECRET = base64.b64encode(b"parent-delegation-key-0123456789").decode()

PARENT_ZONE = """$ORIGIN example.test.
$TTL 300
@    SOA ns0.example.test. hostmaster.example.test. 1 3600 600 86400 30
@    NS  ns0.example.test.
ns0  A   192.0.2.53
api  NS  lb1.api.example.test.
api  NS  lb2.api.example.test.
api  NS  lb3.api.example.test.
api  NS  ns.provider.example.
lb1.api  A  {lb1}
lb2.api  A  {lb2}
lb3.api  A  {lb3}
"""


def delegation(parent):
    """(sorted NS names, set of NS TTLs, {name: [glue A]}) the parent refers to for ZONE."""
    r = parent.dig(ZONE, "NS", "+norecurse", "+noall", "+answer", "+authority", "+additional",
                   "+time=1", "+tries=1")
    ns, ttls, glue = [], set(), {}
    for line in r.text.splitlines():
        f = line.split()
        if len(f) < 5 or line.startswith(";"):
            continue
        if f[3] == "NS" and f[0].lower() == ZONE + ".":
            ns.append(f[4].lower())
            ttls.add(int(f[1]))
        elif f[3] == "A":
            glue.setdefault(f[0].lower(), []).append(f[4])
    return sorted(ns), ttls, glue


def names(*nodes):
    return sorted(["ns.provider.example."] + ["%s.%s." % (n, ZONE) for n in nodes])


class Delegation(unittest.TestCase):

    def start(self, sentinel_key_secret=PARENT_SECRET):
        self.c = Cluster(n=3, driver="none", ns_ttl=NS_TTL)
        addrs = {nd.name: nd.host for nd in self.c.nodes}
        self.parent = Dnsd(zones=[(PARENT, PARENT_ZONE.format(**addrs), [])],
                           zone_extra='update_keys = ["%s"]' % PARENT_KEY,
                           tail='[[key]]\nname = "%s"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n'
                           % (PARENT_KEY, PARENT_SECRET))
        self.parent.start()
        self.addCleanup(self.parent.stop)
        with open(self.c.config, "a") as f:
            f.write('\n[[key]]\nname = "%s"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n\n'
                    '[parent]\nzone = "%s"\nservers = ["%s:%d"]\nupdate_key = "%s"\n'
                    % (PARENT_KEY, sentinel_key_secret, PARENT, self.parent.host,
                       self.parent.port, PARENT_KEY))
        self.addCleanup(self.c.stop)
        self.c.start()
        return self.c

    def wait_delegation(self, want, what, timeout=15):
        """Until the parent refers to exactly `want` with ns_ttl, and glue for exactly ours."""
        def served():
            ns, ttls, glue = delegation(self.parent)
            ours_glue = {n: glue.get(n) for n in want if n.endswith(ZONE + ".")}
            return (ns == want and ttls == {NS_TTL}
                    and all(ours_glue[n] == [self.c.node(n.split(".")[0]).host]
                            for n in ours_glue)
                    and sorted(g for g in glue if g.endswith(ZONE + ".")) == sorted(ours_glue))
        wait_until(served, timeout, what="the parent's delegation %s %s (last %r)"
                   % (want, what, delegation(self.parent)))

    def test_down_nodes_leave_the_delegation_never_below_two_and_come_back(self):
        c = self.start()
        lb1, lb2, lb3 = c.nodes
        # The zone file's TTL is 300: sentinel rewrote the RRset's with ns_ttl (one TTL per
        # RRset, RFC 2181 5.2); ns.provider.example. (not a node's) stays in it.
        self.wait_delegation(names("lb1", "lb2", "lb3"), "at the start")

        lb3.kill()
        self.wait_delegation(names("lb1", "lb2"), "after lb3 died")

        # Two of three down: lb1 serves alone, the best other (lb2) stays: never below two.
        lb2.kill()
        deadline = time.time() + 6  # lb2 out of the SRV set, then a reconcile round (2 s)
        seen_lb2_out = None
        while time.time() < deadline:
            ns, _, _ = delegation(self.parent)
            ours = [n for n in ns if n.endswith(ZONE + ".")]
            self.assertGreaterEqual(len(ours), 2, "the delegation fell below two: %s" % ns)
            if seen_lb2_out is None and c.srv(lb1) and not any("lb2." in l for l in c.srv(lb1)):
                seen_lb2_out = time.time()
            if seen_lb2_out and time.time() > seen_lb2_out + 2.5:
                break
            time.sleep(0.05)
        self.assertIsNotNone(seen_lb2_out, "lb2 never left the SRV set")
        self.assertEqual(delegation(self.parent)[0], names("lb1", "lb2"))

        lb2.start()
        lb3.start()
        self.wait_delegation(names("lb1", "lb2", "lb3"), "after lb2 and lb3 came back")
        st = c.status()["delegation"]
        self.assertEqual(st["zone"], PARENT + ".")
        self.assertEqual(st["ns"], names("lb1", "lb2", "lb3"))
        self.assertTrue(st["in_sync"], st)
        self.assertIn("delegation by %s.: ns" % PARENT, c.cli("status").stdout)

    def test_drain_wait_returns_once_resolvers_can_no_longer_have_the_node(self):
        # `sentinel drain --wait` (docs/operations.md "Maintenance"): it returns only once
        # the parent no longer names the node and max(ns_ttl, 5 s) + 1 s passed after that.
        c = self.start()
        self.wait_delegation(names("lb1", "lb2", "lb3"), "at the start")
        t = time.monotonic()
        r = c.cli("drain", "lb3", "--wait", check=True)
        took = time.monotonic() - t
        self.assertEqual(delegation(self.parent)[0], names("lb1", "lb2"), r.stdout)
        self.assertGreaterEqual(took, NS_TTL + 1, r.stdout)
        self.assertIn("no longer names lb3.%s" % ZONE, r.stdout)
        self.assertIn("waiting %d s" % (NS_TTL + 1), r.stdout)
        self.assertIn("stop its dnsd now", r.stdout)

    def test_drain_wait_without_a_parent_says_there_is_nothing_to_wait_for(self):
        c = Cluster(n=3, driver="none", ns_ttl=NS_TTL)
        self.addCleanup(c.stop)
        c.start()
        t = time.monotonic()
        r = c.cli("drain", "lb3", "--wait", check=True)
        self.assertLess(time.monotonic() - t, 5, r.stdout)
        self.assertIn("nothing to wait for", r.stderr)
        self.assertIn("Knot Resolver", r.stderr)

    def test_a_parent_that_refuses_the_key_is_counted_not_fatal(self):
        c = self.start(sentinel_key_secret=base64.b64encode(os.urandom(32)).decode())
        url = "http://%s:%d/metrics" % (c.api_host, c.api_port)

        def refusals():
            text = urllib.request.urlopen(url, timeout=10).read().decode()
            return sum(float(l.split()[-1]) for l in text.splitlines()
                       if l.startswith("sentinel_parent_update_refusals_total{"))
        wait_until(lambda: refusals() >= 1, 15, what="a refused parent update counted")
        st = c.status()["delegation"]
        self.assertEqual(st["status"], "refused", st)
        self.assertIn(st["rcode"], ("NOTAUTH", "BADSIG", "BADKEY"), st)
        self.assertFalse(st["in_sync"])
        # Untouched: the zone file's delegation, TTL 300; sentinel still runs and publishes.
        self.assertEqual(delegation(self.parent)[:2], (names("lb1", "lb2", "lb3"), {300}))
        self.assertIn("answered the update " + st["rcode"], c.read_log())
        c.node("lb3").kill()
        wait_until(lambda: not any("lb3." in l for l in c.srv(c.node("lb1"))), 15,
                   what="lb3 out of the SRV set with the parent refusing")


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
