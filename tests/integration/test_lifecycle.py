"""dnsd as an operator runs it: --check, start-up errors, SIGHUP reload, SIGTERM grace."""
import os
import signal
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import wait_for, DNSD, SELF_ZONE, ZONE, Dnsd, build_query


def check(config):
    return subprocess.run([DNSD, "-c", config, "--check"], capture_output=True, text=True,
                          timeout=30)


class CheckAndStartup(unittest.TestCase):

    def test_good_config(self):
        d = Dnsd()
        p = check(d.config)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_zone_syntax_error_has_file_and_line(self):
        d = Dnsd(zones=[("example.com", ZONE + "bad A not-an-address\n", [])])
        p = check(d.config)
        self.assertEqual(p.returncode, 1)
        line = len(ZONE.splitlines()) + 1
        self.assertIn("example.com.zone:%d:" % line, p.stderr)

    def test_unknown_key(self):
        d = Dnsd(server_extra="wrokers = 2")
        p = check(d.config)
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr, r"dnsd.toml:\d+: server.wrokers")

    def test_address_at_self_name(self):
        d = Dnsd(zones=[("api.example.test", SELF_ZONE + "@ A 192.0.2.1\n", ["@"])],
                 node=['ipv4 = ["198.51.100.10"]'])
        p = check(d.config)
        self.assertEqual(p.returncode, 1)
        self.assertIn("is a self name", p.stderr)
        self.assertRegex(p.stderr, r"api.example.test.zone:\d+:")

    def test_broken_config_exits_1_without_binding(self):
        d = Dnsd(server_extra="udp_payload = 99999")
        p = subprocess.run([DNSD, "-c", d.config], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 1)
        self.assertIn("server.udp_payload", p.stderr)
        self.assertNotIn("dnsd ready", p.stderr)

    def test_usage_errors_exit_2(self):
        self.assertEqual(subprocess.run([DNSD], capture_output=True, timeout=10).returncode, 2)
        self.assertEqual(subprocess.run([DNSD, "--version"], capture_output=True, timeout=10).returncode, 0)


class Reload(unittest.TestCase):

    def setUp(self):
        self.d = Dnsd().start()

    def tearDown(self):
        self.d.stop()

    def wait_log(self, text, count, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.d.read_log().count(text) >= count:
                return
            time.sleep(0.05)
        self.fail("no %r in log: %s" % (text, self.d.read_log()))

    def test_reload_serves_new_record_and_keeps_old_on_error(self):
        self.assertEqual(self.d.dig("new.example.com", "A").status, "NXDOMAIN")
        self.d.write_zone("example.com", ZONE.replace("2024010101", "2024010102") +
                          "new A 192.0.2.99\n")
        self.d.signal(signal.SIGHUP)
        self.wait_log("reload ok", 1)
        self.assertEqual(self.d.dig("new.example.com", "A").rdata(), ["192.0.2.99"])
        self.d.write_zone("example.com", "this is not a zone\n")
        self.d.signal(signal.SIGHUP)
        self.wait_log("reload failed", 1)
        self.assertEqual(self.d.dig("new.example.com", "A").rdata(), ["192.0.2.99"])

    def test_queries_keep_flowing_during_reloads(self):
        failures = 0
        for i in range(60):
            if i % 10 == 0:
                # Signals that arrive together merge into one: wait for each reload.
                self.wait_log("reload ok", i // 10)
                self.d.signal(signal.SIGHUP)
            reply = self.d.udp(build_query("www.example.com", qid=i), 2.0)
            if reply is None or reply[3] & 0xF != 0:
                failures += 1
        self.assertEqual(failures, 0)
        self.wait_log("reload ok", 6)


class Stop(unittest.TestCase):

    def test_sigterm_with_grace_answers_an_upward_referral_by_default(self):
        # The default stop_answer: NOERROR, not authoritative, no answer, the zone's NS
        # targets owned by its parent (com.) in the authority section, over UDP and TCP.
        d = Dnsd(server_extra='stop_grace = "2s"').start()
        try:
            d.signal(signal.SIGTERM)

            def upward(*args):
                r = d.dig("www.example.com", "A", *args)
                return (r.status == "NOERROR" and "aa" not in r.flags and not r.rrs() and
                        sorted((rr[0], rr[3], rr[4]) for rr in r.rrs("AUTHORITY")) ==
                        [("com.", "NS", "ns1.example.com."), ("com.", "NS", "ns2.example.com.")])
            wait_for(upward, 1.5, "an upward referral over UDP in the grace window")
            self.assertTrue(upward("+tcp"))
            self.assertEqual(d.dig("elsewhere.org", "A").status, "REFUSED")
            self.assertEqual(d.proc.wait(timeout=10), 0)
        finally:
            d.stop()

    def test_sigterm_with_grace_refuses_then_exits(self):
        d = Dnsd(server_extra='stop_grace = "2s"\nstop_answer = "refused"').start()
        try:
            self.assertEqual(d.dig("www.example.com", "A").status, "NOERROR")
            t0 = time.time()
            d.signal(signal.SIGTERM)
            # Not a fixed sleep: the signal is handled on dnsd's loop, later under load.
            wait_for(lambda: d.dig("www.example.com", "A").status == "REFUSED", 1.5,
                     "REFUSED over UDP in the grace window")
            self.assertEqual(d.dig("www.example.com", "A", "+tcp").status, "REFUSED")
            rc = d.proc.wait(timeout=10)
            elapsed = time.time() - t0
            self.assertEqual(rc, 0)
            self.assertGreaterEqual(elapsed, 1.8)
            self.assertLess(elapsed, 4.0)
        finally:
            d.stop()

    def test_sigterm_without_grace_exits_promptly(self):
        d = Dnsd().start()
        try:
            t0 = time.time()
            d.signal(signal.SIGTERM)
            self.assertEqual(d.proc.wait(timeout=10), 0)
            self.assertLess(time.time() - t0, 1.0)
        finally:
            d.stop()


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
