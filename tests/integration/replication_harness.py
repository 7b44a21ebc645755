"""Three dnsd nodes on their own 127.0.x.y addresses serving one replicated zone
(docs/dnsd.md "One zone on every node"), for test_replication*.py."""
import os
import re
import signal
import subprocess
import urllib.request

import dnsd_harness
from dnsd_harness import Dnsd, free_address, wait_for

ZONE = """$ORIGIN example.com.
$TTL 3600
@        IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@        NS    ns1.example.com.
ns1      A     192.0.2.1
www      A     192.0.2.10
"""
ACME_SECRET = "3l1Xo1mZ3B4v9TQ9m4y3m1sQ4tK4r8c1q0Ww2ZfQy7M="
SENTINEL_SECRET = dnsd_harness.KEY_SECRET
REPLICATION_SECRET = "n6k0e8b5c2Gm8z1sX3YpL2Qd9Vw4Rt7Uu6Ii5Oo3Pp0="
OTHER_REPLICATION_SECRET = "Zk1m3Qp8s2Vx5Bn7Lc4Jh6Gf9Dd0Ss1Aa2Ww3Ee4Rr5="
ACME = "hmac-sha256:acme:" + ACME_SECRET
SENTINEL = "hmac-sha256:sentinel:" + SENTINEL_SECRET
KEYS = """
[[key]]
name = "acme"
secret = "%s"

[[key]]
name = "sentinel"
secret = "%s"

[[key]]
name = "replication"
secret = "%s"

[[key]]
name = "replication2"
secret = "%s"
""" % (ACME_SECRET, SENTINEL_SECRET, REPLICATION_SECRET, OTHER_REPLICATION_SECRET)


class Node(Dnsd):
    """One node: [node] name lbN with its own address as the self name "lb"."""

    def __init__(self, name, peers_text, primary, ack="majority", timeout="2s"):
        self.name = name
        self.peers_text = peers_text
        self.primary = primary
        self.ack = ack
        self.timeout = timeout
        self.replicas_override = None  # a replicas list text of its own (reload tests)
        self.replicated = '["acme"]'
        self.replication_key = "replication"
        self.zone_text = ZONE  # its own zone file (the same on every node unless a test says)
        self.control = "off"   # [control] socket
        super().__init__()

    def write_config(self):
        if not hasattr(self, "name"):
            return  # Dnsd.__init__ calls this before our fields are set
        path = self.write_zone("example.com", self.zone_text)
        lines = ["[server]", 'listen = ["%s:%d"]' % (self.host, self.port),
                 'state_dir = "%s"' % os.path.join(self.dir, "state"), "",
                 "[node]", 'name = "%s"' % self.name, 'ipv4 = ["%s"]' % self.host, "",
                 "[[zone]]", 'name = "example.com"', 'file = "%s"' % path, 'self = ["lb"]',
                 'update_keys = ["acme", "sentinel"]', 'transfer_keys = ["sentinel"]',
                 "replicas = [%s]" % (self.replicas_override or self.peers_text()),
                 'update_primary = "%s"' % self.primary,
                 "replicated_update_keys = %s" % self.replicated,
                 'replication_key = "%s"' % self.replication_key,
                 'replication_ack = "%s"' % self.ack, 'replication_timeout = "%s"' % self.timeout, "",
                 "[metrics]", 'listen = "%s"' % self.metrics, "[control]", 'socket = "%s"' % self.control, KEYS]
        self.config = os.path.join(self.dir, "dnsd.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def reload(self, **fields):
        """Sets attributes, rewrites dnsd.toml, SIGHUP, waits for "reload ok"."""
        for k, v in fields.items():
            setattr(self, k, v)
        before = self.read_log().count("reload ok")
        self.write_config()
        self.signal(signal.SIGHUP)
        wait_for(lambda: self.read_log().count("reload ok") > before, 10, self.name + " to reload")

    def update(self, *commands, key=ACME):
        return dnsd_harness.nsupdate(self.host, self.port, ["zone example.com"] + list(commands) + ["send"],
                                     key=key)

    def txt(self, name):
        return self.dig(name + ".example.com", "TXT", "+short").text.split()

    def axfr(self):
        """The zone as AXFR gives it, sorted, without the self name lb (node-local)."""
        p = subprocess.run(["dig", "@" + self.host, "-p", str(self.port), "+tcp", "+time=2", "+tries=1",
                            "-y", SENTINEL, "example.com", "AXFR", "+nocmd", "+nocomments", "+nostats"],
                           capture_output=True, text=True, timeout=20)
        rrs = [" ".join(l.split()) for l in p.stdout.splitlines() if l.strip() and not l.startswith(";")]
        rrs = [r for r in rrs if " TSIG " not in r and not r.startswith("lb.example.com.")]
        return sorted(set(rrs))

    def replicated_axfr(self):
        """The AXFR without what is each node's own: the self name, the SOA, the marker."""
        return [r for r in self.axfr() if not r.startswith("_replication.example.com.") and
                not r.startswith("example.com. 3600 IN SOA ")]

    def ctl(self, *args):
        """dnsdctl against this node (Cluster(metrics=True))."""
        return subprocess.run([os.environ.get("DNSDCTL", "build/dnsd/ctl/dnsdctl"), "-c", self.config] + list(args),
                              capture_output=True, text=True, timeout=30)

    def metric(self, name):
        """A sample's value from /metrics (self.metrics must be set), or None."""
        with urllib.request.urlopen("http://%s/metrics" % self.metrics, timeout=5) as r:
            for line in r.read().decode().splitlines():
                if line.startswith(name + " "):
                    return float(line.split()[1])
        return None


class Cluster:
    """lb1, lb2, lb3; lb1 is the update primary unless told otherwise."""

    def __init__(self, ack="majority", timeout="2s", primary="lb1", metrics=False):
        """metrics: [metrics] and [control] (dnsdctl) on every node."""
        self.nodes = []
        for i in range(3):
            self.nodes.append(Node("lb%d" % (i + 1), self.replicas_text, primary, ack, timeout))
            if metrics:  # [metrics] on every node, on its own free port
                self.nodes[-1].metrics = "%s:%d" % free_address()
                self.nodes[-1].control = os.path.join(self.nodes[-1].dir, "control.sock")  # and dnsdctl
        for n in self.nodes:
            n.write_config()

    def replicas_text(self):
        return ", ".join('"%s=%s:%d"' % (n.name, n.host, n.port) for n in self.nodes)

    def start(self):
        for n in self.nodes:
            n.start()
        return self

    def stop(self):
        for n in self.nodes:
            n.stop()

    def __getitem__(self, i):
        return self.nodes[i]

    def wait_converged(self, timeout=10):
        """Until every node's AXFR is the same; returns it."""
        last = []

        def same():
            last[:] = [n.axfr() for n in self.nodes]
            return all(a == last[0] for a in last) and last[0]
        try:
            wait_for(same, timeout, "every node's AXFR to be the same")
        except AssertionError:
            raise AssertionError("AXFRs differ:\n" + "\n---\n".join("\n".join(a) for a in last))
        return last[0]


def serial(node):
    m = re.search(r"SOA \S+ \S+ (\d+)", " ".join(node.dig("example.com", "SOA").text.split()))
    return int(m.group(1)) if m else None
