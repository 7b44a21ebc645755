"""The whole product on one machine, as users meet it: a parent zone served by dnsd that
delegates api.example.test to three dnsd nodes (each on its own 127.0.x.y, port 53), a
tunnel-server stand-in per node, one sentinel, and Unbound as the clients' resolver (a
stub zone for example.test pointing at the parent). Needs root for port 53. Every process
is started here and stopped by PID."""
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from dnsd_harness import KEY_NAME, KEY_SECRET, build_query  # noqa: E402
from sentinel_harness import free_tcp_port, wait_until  # noqa: E402

DNSD = os.environ.get("DNSD", "build/dnsd/dnsd")
SENTINEL = os.environ.get("SENTINEL", "build/sentinel/sentinel")
SRCDIR = os.environ.get("SRCDIR", ".")
ZONE = "api.example.test"

PARENT_ZONE = """$ORIGIN example.test.
$TTL 300
@    SOA ns0.example.test. hostmaster.example.test. 2024010101 3600 600 604800 60
@    NS  ns0.example.test.
ns0  A   {p}.10
api  NS  ns1.example.test.
api  NS  ns2.example.test.
api  NS  ns3.example.test.
ns1  A   {p}.11
ns2  A   {p}.12
ns3  A   {p}.13
"""

CHILD_ZONE = """$ORIGIN api.example.test.
$TTL 1
@    SOA ns1.example.test. hostmaster.example.test. 2024010101 3600 600 604800 1
@    NS  ns1.example.test.
@    NS  ns2.example.test.
@    NS  ns3.example.test.
"""


class Proc:
    def __init__(self, name, args, log):
        self.name, self.args, self.log_path = name, args, log
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send(self, sig):
        if self.alive():
            self.proc.send_signal(sig)

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()


class E2ECluster:
    def __init__(self, prefix="127.0.78", interval="200ms", fall=2, stop_grace="2s",
                 stop_answer="lame"):
        self.p = prefix
        self.dir = tempfile.mkdtemp(prefix="dnsgtm-e2e-")
        self.resolver = prefix + ".2"
        self.interval, self.fall, self.stop_grace = interval, fall, stop_grace
        self.stop_answer = stop_answer
        self.nodes = {"lb%d" % i: "%s.%d" % (prefix, 10 + i) for i in (1, 2, 3)}
        self.procs = {}
        self.tunnel_port = 8443
        self.api_port = free_tcp_port("127.0.0.1")
        self.control_port = free_tcp_port(self.resolver)
        self._write_files()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def _write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def _dnsd_config(self, name, addr, zone_name, zone_file, self_names):
        return "\n".join([
            "[server]", 'listen = ["%s:53"]' % addr, 'identity = "%s"' % name,
            'state_dir = "%s"' % self.path("state", name), 'stop_grace = "%s"' % self.stop_grace,
            'stop_answer = "%s"' % self.stop_answer, "",
            "[node]", 'name = "%s"' % name, 'ipv4 = ["%s"]' % addr, "",
            "[[zone]]", 'name = "%s"' % zone_name, 'file = "%s"' % zone_file,
            "self = [%s]" % ", ".join('"%s"' % s for s in self_names), "self_ttl = 1",
            'update_keys = ["sentinel"]', 'transfer_keys = ["sentinel"]', "",
            "[[key]]", 'name = "sentinel"', 'algorithm = "hmac-sha256"', 'secret = "%s"' % KEY_SECRET,
            "", "[metrics]", 'listen = ""', ""])

    def _write_files(self):
        parent = self._write("example.test.zone", PARENT_ZONE.format(p=self.p))
        child = self._write("api.example.test.zone", CHILD_ZONE)
        self._write("parent.toml", self._dnsd_config("parent", self.p + ".10", "example.test", parent, []))
        for name, addr in self.nodes.items():
            self._write(name + ".toml", self._dnsd_config(name, addr, ZONE, child, ["@", "*"]))
        self._write("tunnel.key", "e2e-tunnel-secret-0123456789abcdef\n")
        nodes = []
        for i, (name, addr) in enumerate(sorted(self.nodes.items())):
            nodes += ["[[node]]", 'name = "%s"' % name, 'ipv4 = ["%s"]' % addr, 'dns = "%s:53"' % addr,
                      "priority = %d" % (i * 10), "port = 443",
                      'checks = [{ type = "dns" }, { type = "http", url = "http://%s:%d/health" }]'
                      % (addr, self.tunnel_port),
                      'tunnel = { driver = "http", url = "http://%s:%d/replication", hmac_secret_file = "%s" }'
                      % (addr, self.tunnel_port, self.path("tunnel.key")), ""]
        self._write("sentinel.toml", "\n".join([
            "[sentinel]", 'id = "s1"', 'state_file = "%s"' % self.path("sentinel", "state.json"),
            'api_listen = "127.0.0.1:%d"' % self.api_port,
            'api_token_file = "%s"' % self.path("api.token"), "",
            "[cluster]", 'zone = "%s"' % ZONE, "ttl = 1", 'cooldown = "1s"', 'update_key = "sentinel"',
            'reconcile_interval = "2s"', "",
            "[probe]", 'interval = "%s"' % self.interval, 'timeout = "%s"' % self.interval,
            "fall = %d" % self.fall, "rise = 2", "",
            ] + nodes + ["[[key]]", 'name = "sentinel"', 'algorithm = "hmac-sha256"',
                         'secret = "%s"' % KEY_SECRET, ""]))
        self._write("unbound.conf", "\n".join([
            "server:", "  verbosity: 1", "  interface: %s" % self.resolver, "  port: 53",
            "  do-ip6: no", "  do-daemonize: no", '  chroot: ""', '  username: ""',
            '  directory: "%s"' % self.dir, '  pidfile: "%s"' % self.path("unbound.pid"),
            "  use-syslog: no", '  logfile: ""', "  access-control: 127.0.0.0/8 allow",
            "  do-not-query-localhost: no", '  module-config: "iterator"', "  num-threads: 1",
            "  so-reuseport: no", "  qname-minimisation: no", "  prefetch: no",
            # .test is special-use (RFC 6761): Unbound answers it locally unless told not to.
            '  local-zone: "test." nodefault',
            "remote-control:", "  control-enable: yes", "  control-interface: %s" % self.resolver,
            "  control-port: %d" % self.control_port, "  control-use-cert: no",
            "stub-zone:", '  name: "example.test."', "  stub-addr: %s.10" % self.p, ""]))

    def start(self):
        self.start_servers()
        self.procs["unbound"] = Proc("unbound", ["unbound", "-d", "-c", self.path("unbound.conf")],
                                     self.path("logs", "unbound.log")).start()
        wait_until(lambda: self.resolve("www.api.example.test", timeout=0.5) is not None, 15,
                   what="unbound to resolve through the delegation")
        return self.start_sentinel()

    def start_servers(self):
        """The parent, the three nodes and their tunnel stand-ins."""
        os.makedirs(self.path("logs"), exist_ok=True)
        for name in ["parent"] + sorted(self.nodes):
            self.start_dnsd(name)
        for name, addr in self.nodes.items():
            self.start_tunnel(name)

    def start_sentinel(self):
        self.procs["sentinel"] = Proc("sentinel", [SENTINEL, "run", "-c", self.path("sentinel.toml")],
                                      self.path("logs", "sentinel.log")).start()
        wait_until(lambda: self.direct("lb2", "_sentinel", 16) and "master=lb1" in self.direct("lb2", "_sentinel", 16),
                   20, what="sentinel to publish lb1 as master")
        return self

    def start_dnsd(self, name):
        log = self.path("logs", name + ".log")
        starts = 0
        if os.path.exists(log):
            with open(log) as f:
                starts = f.read().count("dnsd ready")
        p = self.procs[name] = Proc(name, [DNSD, "-c", self.path(name + ".toml")], log).start()
        wait_until(lambda: p.read_log().count("dnsd ready") > starts or not p.alive(), 10,
                   what=name + " ready")
        if not p.alive():
            raise RuntimeError(name + " exited: " + p.read_log())

    def start_tunnel(self, name):
        addr = self.nodes[name]
        self.procs[name + "-tunnel"] = Proc(name + "-tunnel", [
            sys.executable, os.path.join(SRCDIR, "scripts", "tunnel-standin"),
            "--listen", "%s:%d" % (addr, self.tunnel_port), "--secret-file", self.path("tunnel.key"),
            "--node", name, "--log", self.path("logs", name + "-tunnel.jsonl")],
            self.path("logs", name + "-tunnel.log")).start()

        def up():
            try:
                socket.create_connection((addr, self.tunnel_port), timeout=0.2).close()
                return True
            except OSError:
                return False
        wait_until(up, 10, what=name + " tunnel stand-in")

    def stop(self):
        order = ["sentinel", "unbound"] + [k for k in self.procs if k not in ("sentinel", "unbound")]
        for k in order:
            if k in self.procs:
                self.procs[k].stop(timeout=10)
        if os.environ.get("KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- queries ------------------------------------------------------------------
    def resolve(self, name, qtype=1, timeout=2.0):
        """(rcode, [answer rdata as text], seconds) through Unbound; None on timeout."""
        return udp_query(self.resolver, name, qtype, timeout)

    def direct(self, node, rel, qtype):
        owner = ZONE if rel == "@" else rel + "." + ZONE
        r = udp_query(self.nodes[node], owner, qtype, 1.0)
        return " ".join(r[1]) if r else ""

    def flush(self, *names):
        for n in names:
            subprocess.run(["unbound-control", "-c", self.path("unbound.conf"), "flush", n],
                           capture_output=True, timeout=10)
            subprocess.run(["unbound-control", "-c", self.path("unbound.conf"), "flush_type", n, "SRV"],
                           capture_output=True, timeout=10)

    def cli(self, *args):
        return subprocess.run([SENTINEL] + list(args) + ["-c", self.path("sentinel.toml")],
                              capture_output=True, text=True, timeout=150)


def udp_query(server, name, qtype, timeout):
    qid = random.randint(0, 65535)
    q = build_query(name, qtype, qid=qid, flags=0x0100)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    t0 = time.monotonic()
    try:
        s.sendto(q, (server, 53))
        while True:
            data, _ = s.recvfrom(4096)
            if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
                return data[3] & 0x0F, parse_answers(data), time.monotonic() - t0
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()


def skip_name(data, pos):
    while True:
        n = data[pos]
        if n == 0:
            return pos + 1
        if n & 0xC0 == 0xC0:
            return pos + 2
        pos += n + 1


def read_name(data, pos):
    labels = []
    for _ in range(128):
        n = data[pos]
        if n == 0:
            break
        if n & 0xC0 == 0xC0:
            pos = ((n & 0x3F) << 8) | data[pos + 1]
            continue
        labels.append(data[pos + 1:pos + 1 + n].decode("ascii", "replace"))
        pos += n + 1
    return ".".join(labels) + "."


def parse_answers(data):
    """Answer-section rdata as text: A -> dotted quad, NS -> the name, SRV -> 'prio weight
    port target', TXT -> the strings; other types as hex."""
    qd, an = struct.unpack(">HH", data[4:8])
    pos = 12
    for _ in range(qd):
        pos = skip_name(data, pos) + 4
    out = []
    for _ in range(an):
        pos = skip_name(data, pos)
        rtype, _, _, rdlen = struct.unpack(">HHIH", data[pos:pos + 10])
        pos += 10
        rd = data[pos:pos + rdlen]
        if rtype == 1:
            out.append(socket.inet_ntoa(rd))
        elif rtype == 2:
            out.append(read_name(data, pos).lower())
        elif rtype == 33:
            prio, weight, port = struct.unpack(">HHH", rd[:6])
            out.append("%d %d %d %s" % (prio, weight, port, read_name(data, pos + 6)))
        elif rtype == 16:
            i, parts = 0, []
            while i < len(rd):
                parts.append('"%s"' % rd[i + 1:i + 1 + rd[i]].decode("ascii", "replace"))
                i += 1 + rd[i]
            out.append(" ".join(parts))
        else:
            out.append(rd.hex())
        pos += rdlen
    return sorted(out)
