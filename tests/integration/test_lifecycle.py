"""dnsd as an operator runs it: --check, start-up errors, SIGHUP reload, SIGTERM grace,
and a stop under a steady query stream that loses no query silently."""
import errno
import os
import selectors
import socket
import signal
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import wait_for, DNSD, SELF_ZONE, ZONE, Dnsd, build_query


def check(config):
    return subprocess.run([DNSD, "-c", config, "--check"], capture_output=True, text=True,
                          timeout=30)


def icmp_rate_limited():
    """How many ICMP errors the kernel has not sent for its global rate limit (1000/s,
    burst 50): a refusal it held back would look like a query that vanished."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Icmp:")]
    if len(rows) < 2 or "OutRateLimitGlobal" not in rows[0]:
        return 0
    return int(rows[1][rows[0].index("OutRateLimitGlobal")])


class QueryStream:
    """`senders` UDP sockets, each connect()ed to dnsd and each with one query in flight:
    the next goes out when the last one is answered. A query is answered, refused (the
    kernel's ICMP port unreachable shows as ECONNREFUSED on the connected socket's next
    read; that sender then stops) or, if neither came by the end, it vanished."""

    def __init__(self, host, port, senders):
        self.sel = selectors.DefaultSelector()
        self.socks = []
        for _ in range(senders):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setblocking(False)
            s.connect((host, port))
            self.socks.append(s)
            self.sel.register(s, selectors.EVENT_READ)
        self.in_flight = {}  # socket -> query id
        self.next_id = 0
        self.sent = self.answered = self.refused = 0

    def send(self, s):
        self.next_id = (self.next_id + 1) & 0xFFFF
        try:
            s.send(build_query("www.example.com", qid=self.next_id))
        except ConnectionRefusedError:  # the refusal of the query before: counted there
            return
        self.in_flight[s] = self.next_id
        self.sent += 1

    def read(self, s, sending):
        try:
            reply = s.recv(4096)
        except ConnectionRefusedError:
            if s in self.in_flight:
                del self.in_flight[s]
                self.refused += 1
            self.sel.unregister(s)
            return
        except BlockingIOError:
            return
        if len(reply) < 12 or self.in_flight.get(s) != int.from_bytes(reply[:2], "big"):
            return
        del self.in_flight[s]
        self.answered += 1
        if sending:
            self.send(s)

    def run(self, proc, stop_after, keep_sending=0.2, settle=1.5):
        """Streams until `stop_after` s, sends SIGTERM, streams on until `keep_sending` s
        after dnsd exited, then waits at most `settle` s for the queries still in flight
        (any answer or ICMP error is there at once: dnsd is gone). Returns their count."""
        t0 = time.monotonic()
        for s in self.socks:
            self.send(s)
        signalled_at = exited_at = None
        while True:
            now = time.monotonic()
            if signalled_at is None and now - t0 >= stop_after:
                proc.send_signal(signal.SIGTERM)
                signalled_at = now
            if exited_at is None and signalled_at is not None and proc.poll() is not None:
                exited_at = now
            sending = exited_at is None or now - exited_at < keep_sending
            if not sending and (not self.in_flight or now - exited_at > keep_sending + settle):
                break
            if signalled_at is not None and now - signalled_at > 20:
                raise AssertionError("dnsd did not exit 20 s after SIGTERM")
            if not self.sel.get_map():
                time.sleep(0.01)  # every sender refused: wait for the exit
                continue
            for key, _ in self.sel.select(0.05):
                self.read(key.fileobj, sending)
        self.rate = self.sent / max(1e-3, exited_at - t0)
        for s in self.socks:
            s.close()
        self.sel.close()
        return len(self.in_flight)


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


class StopUnderLoad(unittest.TestCase):
    """At a stop every query dnsd received is answered, and every later one gets the
    kernel's ICMP port unreachable (as if dnsd had already exited): none just vanishes,
    leaving a resolver to wait out its timeout. Two workers: two sockets share the address
    (SO_REUSEPORT)."""

    def stops(self, extra, rounds):
        d = Dnsd(server_extra='workers = 2\n' + extra)
        report = []
        try:
            for i in range(rounds):
                d.start()
                limited = icmp_rate_limited()
                stream = QueryStream(d.host, d.port, senders=16)
                vanished = stream.run(d.proc, stop_after=0.3)
                self.assertEqual(d.proc.wait(timeout=10), 0)
                d.log.close()  # start() opens it again
                report.append("stop %d: %d sent (%.0f/s), %d answered, %d refused, %d vanished" % (
                    i + 1, stream.sent, stream.rate, stream.answered, stream.refused, vanished))
                self.assertGreater(stream.answered, 100, report[-1])
                self.assertEqual(vanished, 0, "%s%s\n%s" % (
                    report[-1], " (the kernel held back %d ICMP errors meanwhile)" % (
                        icmp_rate_limited() - limited) if icmp_rate_limited() > limited else "",
                    "\n".join(report)))
        finally:
            d.stop()
            print("\n".join(report), flush=True)

    def test_sigterm_without_grace_loses_no_query(self):
        self.stops('stop_grace = "0s"', 4)

    def test_sigterm_after_a_grace_window_loses_no_query(self):
        self.stops('stop_grace = "300ms"\nstop_answer = "refused"', 2)


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
