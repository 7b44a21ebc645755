"""Cluster harness for the sentinel integration tests: N real dnsd nodes sharing one zone
file, a tunnel-server stand-in per node (HMAC-verifying, scripts/tunnel-standin) or an exec
hook, and the real sentinel daemon, all on loopback; every process is stopped by PID."""
import base64
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from dnsd_harness import KEY_NAME, KEY_SECRET, Dnsd, dig, free_address

SENTINEL = os.environ.get("SENTINEL", "build/sentinel/sentinel")
SRCDIR = os.environ.get("SRCDIR", ".")
STANDIN = os.path.join(SRCDIR, "scripts", "tunnel-standin")
ZONE = "api.example.test"
TUNNEL_SECRET = "it-tunnel-secret-0123456789abcdef"

ZONE_TEXT = """$ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 30
@     NS  ns1.example.test.
@     TXT "shared zone"
"""


def free_tcp_port(host):
    for _ in range(100):
        port = random.randint(20000, 60000)
        s = socket.socket()
        try:
            s.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port")


def wait_until(pred, timeout, step=0.05, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = pred()
        if last:
            return last
        time.sleep(step)
    raise AssertionError("timed out after %ss waiting for %s (last: %r)" % (timeout, what, last))


class Node(Dnsd):
    """A dnsd whose [node] is `name` at its own loopback address."""

    def __init__(self, name, zone_path, workdir):
        self.name = name
        self.zone_path = zone_path
        self.keys = {KEY_NAME.rstrip("."): KEY_SECRET}  # [[key]] name -> secret
        self.update_keys = [KEY_NAME.rstrip(".")]
        self.transfer_keys = [KEY_NAME.rstrip(".")]
        self.zone_lines = []  # extra lines in the [[zone]] table
        Dnsd.__init__(self)
        self.dir = os.path.join(workdir, name)
        os.makedirs(self.dir, exist_ok=True)
        self.log_path = os.path.join(self.dir, "dnsd.log")
        self.write_config()

    def write_config(self):
        if not hasattr(self, "zone_path"):
            return
        lines = ["[server]", 'listen = ["%s:%d"]' % (self.host, self.port),
                 'identity = "%s"' % self.name, 'state_dir = "%s"' % os.path.join(self.dir, "state"),
                 'stop_grace = "0s"', "",
                 "[node]", 'name = "%s"' % self.name, 'ipv4 = ["%s"]' % self.host, "",
                 "[[zone]]", 'name = "%s"' % ZONE, 'file = "%s"' % self.zone_path,
                 'self = ["@", "*"]', "self_ttl = 30",
                 "update_keys = [%s]" % ", ".join('"%s"' % k for k in self.update_keys),
                 "transfer_keys = [%s]" % ", ".join('"%s"' % k for k in self.transfer_keys)]
        lines += self.zone_lines + [""]
        for name, secret in self.keys.items():
            lines += ["[[key]]", 'name = "%s"' % name, 'algorithm = "hmac-sha256"',
                      'secret = "%s"' % secret, ""]
        lines += ["[metrics]", 'listen = ""']
        self.config = os.path.join(self.dir, "dnsd.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def records(self, rel, qtype):
        owner = ZONE if rel == "@" else rel + "." + ZONE
        return sorted(self.dig(owner, qtype, "+short").text.split("\n")) if True else None

    def short(self, rel, qtype):
        owner = ZONE if rel == "@" else rel + "." + ZONE
        r = self.dig(owner, qtype, "+short", "+time=1", "+tries=1")
        return sorted(line for line in r.text.splitlines() if line and not line.startswith(";"))

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
            self.log.close()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Tunnel:
    """The HMAC-verifying tunnel-server stand-in of one node (http driver)."""

    def __init__(self, node, workdir, fail_promote=False):
        self.node = node
        self.host = node.host
        self.port = free_tcp_port(self.host)
        self.log_path = os.path.join(workdir, node.name + "-tunnel.jsonl")
        self.secret_file = os.path.join(workdir, "tunnel.key")
        self.fail_promote = fail_promote
        self.proc = None

    def start(self):
        args = [sys.executable, STANDIN, "--listen", "%s:%d" % (self.host, self.port),
                "--secret-file", self.secret_file, "--node", self.node.name, "--log", self.log_path]
        if self.fail_promote:
            args.append("--fail-promote")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._listening, 10, what="tunnel stand-in of " + self.node.name)
        return self

    def _listening(self):
        try:
            socket.create_connection((self.host, self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def events(self):
        try:
            with open(self.log_path) as f:
                return [json.loads(line) for line in f if line.strip()]
        except FileNotFoundError:
            return []

    def calls(self, event):
        return [e for e in self.events() if e.get("event") == event]


class Cluster:
    """Nodes lb1..lbN (priority 0, 10, 20, ...), their tunnels, and one sentinel."""

    def __init__(self, n=3, driver="http", interval="200ms", fall=2, rise=2, cooldown="1s",
                 reconcile="2s", failover="auto", hook=None, fail_promote=(), probe_timeout=None,
                 per_node_keys=False, ns_ttl=None):
        self.dir = tempfile.mkdtemp(prefix="sentinel-it-")
        self.zone_path = os.path.join(self.dir, ZONE + ".zone")
        with open(self.zone_path, "w") as f:
            f.write(ZONE_TEXT)
        with open(os.path.join(self.dir, "tunnel.key"), "w") as f:
            f.write(TUNNEL_SECRET + "\n")
        self.nodes = [Node("lb%d" % (i + 1), self.zone_path, self.dir) for i in range(n)]
        # With per_node_keys each node has its own update key, known to it and sentinel only.
        self.node_update_key = {}             # node name -> the key sentinel signs with
        self.sentinel_keys = {KEY_NAME.rstrip("."): KEY_SECRET}
        if per_node_keys:
            self.sentinel_keys = {}
            for nd in self.nodes:
                name = nd.name + ".sentinel"
                secret = base64.b64encode(os.urandom(32)).decode()
                nd.keys = {name: secret}
                nd.update_keys = [name]
                nd.transfer_keys = [name]
                nd.write_config()
                self.node_update_key[nd.name] = name
                self.sentinel_keys[name] = secret
        # With ns_ttl every node has `ns = "<name>.<zone>."` and sentinel manages the apex NS set.
        self.ns_ttl = ns_ttl
        self.driver = driver
        self.hook = hook
        self.tunnels = {nd.name: Tunnel(nd, self.dir, nd.name in fail_promote) for nd in self.nodes}
        self.api_host = "127.0.0.1"
        self.api_port = free_tcp_port(self.api_host)
        self.settings = dict(interval=interval, fall=fall, rise=rise, cooldown=cooldown,
                             reconcile=reconcile, failover=failover,
                             timeout=probe_timeout or interval)
        self.proc = None
        self.sentinel_log = os.path.join(self.dir, "sentinel.log")
        self.write_config()

    def node(self, name):
        return next(n for n in self.nodes if n.name == name)

    def write_config(self):
        s = self.settings
        lines = ["[sentinel]", 'id = "s1"', 'state_file = "%s/state/state.json"' % self.dir,
                 'api_listen = "%s:%d"' % (self.api_host, self.api_port),
                 'api_token_file = "%s/api.token"' % self.dir, "",
                 "[cluster]", 'zone = "%s"' % ZONE, "ttl = 30", 'failover = "%s"' % s["failover"],
                 'cooldown = "%s"' % s["cooldown"],
                 'update_key = "sentinel"' if not self.node_update_key else "",
                 'reconcile_interval = "%s"' % s["reconcile"], 'driver_timeout = "2s"',
                 "ns_ttl = %d" % self.ns_ttl if self.ns_ttl else "", "",
                 "[probe]", 'interval = "%s"' % s["interval"], 'timeout = "%s"' % s["timeout"],
                 "fall = %d" % s["fall"], "rise = %d" % s["rise"], "", "[log]", 'level = "debug"', ""]
        for i, nd in enumerate(self.nodes):
            t = self.tunnels[nd.name]
            if self.driver == "http":
                tunnel = ('{ driver = "http", url = "http://%s:%d/replication", hmac_secret_file = "%s" }'
                          % (t.host, t.port, t.secret_file))
                checks = ('[{ type = "dns" }, { type = "http", url = "http://%s:%d/health" }]'
                          % (t.host, t.port))
            elif self.driver == "exec":
                tunnel = '{ driver = "exec", command = ["%s", "%s"] }' % (self.hook, nd.name)
                checks = '[{ type = "dns" }]'
            else:
                tunnel = '{ driver = "none" }'
                checks = '[{ type = "dns" }]'
            lines += ["[[node]]", 'name = "%s"' % nd.name, 'ipv4 = ["%s"]' % nd.host,
                      'dns = "%s:%d"' % (nd.host, nd.port), "priority = %d" % (i * 10),
                      "port = 443", "checks = " + checks, "tunnel = " + tunnel]
            if nd.name in self.node_update_key:
                lines.append('update_key = "%s"' % self.node_update_key[nd.name])
            if self.ns_ttl:
                lines.append('ns = "%s.%s."' % (nd.name, ZONE))
            lines.append("")
        for name, secret in self.sentinel_keys.items():
            lines += ["[[key]]", 'name = "%s"' % name, 'algorithm = "hmac-sha256"',
                      'secret = "%s"' % secret, ""]
        self.config = os.path.join(self.dir, "sentinel.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, wait_published=True):
        for nd in self.nodes:
            nd.start()
        if self.driver == "http":
            for t in self.tunnels.values():
                t.start()
        self.start_sentinel()
        if wait_published:
            self.wait_master("lb1", timeout=20)
        return self

    def start_sentinel(self):
        self.slog = open(self.sentinel_log, "a")
        self.proc = subprocess.Popen([SENTINEL, "run", "-c", self.config], stdout=self.slog,
                                     stderr=subprocess.STDOUT)
        wait_until(lambda: self.api_ok(), 10, what="the sentinel API")

    def api_ok(self):
        if self.proc.poll() is not None:
            raise AssertionError("sentinel exited: " + self.read_log())
        try:
            socket.create_connection((self.api_host, self.api_port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def read_log(self):
        with open(self.sentinel_log) as f:
            return f.read()

    def stop_sentinel(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.slog.close()

    def stop(self):
        """Stops everything; fails if the sentinel did not exit cleanly on SIGTERM or a
        sanitizer reported anything in its log."""
        self.stop_sentinel()
        rc = self.proc.returncode if self.proc else 0
        log = self.read_log() if os.path.exists(self.sentinel_log) else ""
        for t in self.tunnels.values():
            t.stop()
        for nd in self.nodes:
            nd.stop()
        if os.environ.get("KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        if rc != 0 or "Sanitizer" in log:
            raise AssertionError("sentinel exited %s on SIGTERM:\n%s" % (rc, log[-4000:]))

    def cli(self, *args, check=False):
        r = subprocess.run([SENTINEL] + list(args) + ["-c", self.config], capture_output=True,
                           text=True, timeout=150)
        if check and r.returncode != 0:
            raise AssertionError("sentinel %s failed (%d): %s" % (args, r.returncode, r.stderr))
        return r

    def status(self):
        r = self.cli("status", "--json")
        return json.loads(r.stdout) if r.returncode == 0 else None

    def wait_status(self, pred, timeout, what):
        """The status once pred(status) holds: a job's result reaches the status after the
        records it pushed are already served."""
        return wait_until(lambda: (lambda st: st if st and pred(st) else None)(self.status()),
                          timeout, what="status: " + what)

    def probes_total(self):
        """sentinel_probes_total from /metrics (checks run so far)."""
        url = "http://%s:%d/metrics" % (self.api_host, self.api_port)
        text = urllib.request.urlopen(url, timeout=10).read().decode()
        return int(next(line.split()[1] for line in text.splitlines()
                        if line.startswith("sentinel_probes_total ")))

    def history(self):
        return json.loads(self.cli("history", "--json", check=True).stdout)["events"]

    def txt(self, node):
        return " ".join(node.short("_sentinel", "TXT"))

    def srv(self, node):
        return node.short("_tunnel._tcp", "SRV")

    def wait_master(self, name, timeout, nodes=None):
        """Until every (given, live) dnsd serves `name` as master in SRV, master and _sentinel."""
        want_ip = self.node(name).host

        def served():
            for nd in nodes or [n for n in self.nodes if n.alive()]:
                if "master=%s" % name not in self.txt(nd):
                    return False
                if nd.short("master", "A") != [want_ip]:
                    return False
                if not any(line.startswith("0 100 443 %s." % name) for line in self.srv(nd)):
                    return False
            return True
        return wait_until(served, timeout, what="master %s served everywhere" % name)
