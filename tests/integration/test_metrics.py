"""[metrics] listen: /metrics moves by the queries and the update sent, passes promtool,
is scraped by a real Prometheus; /health and /ready; a listen address that cannot be
bound stops the start; a reload of the key says a restart is needed."""
import re
import shutil
import signal
import socket
import subprocess
import unittest
import urllib.error
import urllib.request

import dnsd_harness
from dnsd_harness import KEYS_TOML, Dnsd, build_query, free_address, nsupdate, wait_for
from prometheus_harness import Prometheus

ZONE_EXTRA = 'update_keys = ["sentinel"]'


def http_get(addr, path):
    """(status, body) of GET http://addr/path."""
    try:
        with urllib.request.urlopen("http://%s%s" % (addr, path), timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def samples(text):
    """{'name{labels}': value} of a scrape."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, value = line.rsplit(" ", 1)
            out[key] = float(value)
    return out


def q(zone, qtype, rcode, transport):
    return 'dnsd_queries_total{zone="%s",qtype="%s",rcode="%s",transport="%s"}' % (
        zone, qtype, rcode, transport)


class Metrics(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        host, port = free_address()
        cls.addr = "%s:%d" % (host, port)
        cls.d = Dnsd(zone_extra=ZONE_EXTRA, tail=KEYS_TOML, metrics=cls.addr,
                     server_extra='stop_grace = "1s"').start()

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def scrape(self):
        status, body = http_get(self.addr, "/metrics")
        self.assertEqual(status, 200, body)
        return body

    def test_counters_move_by_the_queries_and_the_update(self):
        before = samples(self.scrape())
        for _ in range(3):
            self.assertEqual(self.d.dig("www.example.com", "A").status, "NOERROR")
        self.assertEqual(self.d.dig("www.example.com", "AAAA", "+tcp").status, "NOERROR")
        self.assertEqual(self.d.dig("nope.example.com", "TXT").status, "NXDOMAIN")
        self.assertEqual(self.d.dig("elsewhere.org", "A").status, "REFUSED")
        after = samples(self.scrape())

        def delta(key):
            return after.get(key, 0) - before.get(key, 0)

        self.assertEqual(delta(q("example.com.", "A", "NOERROR", "udp")), 3)
        self.assertEqual(delta(q("example.com.", "AAAA", "NOERROR", "tcp")), 1)
        self.assertEqual(delta(q("example.com.", "TXT", "NXDOMAIN", "udp")), 1)
        self.assertEqual(delta(q("other", "A", "REFUSED", "udp")), 1)
        self.assertEqual(delta('dnsd_received_messages_total{transport="udp"}'), 5)
        self.assertEqual(delta('dnsd_received_messages_total{transport="tcp"}'), 1)
        self.assertEqual(delta("dnsd_tcp_accepted_total"), 1)
        self.assertEqual(after['dnsd_build_info{version="%s"}' % self.version()], 1)

        serial = after['dnsd_zone_serial{zone="example.com."}']
        p = nsupdate(self.d.host, self.d.port, ["zone example.com",
                                                "update add metrics.example.com 60 A 192.0.2.9", "send"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        final = samples(self.scrape())
        self.assertEqual(final['dnsd_updates_total{result="NOERROR"}']
                         - after['dnsd_updates_total{result="NOERROR"}'], 1)
        self.assertEqual(final['dnsd_zone_serial{zone="example.com."}'], serial + 1)
        self.assertEqual(final['dnsd_journal_entries{zone="example.com."}']
                         - after['dnsd_journal_entries{zone="example.com."}'], 1)
        self.assertEqual(final['dnsd_journal_unhealthy{zone="example.com."}'], 0)

    def version(self):
        out = subprocess.run([dnsd_harness.DNSD, "--version"], capture_output=True, text=True,
                             timeout=10).stdout
        return out.split()[-1]

    def test_promtool_finds_nothing_to_complain_about(self):
        if not shutil.which("promtool"):
            self.skipTest("promtool not on PATH")
        self.d.dig("www.example.com", "A")
        p = subprocess.run(["promtool", "check", "metrics"], input=self.scrape(),
                           capture_output=True, text=True, timeout=30)
        self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))

    def test_health_and_ready(self):
        self.assertEqual(http_get(self.addr, "/health"), (200, "ok\n"))
        self.assertEqual(http_get(self.addr, "/ready")[0], 200)
        self.assertEqual(http_get(self.addr, "/nothing")[0], 404)

    def test_prometheus_scrapes_it(self):
        if not shutil.which(dnsd_harness.os.environ.get("PROMETHEUS", "prometheus")):
            self.skipTest("prometheus not on PATH")
        prom = Prometheus({"dnsd": [self.addr]})
        self.addCleanup(prom.stop)
        prom.start()
        self.d.dig("www.example.com", "A")
        got = prom.wait_for_sample("dnsd_queries_total", lambda v: v > 0)
        self.assertTrue(any(m.get("zone") == "example.com." for m, v in got if v > 0), got)

    def test_z_ready_is_503_in_the_stop_grace_window(self):  # last: it stops the class's dnsd
        self.d.signal(signal.SIGTERM)
        wait_for(lambda: http_get(self.addr, "/ready")[0] == 503, 5, "/ready 503 after SIGTERM")
        self.assertEqual(http_get(self.addr, "/health"), (200, "ok\n"))
        self.assertEqual(self.d.proc.wait(timeout=10), 0)


class MetricsStart(unittest.TestCase):

    def test_address_in_use_stops_the_start(self):
        host, port = free_address()
        taken = socket.socket()
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind((host, port))
        taken.listen(1)
        self.addCleanup(taken.close)
        d = Dnsd(metrics="%s:%d" % (host, port))
        d.start(wait=False)
        self.addCleanup(d.stop)
        self.assertEqual(d.proc.wait(timeout=10), 1)
        log = d.read_log()
        self.assertRegex(log, r'metrics\.listen = "%s:%d": cannot listen' % (re.escape(host), port))
        self.assertNotIn("dnsd ready", log)
        self.assertIsNone(d.udp(build_query("www.example.com"), timeout=0.3))

    def test_off_when_empty(self):
        d = Dnsd().start()  # the harness writes listen = ""
        self.addCleanup(d.stop)
        self.assertNotIn("metrics on", d.read_log())

    def test_reload_of_listen_says_a_restart_is_needed(self):
        host, port = free_address()
        d = Dnsd(metrics="%s:%d" % (host, port)).start()
        self.addCleanup(d.stop)
        d.metrics = "%s:%d" % free_address()
        d.write_config()
        d.signal(signal.SIGHUP)
        wait_for(lambda: "metrics.listen changed but only takes effect after a restart" in d.read_log(),
                 5, "the restart-only warning")
        self.assertEqual(http_get("%s:%d" % (host, port), "/health")[0], 200)  # still the old one


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
