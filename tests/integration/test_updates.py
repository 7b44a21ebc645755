"""Signed dynamic updates with the real nsupdate, durability across kill -9, a burst of
updates under query load, AXFR/IXFR with and without the key."""
import signal
import threading
import time
import unittest

import dnsd_harness
from dnsd_harness import (KEY_NAME, KEY_SECRET, KEYS_TOML, OTHER_SECRET, ZONE, Dnsd, build_query,
                          nsupdate)

ZONE_EXTRA = 'update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]'
TSIG = "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)


def serial(d):
    return int(d.dig("example.com", "SOA", "+short").text.split()[2])


class Updates(unittest.TestCase):

    def setUp(self):
        self.d = Dnsd(zone_extra=ZONE_EXTRA, tail=KEYS_TOML).start()

    def tearDown(self):
        self.d.stop()

    def update(self, *commands, key=TSIG):
        return nsupdate(self.d.host, self.d.port, ["zone example.com"] + list(commands) + ["send"], key=key)

    def test_add_replace_delete(self):
        s0 = serial(self.d)
        p = self.update("update add new.example.com 60 A 192.0.2.99")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.d.dig("new.example.com", "A").rdata(), ["192.0.2.99"])
        self.assertEqual(serial(self.d), s0 + 1)
        p = self.update("update delete new.example.com A", "update add new.example.com 60 A 192.0.2.98")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.d.dig("new.example.com", "A").rdata(), ["192.0.2.98"])
        p = self.update("update delete new.example.com")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.d.dig("new.example.com", "A").status, "NXDOMAIN")
        self.assertEqual(serial(self.d), s0 + 3)

    def test_prerequisite_failure_changes_nothing(self):
        s0 = serial(self.d)
        p = self.update("prereq nxdomain www.example.com", "update add www.example.com 60 A 192.0.2.1")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("YXDOMAIN", p.stdout + p.stderr)
        self.assertEqual(serial(self.d), s0)

    def test_unsigned_badly_signed_and_wrong_key_are_refused(self):
        s0 = serial(self.d)
        for key, want in ((None, "REFUSED"),
                          ("hmac-sha256:%s:%s" % (KEY_NAME, OTHER_SECRET), "BADSIG"),
                          ("hmac-sha256:other:%s" % OTHER_SECRET, "REFUSED"),  # valid, not listed
                          ("hmac-sha256:nosuchkey:%s" % OTHER_SECRET, "BADKEY")):
            p = self.update("update add evil.example.com 60 A 192.0.2.66", key=key)
            self.assertNotEqual(p.returncode, 0, key)
            self.assertIn(want, p.stdout + p.stderr, key)
        self.assertEqual(self.d.dig("evil.example.com", "A").status, "NXDOMAIN")
        self.assertEqual(serial(self.d), s0)

    def test_kill_9_after_ack_then_restart_serves_it(self):
        p = self.update("update add durable.example.com 60 TXT \"acked\"")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.d.proc.send_signal(signal.SIGKILL)
        self.d.proc.wait(timeout=10)
        self.d.log.close()
        self.d.start()
        self.assertEqual(self.d.dig("durable.example.com", "TXT").rdata(), ['"acked"'])
        self.assertIn("journal entries replayed", self.d.read_log())

    def test_burst_of_1000_updates_under_query_load(self):
        s0 = serial(self.d)
        stop = threading.Event()
        stats = {"sent": 0, "failed": 0}

        def query_loop():
            i = 0
            while not stop.is_set() and i < 200000:
                i += 1
                reply = self.d.udp(build_query("www.example.com", qid=i & 0xFFFF), 2.0)
                stats["sent"] += 1
                if reply is None or reply[3] & 0xF != 0:
                    stats["failed"] += 1

        t = threading.Thread(target=query_loop)
        t.start()
        commands = ["zone example.com"]
        for i in range(1000):
            commands += ["update add burst%d.example.com 60 A 192.0.2.%d" % (i, i % 250 + 1), "send"]
        t0 = time.time()
        p = nsupdate(self.d.host, self.d.port, commands, key=TSIG, timeout=300)
        elapsed = time.time() - t0
        stop.set()
        t.join(timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr[-500:])
        self.assertEqual(serial(self.d), s0 + 1000)
        self.assertEqual(stats["failed"], 0)
        self.assertGreater(stats["sent"], 100)
        print("1000 updates in %.2fs (%.1f ms each incl. fsync), %d queries during, 0 lost"
              % (elapsed, elapsed, stats["sent"]))

    def test_axfr_with_key_and_refused_without(self):
        self.update("update add xfr.example.com 60 A 192.0.2.77")
        r = self.d.dig("example.com", "AXFR", "-y", TSIG)
        self.assertNotIn("Transfer failed", r.text)
        lines = [l for l in r.text.splitlines() if l and not l.startswith(";") and l.split()[3] != "TSIG"]
        self.assertNotIn("could not be validated", r.text)
        self.assertEqual(lines[0].split()[3], "SOA")
        self.assertEqual(lines[-1].split()[3], "SOA")
        self.assertTrue(any("xfr.example.com." in l for l in lines))
        self.assertGreater(len(lines), 60)
        self.assertIn("Transfer failed", self.d.dig("example.com", "AXFR").text)
        self.assertIn("Transfer failed", self.d.dig("example.com", "AXFR", "-y",
                                                   "hmac-sha256:other:%s" % OTHER_SECRET).text)

    def test_ixfr_returns_the_difference(self):
        s0 = serial(self.d)
        self.update("update add ix1.example.com 60 A 192.0.2.81")
        self.update("update delete txt.example.com TXT")
        r = self.d.dig("example.com", "IXFR=%d" % s0, "-y", TSIG)
        lines = [l.split() for l in r.text.splitlines() if l and not l.startswith(";") and l.split()[3] != "TSIG"]
        types = [l[3] for l in lines]
        self.assertEqual(types.count("SOA"), 6)  # current, (old, dels, new, adds) x2, current
        self.assertTrue(any(l[0] == "ix1.example.com." for l in lines))
        self.assertTrue(any(l[0] == "txt.example.com." for l in lines))
        self.assertLess(len(lines), 12)  # a difference, not the whole zone

    def test_signed_query_gets_a_signed_answer(self):
        r = self.d.dig("www.example.com", "A", "-y", TSIG)
        self.assertEqual(r.status, "NOERROR")
        self.assertIn("192.0.2.10", r.rdata())
        self.assertIn("TSIG PSEUDOSECTION", r.text)  # the answer is signed...
        self.assertNotIn("could not be validated", r.text)  # ...and dig verified it
        self.assertNotIn("failure", r.text)


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
