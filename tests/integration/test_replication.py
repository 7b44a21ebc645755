"""One zone on every node (docs/dnsd.md): an update signed by a replicated key sent to any
of three dnsd nodes is forwarded to the primary, applied there, pushed to the others and
acknowledged once a majority holds it; down nodes catch up; loops and a down primary get
SERVFAIL; prerequisites are judged on the primary. Also prints the propagation figure."""
import json
import os
import signal
import socket
import struct
import time
import unittest

import dnsd_harness
from dnsd_harness import wait_for
from replication_harness import REPLICATION_SECRET, SENTINEL, ZONE, Cluster, serial


def txt_query(name, qid):
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", 16, 1)


class Replication(unittest.TestCase):

    def setUp(self):
        self.c = Cluster().start()
        self.lb1, self.lb2, self.lb3 = self.c.nodes

    def tearDown(self):
        self.c.stop()

    def assert_ok(self, p):
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def visible_everywhere(self, name, value, timeout=5):
        wait_for(lambda: all(n.txt(name) == ['"%s"' % value] for n in self.c.nodes), timeout,
                 "%s TXT %s on every node" % (name, value))

    def test_update_to_a_replica_is_served_by_every_node_with_the_same_axfr(self):
        self.assert_ok(self.lb2.update("update add acme1.example.com 60 TXT token-1"))
        # Acknowledged means the primary and at least one other node hold it already.
        holders = [n for n in self.c.nodes if n.txt("acme1") == ['"token-1"']]
        self.assertIn(self.lb1, holders)
        self.assertGreaterEqual(len(holders), 2)
        self.assert_ok(self.lb3.update("update add acme2.example.com 60 TXT token-2"))
        self.assert_ok(self.lb1.update("update delete acme1.example.com TXT"))
        self.visible_everywhere("acme2", "token-2")
        axfr = self.c.wait_converged()
        self.assertFalse([r for r in axfr if r.startswith("acme1.")], axfr)
        # The serial converged too: every node takes the primary's.
        self.assertEqual(len({serial(n) for n in self.c.nodes}), 1)
        self.assertIn("forwarded to the primary", self.lb2.read_log())
        self.assertIn("forwarded by node lb2", self.lb1.read_log())
        # Self names stay node-local.
        for n in self.c.nodes:
            self.assertEqual(n.dig("lb.example.com", "A").rdata(), [n.host])

    def test_sentinel_key_updates_stay_on_the_node(self):
        self.assert_ok(self.lb2.update("update add local.example.com 60 TXT only-lb2", key=SENTINEL))
        self.assertEqual(self.lb2.txt("local"), ['"only-lb2"'])
        self.assert_ok(self.lb2.update("update add acme3.example.com 60 TXT after"))
        self.visible_everywhere("acme3", "after")
        self.assertEqual(self.lb1.txt("local"), [])
        self.assertEqual(self.lb3.txt("local"), [])

    def test_prerequisite_is_judged_on_the_primary(self):
        self.assert_ok(self.lb3.update("update add taken.example.com 60 TXT first"))
        p = self.lb3.update("prereq nxdomain taken.example.com", "update add taken.example.com 60 TXT second")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("YXDOMAIN", p.stdout + p.stderr)
        self.visible_everywhere("taken", "first")

    def test_client_key_cannot_write_the_replication_marker(self):
        p = self.lb1.update("update add _replication.example.com 0 TXT \"seq=99 primary=lb1 hash=0000000000000000\"")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("REFUSED", p.stdout + p.stderr)

    def test_down_replica_still_acked_by_majority_and_catches_up(self):
        self.lb3.stop()
        for i in range(3):
            self.assert_ok(self.lb2.update("update add down%d.example.com 60 TXT v%d" % (i, i)))
        self.lb3.start()
        for i in range(3):
            self.visible_everywhere("down%d" % i, "v%d" % i, timeout=8)
        self.c.wait_converged()

    def test_all_ack_refuses_before_applying_when_a_node_is_down(self):
        self.c.stop()
        self.c = Cluster(ack="all", timeout="1s").start()
        self.lb1, self.lb2, self.lb3 = self.c.nodes
        self.assert_ok(self.lb2.update("update add before.example.com 60 TXT all-up"))
        self.lb3.stop()
        p = self.lb2.update("update add during.example.com 60 TXT one-down")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        self.lb3.start()
        self.visible_everywhere("before", "all-up", timeout=8)

    def test_primary_down_gives_servfail_and_loses_nothing_acked(self):
        self.assert_ok(self.lb2.update("update add kept.example.com 60 TXT acked"))
        self.lb1.stop()
        t0 = time.time()
        p = self.lb2.update("update add lost.example.com 60 TXT never")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        self.assertLess(time.time() - t0, 6)
        self.assertIn("did not answer the forwarded update", self.lb2.read_log())
        self.lb1.start()
        self.visible_everywhere("kept", "acked")
        self.assertEqual(self.lb3.txt("lost"), [])
        self.assert_ok(self.lb3.update("update add later.example.com 60 TXT back"))
        self.visible_everywhere("later", "back")
        self.c.wait_converged()

    def test_forwarding_loop_gets_servfail(self):
        # lb3 believes lb2 is the primary; lb2 believes lb1 is: lb2 must not forward again.
        self.lb3.primary = "lb2"
        self.lb3.write_config()
        self.lb3.signal(signal.SIGHUP)
        wait_for(lambda: "reload ok" in self.lb3.read_log(), 10, "lb3 to reload")
        deadline = time.time() + 10
        while True:
            p = self.lb3.update("update add loop.example.com 60 TXT x")
            if "SERVFAIL" in p.stdout + p.stderr or time.time() > deadline:
                break
            time.sleep(0.2)  # the reload had not landed yet: lb1 applied it
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        wait_for(lambda: "forwarding loop: node lb3 forwarded it to this node lb2" in self.lb2.read_log(), 5,
                 "the loop line on lb2")

    def test_diverged_node_is_repaired_by_the_primary(self):
        self.c.stop()
        self.c = Cluster(metrics=True).start()
        self.lb1, self.lb2, self.lb3 = self.c.nodes
        self.assert_ok(self.lb2.update("update add before.example.com 60 TXT one"))
        self.visible_everywhere("before", "one")
        marker = self.lb3.txt("_replication")
        self.assertEqual(len(marker), 3, marker)  # "seq=1" "primary=lb1" "hash=..." as dig splits it
        # While the primary is down, lb3 takes a change no primary sequenced (as an old
        # primary's unacknowledged tail would): other data, and a marker at the same seq
        # whose hash is not in lb1's chain.
        self.lb1.stop()
        bogus = "seq=1 primary=lb1 hash=0123456789abcdef"
        self.assert_ok(self.lb3.update(
            "prereq yxrrset _replication.example.com TXT",
            "update delete before.example.com TXT \"one\"",
            "update add rogue.example.com 60 TXT diverged",
            "update delete _replication.example.com TXT",
            'update add _replication.example.com 0 TXT "%s"' % bogus,
            key="hmac-sha256:replication:" + REPLICATION_SECRET))
        self.assertEqual(self.lb3.txt("rogue"), ['"diverged"'])
        self.assertNotEqual(self.lb3.replicated_axfr(), self.lb2.replicated_axfr())
        self.lb1.start()
        # Within one round of the push loop (~1 s) lb1 finds lb3 diverged and repairs it.
        last = []

        def same():
            last[:] = [n.replicated_axfr() for n in self.c.nodes]
            return all(a == last[0] for a in last)
        try:
            wait_for(same, 5, "every node's AXFR (without self name, SOA, marker) to be the same")
        except AssertionError:
            raise AssertionError("AXFRs differ:\n" + "\n---\n".join("\n".join(a) for a in last))
        self.assertEqual(self.lb3.txt("rogue"), [])
        self.assertEqual(self.lb3.txt("before"), ['"one"'])
        log = self.lb1.read_log()
        self.assertIn("node lb3 has diverged", log)
        self.assertIn('node lb3 repaired: 1 RRs removed, 1 added; marker "%s" -> "seq=1 primary=lb1' % bogus, log)
        self.assertIn("replication log dropped: entry 1", self.lb3.read_log())
        zone = '{zone="example.com."}'
        self.assertEqual(self.lb1.metric("dnsd_replication_repairs_total" + zone), 1)
        self.assertEqual(self.lb1.metric("dnsd_replication_divergences_total" + zone), 1)
        # Back in step: it gets the next entry like the others.
        self.assert_ok(self.lb2.update("update add after.example.com 60 TXT two"))
        self.visible_everywhere("after", "two")
        self.assertEqual(len({tuple(n.txt("_replication")) for n in self.c.nodes}), 1)
        self.assert_ok(self.lb2.update("update add after3.example.com 60 TXT three"))
        self.visible_everywhere("after3", "three")
        # Its log was dropped: the gap is said once, not for every entry.
        self.assertEqual(self.lb3.read_log().count("the replication log holds only up to entry 0"), 1)
        wait_for(lambda: self.lb1.metric('dnsd_replication_in_step{zone="example.com.",node="lb3"}') == 1, 5,
                 "lb3 in step on lb1")
        self.assertEqual(self.lb1.metric("dnsd_replication_repairs_total" + zone), 1)
        # dnsdctl on the primary: each node's seq, SOA serial (lb3's is ahead: the repair
        # and the bogus change each bumped it) and in-step state.
        want = ["  %s            seq 3 serial %d in step" % (n.name, serial(n)) for n in (self.lb2, self.lb3)]
        self.assertNotEqual(serial(self.lb2), serial(self.lb3))
        got = []

        def shown():
            got[:] = self.lb1.ctl("zone", "example.com").stdout.splitlines()
            return all(w in got for w in want)
        try:
            wait_for(shown, 5, "dnsdctl zone to show both nodes in step with their serials")
        except AssertionError:
            raise AssertionError("want %s in:\n%s" % (want, "\n".join(got)))
        replicas = json.loads(self.lb1.ctl("--json", "zone", "example.com").stdout)["result"]["replication"]["replicas"]
        self.assertEqual(sorted((r["name"], r["serial"], r["in_step"]) for r in replicas),
                         [(n.name, serial(n), True) for n in (self.lb2, self.lb3)])

    def test_a_repair_larger_than_one_tcp_message_is_refused_with_an_error(self):
        self.c.stop()
        self.c = Cluster(metrics=True)
        self.lb1, self.lb2, self.lb3 = self.c.nodes
        # lb3's zone file has ~90 KB more than the others': its repair cannot be one message.
        big = "".join('big%d 60 TXT "%s"\n' % (i, "x" * 200) for i in range(400))
        self.lb3.zone_text = ZONE + big
        self.lb3.write_config()
        self.c.start()
        self.assert_ok(self.lb2.update("update add first.example.com 60 TXT one"))  # lb1 serves a marker
        self.visible_everywhere("first", "one")
        self.assert_ok(self.lb3.update(
            "prereq yxrrset _replication.example.com TXT",
            "update delete _replication.example.com TXT",
            'update add _replication.example.com 0 TXT "seq=3 primary=lb9 hash=0123456789abcdef"',
            key="hmac-sha256:replication:" + REPLICATION_SECRET))
        wait_for(lambda: "node lb3 stays diverged: the repair (400 RRs removed, 0 added" in self.lb1.read_log(), 5,
                 "lb1 to refuse the repair of lb3")
        self.assertIn("does not fit one TCP DNS message (65535 bytes)", self.lb1.read_log())
        zone = '{zone="example.com."}'
        self.assertEqual(self.lb1.metric("dnsd_replication_repairs_total" + zone), 0)
        self.assertEqual(self.lb1.metric('dnsd_replication_in_step{zone="example.com.",node="lb3"}'), 0)
        self.assertEqual(len(self.lb3.txt("big7")), 1)
        # Not read again while nothing moved: two more rounds, still the one AXFR.
        time.sleep(2.5)
        axfrs = [l for l in self.lb3.read_log().splitlines() if "AXFR example.com. to" in l and "key replication." in l]
        self.assertEqual(len(axfrs), 1, axfrs)

    def test_primary_whose_log_lost_its_tail_says_so(self):
        self.assert_ok(self.lb2.update("update add tail.example.com 60 TXT x"))
        self.lb1.stop()
        os.remove(os.path.join(self.lb1.dir, "state", "example.com.replication"))
        self.lb1.start()
        self.assertIn("this primary serves _replication seq=1 primary=lb1", self.lb1.read_log())
        self.assertIn("but its replication log ends at (none)", self.lb1.read_log())

    def test_primary_stopped_between_its_log_and_its_journal_applies_the_logged_entry(self):
        # The state a stop between the two writes leaves: the primary's replication log
        # holds entry 2, its journal (and snapshot) only entry 1.
        import shutil
        self.assert_ok(self.lb2.update("update add first.example.com 60 TXT one"))
        self.visible_everywhere("first", "one")
        state = os.path.join(self.lb1.dir, "state")
        saved = os.path.join(self.lb1.dir, "state-at-entry-1")
        self.lb1.stop()
        shutil.copytree(state, saved)
        self.lb1.start()
        self.assert_ok(self.lb2.update("update add second.example.com 60 TXT two"))
        self.visible_everywhere("second", "two")
        self.lb1.stop()
        for name in os.listdir(saved):
            if not name.endswith(".replication") and not name.endswith(".sock"):
                shutil.copy2(os.path.join(saved, name), os.path.join(state, name))
        self.lb1.start()
        self.assertEqual(self.lb1.txt("second"), ['"two"'])
        log = self.lb1.read_log()
        self.assertIn("the replication log holds entry 2 but the zone stopped at entry 1", log)
        self.assertNotIn("but its replication log ends at", log)
        # Every node is in step: the next entry is 3 everywhere, on the same content.
        self.assert_ok(self.lb3.update("update add third.example.com 60 TXT three"))
        self.visible_everywhere("third", "three")
        self.c.wait_converged()
        markers = [n.txt("_replication") for n in self.c.nodes]
        self.assertEqual(markers[0][0], '"seq=3', markers)
        self.assertTrue(all(m == markers[0] for m in markers), markers)

    def test_propagation_time(self):
        """Prints p50/p99 of: update acknowledged by lb2 -> visible on all three nodes."""
        socks = []
        for n in self.c.nodes:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(0.5)
            socks.append((s, (n.host, n.port)))
        times = []
        count = int(os.environ.get("REPLICATION_LATENCY_UPDATES", "40"))  # scripts/replication-latency
        for i in range(count):
            start = time.time()
            self.assert_ok(self.lb2.update("update add lat%d.example.com 60 TXT v" % i))
            acked = time.time()
            pending = set(range(3))
            while pending:
                for j in list(pending):
                    s, addr = socks[j]
                    s.sendto(txt_query("lat%d.example.com" % i, i), addr)
                    try:
                        r = s.recv(4096)
                    except socket.timeout:
                        continue
                    if (r[3] & 0xF) == 0 and struct.unpack(">H", r[6:8])[0] > 0:
                        pending.discard(j)
                if time.time() - start > 5:
                    self.fail("lat%d not visible everywhere in 5 s" % i)
            times.append((time.time() - start, time.time() - acked))
        for s, _ in socks:
            s.close()
        total = sorted(t for t, _ in times)
        after = sorted(a for _, a in times)
        pct = lambda v, p: v[min(len(v) - 1, int(len(v) * p))] * 1000
        print("\nreplication: nsupdate to lb2 -> visible on lb1, lb2, lb3 (%d updates): p50 %.1f ms, "
              "p99 %.1f ms (nsupdate included); after the NOERROR: p50 %.1f ms, p99 %.1f ms" %
              (count, pct(total, 0.5), pct(total, 0.99), pct(after, 0.5), pct(after, 0.99)), flush=True)
        self.assertLess(pct(after, 0.99), 2000)


if __name__ == "__main__":
    dnsd_harness.main()
