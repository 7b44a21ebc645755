"""sentinel's /metrics and the check wording of `sentinel status`, on a real two-node
cluster: the page passes `promtool check metrics`; when the master's dnsd dies, status says
"up, failing N of FALL (connection refused)" while the check is being contested, then
"down (connection refused)", the probe results counter of that check counts "refused",
and the failover is counted by cause and timed."""
import re
import shutil
import subprocess
import unittest
import urllib.request

import dnsd_harness
import prometheus_harness
from sentinel_harness import Cluster, wait_until

FALL = 6  # with a 250 ms interval: 1.25 s in which the dns check is up but failing


def sample(text, series):
    """The value of one series (name{labels} exactly as rendered), or None."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


class SentinelMetrics(unittest.TestCase):
    def setUp(self):
        self.c = Cluster(n=2, driver="none", interval="250ms", fall=FALL, rise=1)
        try:
            self.c.start()
        except Exception:
            self.c.stop()
            raise

    def tearDown(self):
        self.c.stop()

    def scrape(self):
        url = "http://%s:%d/metrics" % (self.c.api_host, self.c.api_port)
        with urllib.request.urlopen(url, timeout=10) as r:
            self.assertIn("version=0.0.4", r.headers.get("Content-Type", ""))
            return r.read().decode()

    def promtool_clean(self, text):
        r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""), text)

    def lb1_checks(self):
        """The CHECKS column of lb1 in `sentinel status`."""
        out = self.c.cli("status", check=True).stdout
        return next((line for line in out.splitlines() if line.startswith("lb1 ")), "")

    def test_metrics_and_wording_when_the_masters_dnsd_dies(self):
        c = self.c
        text = self.scrape()
        self.promtool_clean(text)
        for family in ("sentinel_node_role", "sentinel_probe_results_total",
                       "sentinel_probe_duration_seconds", "sentinel_failovers_total",
                       "sentinel_failover_duration_seconds", "sentinel_dnsd_in_sync",
                       "sentinel_build_info", "sentinel_process_start_time_seconds"):
            self.assertIn("# HELP %s " % family, text)
            self.assertIn("# TYPE %s " % family, text)
        self.assertEqual(sample(text, 'sentinel_node_role{node="lb1",role="master"}'), 1)
        self.assertEqual(sample(text, 'sentinel_check_state{node="lb1",check="dns",state="up"}'), 1)
        self.assertGreater(sample(text, 'sentinel_probe_duration_seconds_count{node="lb1",check="dns"}'), 0)
        refused = 'sentinel_probe_results_total{node="lb1",check="dns",result="refused"}'
        refused_before = sample(text, refused)
        self.assertEqual(refused_before, 0)
        wait_until(lambda: sample(self.scrape(), 'sentinel_dnsd_in_sync{node="lb2"}') == 1, 10,
                   what="lb2's dnsd in sync")
        st = c.status()
        dns = st["nodes"][0]["checks"][0]
        self.assertEqual((dns["name"], dns["state"], dns["rise"], dns["fall"], dns["last_result"]),
                         ("dns", "up", 1, FALL, "ok"))
        self.assertRegex(dns["since"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertGreaterEqual(dns["last_latency_ms"], 0)

        c.node("lb1").kill()
        # Contested: still up, the failures counted against fall. 5 probes wide.
        contested = wait_until(
            lambda: re.search(r"dns up, failing ([1-9]) of %d \(connection refused\) for \d+s"
                              % FALL, self.lb1_checks()), 10, step=0.02,
            what="lb1's dns check shown as failing while still up")
        self.assertLess(int(contested.group(1)), FALL)
        wait_until(lambda: "dns down (connection refused) for" in self.lb1_checks(), 10,
                   what="lb1's dns check shown as down")
        st = c.status()
        dns = st["nodes"][0]["checks"][0]
        self.assertEqual((dns["state"], dns["last_result"], dns["last_ok"]), ("down", "refused", False))
        self.assertGreaterEqual(dns["fail_streak"], FALL)
        self.assertEqual(dns["ok_streak"], 0)
        self.assertEqual(dns["summary"], "down (connection refused)")

        c.wait_master("lb2", timeout=20)
        text = wait_until(
            lambda: (lambda t: t if sample(t, "sentinel_failover_duration_seconds_count") == 1
                     else None)(self.scrape()), 10, what="the failover timed")
        self.promtool_clean(text)
        self.assertGreaterEqual(sample(text, refused), 1)
        self.assertEqual(sample(text, 'sentinel_failovers_total{cause="master_down"}'), 1)
        self.assertEqual(sample(text, 'sentinel_failovers_total{cause="manual_promote"}'), 0)
        # Detection (FALL probes after the kill) to published: under the harness's deadline.
        self.assertLess(sample(text, "sentinel_failover_duration_seconds_sum"), 20)
        self.assertEqual(sample(text, 'sentinel_node_role{node="lb1",role="master-down"}'), None)
        self.assertEqual(sample(text, 'sentinel_node_master{node="lb2"}'), 1)
        self.assertEqual(sample(text, 'sentinel_check_state{node="lb1",check="dns",state="down"}'), 1)
        self.assertEqual(sample(text, 'sentinel_dnsd_in_sync{node="lb1"}'), 0)
        self.assertEqual(sample(text, 'sentinel_dnsd_in_sync{node="lb2"}'), 1)
        self.assertEqual(sample(text, "sentinel_epoch"), 2)

    def test_a_prometheus_server_scrapes_the_sentinel(self):
        if not shutil.which(prometheus_harness.PROMETHEUS):
            self.skipTest("prometheus is not installed (scripts/deps installs it)")
        prom = prometheus_harness.Prometheus(
            {"sentinel": ["%s:%d" % (self.c.api_host, self.c.api_port)]})
        try:
            prom.start()
            got = prom.wait_for_sample('sentinel_probes_total{job="sentinel"}', lambda v: v > 0)
            self.assertEqual(len(got), 1, got)
            master = prom.wait_for_sample('sentinel_node_master{node="lb1"}', lambda v: v == 1)
            self.assertEqual(master[0][0]["job"], "sentinel")
            self.assertEqual(prom.targets()[
                "http://%s:%d/metrics" % (self.c.api_host, self.c.api_port)][0], "up")
        finally:
            prom.stop()


if __name__ == "__main__":
    dnsd_harness.require(["dig", "promtool"])
    dnsd_harness.main()
