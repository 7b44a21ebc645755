"""etcd harness for the integration tests: an N-member etcd cluster (Debian's etcd 3.4,
/usr/bin/etcd) with its data in the test's temp dir, fast raft timings so that elections
take well under a second, and every member stopped by its PID. Standard library only.

    from etcd_harness import EtcdCluster
    etcd = EtcdCluster(3).start()          # members on free loopback addresses; waits healthy
    etcd.endpoints()                       # ["http://127.0.x.y:port", ...] (client URLs)
    etcd.put("/k", "v"); etcd.get("/k")   # "v" (or None); through the v3 JSON gateway
    etcd.stop_member(0)                    # SIGTERM by PID; kill_member(0) for SIGKILL
    etcd.start_member(0)                   # restarts it on its data dir (rejoins the cluster)
    etcd.wait_healthy()                    # every running member answers a linearizable read
    etcd.stop()                            # every member, by PID (also on a failed test)
    etcd.start(majority=True)              # restarts the stopped members; waits for a majority

The one etcd starter of the tests (it-etcd_client, it-netns_etcd, it-sentinel_quorum, the
partition schedules) and of scripts/demo --ha (its command line, below).

EtcdCluster(n, workdir=None, hosts=None, wrap=None, heartbeat_ms=50, election_ms=300):
  workdir   a directory the cluster may use (default: a temp_dir() of dnsd_harness);
  hosts     one address per member (default: free loopback addresses); ports are chosen free;
  wrap      a function member_index -> argv prefix, e.g. lambda i: ["ip", "netns", "exec",
            ns[i]] to start member i inside a network namespace (netns_harness does so);
  ports     (client, peer) for every member (each in its own namespace, e.g. (2379, 2380));
            default: free ports on each host;
  popen     what starts a member (default subprocess.Popen; Netns.track wraps it so that the
            namespaces' cleanup also stops the members).
Each member is an EtcdMember: .name ("e0"...), .host, .client_url, .peer_url, .data_dir,
.log_path, .proc, .alive(), .healthy(timeout) (a linearizable range through this member;
with `wrap`, etcdctl run the same way). put/get talk to the members from the caller's own
network namespace (so not through `wrap`).
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from dnsd_harness import free_address, temp_dir

ETCD = os.environ.get("ETCD", shutil.which("etcd") or "/usr/bin/etcd")


def free_port(host):
    """A TCP port free on `host` (etcd needs two per member)."""
    for _ in range(100):
        _, port = free_address(host)
        s = socket.socket()
        try:
            s.bind((host, port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise RuntimeError("no free port on " + host)


def gateway(url, path, body, timeout=2.0):
    """POSTs a JSON body to etcd's v3 gateway; the decoded JSON reply (raises on errors)."""
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def b64(text):
    return base64.b64encode(text.encode()).decode()


class EtcdMember:
    def __init__(self, index, host, workdir, wrap, ports=None):
        self.index = index
        self.name = "e%d" % index
        self.host = host
        self.client_port, self.peer_port = ports or (free_port(host), free_port(host))
        self.client_url = "http://%s:%d" % (host, self.client_port)
        self.peer_url = "http://%s:%d" % (host, self.peer_port)
        self.data_dir = os.path.join(workdir, self.name + ".etcd")
        self.log_path = os.path.join(workdir, self.name + ".log")
        self.wrap = wrap
        self.proc = None
        self.log = None

    def argv(self, initial_cluster, heartbeat_ms, election_ms):
        prefix = self.wrap(self.index) if self.wrap else []
        return prefix + [
            ETCD, "--name", self.name, "--data-dir", self.data_dir,
            "--listen-client-urls", self.client_url, "--advertise-client-urls", self.client_url,
            "--listen-peer-urls", self.peer_url, "--initial-advertise-peer-urls", self.peer_url,
            "--initial-cluster", initial_cluster, "--initial-cluster-state", "new",
            "--initial-cluster-token", "dnsgtm-it",
            "--heartbeat-interval", str(heartbeat_ms), "--election-timeout", str(election_ms),
            "--pre-vote=true", "--logger", "zap", "--log-outputs", "stderr", "--log-level", "warn",
            "--snapshot-count", "10000"]

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self, timeout=1.0):
        """A linearizable read through this member succeeds (it is in a quorum with a leader)."""
        if not self.alive():
            return False
        if self.wrap:  # inside a namespace the host cannot reach: ask etcdctl from there
            r = subprocess.run(self.wrap(self.index) + [
                "etcdctl", "--endpoints", self.client_url, "--command-timeout=%ds" % max(1, timeout),
                "get", "/health-probe"], capture_output=True, env=dict(os.environ, ETCDCTL_API="3"))
            return r.returncode == 0
        try:
            reply = gateway(self.client_url, "/v3/kv/range", {"key": b64("/health-probe")}, timeout)
            return "header" in reply
        except (OSError, ValueError):
            return False


class EtcdCluster:
    def __init__(self, n=3, workdir=None, hosts=None, wrap=None, heartbeat_ms=50, election_ms=300,
                 ports=None, popen=subprocess.Popen):
        self.dir = workdir or temp_dir("etcd-it-")
        os.makedirs(self.dir, exist_ok=True)
        hosts = hosts or [free_address()[0] for _ in range(n)]
        self.members = [EtcdMember(i, hosts[i], self.dir, wrap, ports) for i in range(n)]
        self.initial_cluster = ",".join("%s=%s" % (m.name, m.peer_url) for m in self.members)
        self.heartbeat_ms = heartbeat_ms
        self.election_ms = election_ms
        self.popen = popen

    def endpoints(self):
        return [m.client_url for m in self.members]

    def start(self, wait=True, timeout=30, majority=False):
        """Starts every member not running. `majority`: wait only until a majority of them
        answers (so there is a leader), not each: a member restarted after a stop of the whole
        cluster may find its port taken meanwhile by another test on this machine, and a test
        that only needs etcd to have a majority need not fail for that."""
        for i in range(len(self.members)):
            self.start_member(i, wait=False)
        if wait and majority:
            self.wait_majority(timeout)
        elif wait:
            self.wait_healthy(timeout)
        return self

    def wait_majority(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if sum(m.healthy(0.5) for m in self.members) > len(self.members) // 2:
                return
            time.sleep(0.1)
        raise AssertionError("no etcd majority in %ss; last log lines: %s" % (
            timeout, " | ".join(self.read_log(m)[-500:] for m in self.members)))

    def start_member(self, i, wait=False, timeout=20):
        m = self.members[i]
        if m.alive():
            return m
        m.log = open(m.log_path, "a")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ETCD")}
        m.proc = self.popen(m.argv(self.initial_cluster, self.heartbeat_ms, self.election_ms),
                                  stdout=m.log, stderr=subprocess.STDOUT, env=env)
        if wait:
            self.wait_healthy(timeout, members=[m])
        return m

    def wait_healthy(self, timeout=30, members=None):
        """Until every given (default: every running) member answers a linearizable read."""
        members = members or [m for m in self.members if m.alive()]
        deadline = time.time() + timeout
        while time.time() < deadline:
            dead = [m for m in members if m.proc is not None and m.proc.poll() is not None]
            if dead:
                raise RuntimeError("etcd %s exited: %s" % (dead[0].name, self.read_log(dead[0])[-2000:]))
            if all(m.healthy(0.5) for m in members):
                return
            time.sleep(0.05)
        raise AssertionError("etcd members %s not healthy in %ss; last log lines: %s" % (
            [m.name for m in members], timeout,
            " | ".join(self.read_log(m)[-500:] for m in members)))

    def read_log(self, m):
        try:
            with open(m.log_path) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop_member(self, i, sig=signal.SIGTERM, grace=10):
        m = self.members[i]
        if m.alive():
            m.proc.send_signal(sig)
            try:
                m.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                m.proc.kill()
                m.proc.wait(timeout=5)
        if m.log:
            m.log.close()
            m.log = None

    def kill_member(self, i):
        self.stop_member(i, sig=signal.SIGKILL)

    def stop(self):
        for i in range(len(self.members)):
            self.stop_member(i)

    def _any(self, path, body):
        last = None
        for m in self.members:
            if not m.alive():
                continue
            try:
                return gateway(m.client_url, path, body)
            except (OSError, ValueError) as e:
                last = e
        raise RuntimeError("no etcd member answered %s: %s" % (path, last))

    def put(self, key, value):
        self._any("/v3/kv/put", {"key": b64(key), "value": b64(value)})

    def get(self, key):
        kvs = self._any("/v3/kv/range", {"key": b64(key)}).get("kvs", [])
        return base64.b64decode(kvs[0].get("value", "")).decode() if kvs else None


def _cli():
    """python3 tests/integration/etcd_harness.py DIR HOST...: starts one member per host (free
    ports, data and logs in DIR), waits until every one is healthy, prints "PID CLIENT_URL"
    a line per member and exits, leaving them running: the caller stops them by PID
    (scripts/demo-ha)."""
    import argparse
    import sys
    ap = argparse.ArgumentParser(description=_cli.__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("hosts", nargs="+")
    ap.add_argument("--election-ms", type=int, default=500)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    cluster = EtcdCluster(len(a.hosts), workdir=a.dir, hosts=a.hosts, election_ms=a.election_ms)
    try:
        cluster.start(wait=True, timeout=30)
    except BaseException:
        cluster.stop()
        raise
    for m in cluster.members:
        print(m.proc.pid, m.client_url, flush=True)
        m.log.close()
    sys.exit(0)


if __name__ == "__main__":
    _cli()
