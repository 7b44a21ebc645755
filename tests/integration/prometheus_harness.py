"""A real Prometheus server (/usr/bin/prometheus, the Debian package) for the tests: a
temp config scraping the given targets every second, its TSDB in a temp dir, its web API
on a free loopback port; stopped by PID. Usable for any target (dnsd, sentinel)."""
import json
import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

from dnsd_harness import free_address, stop_process, temp_dir

PROMETHEUS = os.environ.get("PROMETHEUS", "prometheus")


class Prometheus:
    """jobs: {job name: ["host:port", ...]}, each scraped at /metrics every `interval`."""

    def __init__(self, jobs, interval="1s"):
        self.dir = temp_dir("prom-it-")
        self.host, self.port = free_address()
        self.proc = None
        self.log_path = os.path.join(self.dir, "prometheus.log")
        lines = ["global:", "  scrape_interval: %s" % interval, "  scrape_timeout: %s" % interval,
                 "  evaluation_interval: %s" % interval, "scrape_configs:"]
        for job, targets in jobs.items():
            lines += ["  - job_name: %s" % job, "    static_configs:",
                      "      - targets: [%s]" % ", ".join('"%s"' % t for t in targets)]
        self.config = os.path.join(self.dir, "prometheus.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, timeout=30):
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [PROMETHEUS, "--config.file=" + self.config,
             "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=%s:%d" % (self.host, self.port),
             "--log.level=warn"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("prometheus exited early: " + self.read_log())
            try:
                if self._get("/-/ready").startswith("Prometheus Server is Ready"):
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("prometheus not ready in %ss: %s" % (timeout, self.read_log()))

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def _get(self, path):
        url = "http://%s:%d%s" % (self.host, self.port, path)
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode()

    def query(self, expr):
        """The instant vector of `expr`: [(labels dict, float value), ...]."""
        body = json.loads(self._get("/api/v1/query?" + urllib.parse.urlencode({"query": expr})))
        if body.get("status") != "success":
            raise AssertionError("query %r failed: %r" % (expr, body))
        return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]

    def targets(self):
        """{scrape url: (health, last error)} of the active targets."""
        body = json.loads(self._get("/api/v1/targets"))
        return {t["scrapeUrl"]: (t["health"], t.get("lastError", ""))
                for t in body["data"]["activeTargets"]}

    def wait_for_sample(self, expr, pred, timeout=30):
        """Until `expr` has a sample whose value satisfies pred; returns the samples."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            last = self.query(expr)
            if any(pred(v) for _, v in last):
                return last
            time.sleep(0.2)
        raise AssertionError("timed out after %ss waiting for %s; last %r; targets %r" % (
            timeout, expr, last, self.targets()))

    def stop(self):
        stop_process(self.proc, 10)
        if self.proc:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
