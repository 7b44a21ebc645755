"""Integration-test harness: start the real dnsd on a free loopback address, query it with
real clients (dig, kdig, raw sockets), stop it by PID. Standard library only."""
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest

DNSD = os.environ.get("DNSD", "build/dnsd/dnsd")
SRCDIR = os.environ.get("SRCDIR", ".")

ZONE = """$ORIGIN example.com.
$TTL 3600
@        IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@        NS    ns1.example.com.
@        NS    ns2.example.com.
ns1      A     192.0.2.1
ns2      A     192.0.2.2
www      A     192.0.2.10
www      AAAA  2001:db8::10
alias    CNAME www
chain    CNAME alias
mail     MX    10 mx.example.com.
mx       A     192.0.2.20
txt      TXT   "hello" "world"
_tunnel._tcp SRV 0 100 443 lb1.example.com.
lb1      A     192.0.2.31
a.b.c    A     192.0.2.40
*.wild   A     192.0.2.50
sub.wild A     192.0.2.51
child    NS    ns.child.example.com.
child    DS    12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE8D1A1DEC0B6E8E3A2D4F8C1E
ns.child A     192.0.2.60
caa      CAA   0 issue "letsencrypt.org"
ptr      PTR   host.example.net.
unk      TYPE65534 \\# 4 0a000001
rr       A     192.0.2.71
rr       A     192.0.2.72
rr       A     192.0.2.73
""" + "".join('big TXT "%s%d"\n' % (chr(97 + i % 26) * 60, i) for i in range(40))

SELF_ZONE = """$ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 7 3600 600 86400 60
@     NS  ns1.example.test.
lb1   A   127.0.0.11
"""


SKIP_EXIT = 77  # what meson reports as SKIP rather than OK

_temp_dirs = []  # made by temp_dir(); removed by main() when every test passed


def temp_dir(prefix):
    """A new temp dir for this test file: removed at the end when every test passed, kept
    (and named) when one failed or KEEP_TMP is set, for the post-mortem."""
    path = tempfile.mkdtemp(prefix=prefix)
    _temp_dirs.append(path)
    return path


def _clean_temp_dirs(passed):
    if passed and os.environ.get("KEEP_TMP") is None:
        for d in _temp_dirs:
            shutil.rmtree(d, ignore_errors=True)
    elif _temp_dirs:
        print("kept for the post-mortem: %s" % " ".join(_temp_dirs), flush=True)


def require(programs=(), root=False):
    """Exits 77 (meson: SKIP) before any test runs when a facility the file needs is missing,
    saying which, so a test that could not run is never reported as passed."""
    missing = []
    if root and os.geteuid() != 0:
        missing.append("root (running as uid %d)" % os.geteuid())
    absent = [p for p in programs if not shutil.which(p)]
    if absent:
        missing.append("%s on PATH (scripts/deps installs them)" % ", ".join(absent))
    if missing:
        print("SKIP %s: needs %s" % (os.path.basename(sys.argv[0]), "; ".join(missing)), flush=True)
        sys.exit(SKIP_EXIT)


def failed(test):
    """Whether `test` has failed so far (unittest's bookkeeping differs across 3.8-3.12)."""
    outcome = getattr(test, "_outcome", None)
    if getattr(outcome, "errors", None) is not None:
        return any(e for _, e in outcome.errors if e)
    result = getattr(outcome, "result", None)
    return bool(result) and any(t is test for t, _ in result.failures + result.errors)


def main():
    """unittest.main for the test files: exit 1 on a failure or when no test ran, 77 when
    any test was skipped (unittest alone exits 0 then, which meson counts as OK), else 0."""
    result = unittest.main(verbosity=2, exit=False).result
    _clean_temp_dirs(result.wasSuccessful())
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun == 0:
        print("FAIL: no test ran", flush=True)
        sys.exit(1)
    if result.skipped:
        print("SKIP: %d of %d test(s) skipped: %s" % (
            len(result.skipped), result.testsRun,
            "; ".join("%s (%s)" % (t.id(), why) for t, why in result.skipped)), flush=True)
        sys.exit(SKIP_EXIT)
    sys.exit(0)


def stop_process(proc, grace):
    """Stops a child we started, by its PID: SIGTERM, then SIGKILL after `grace` seconds."""
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def wait_for(pred, timeout, what):
    """Until pred() is true, at most `timeout` seconds; fails the test with `what` then."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(0.02)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def free_address(host=None):
    """A random 127.0.x.y:port (or `host`:port) free for both UDP and TCP."""
    for _ in range(200):
        h = host or "127.0.%d.%d" % (random.randint(1, 254), random.randint(1, 254))
        port = random.randint(20000, 60000)
        try:
            for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                s = socket.socket(socket.AF_INET, kind)
                s.bind((h, port))
                s.close()
            return h, port
        except OSError:
            continue
    raise RuntimeError("no free loopback address" + (" on " + host if host else ""))


class Dnsd:
    """One dnsd process with its own temp dir, config and zone files."""

    def __init__(self, zones=None, server_extra="", node=None, zone_extra=None, tail="", metrics=""):
        self.dir = temp_dir("dnsd-it-")
        self.host, self.port = free_address()
        self.zones = zones if zones is not None else [("example.com", ZONE, [])]
        self.server_extra = server_extra
        self.node = node
        self.zone_extra = zone_extra or ""
        self.tail = tail
        self.metrics = metrics  # [metrics] listen: "" = off
        self.proc = None
        self.log_path = os.path.join(self.dir, "dnsd.log")
        self.write_config()

    def write_zone(self, name, text):
        path = os.path.join(self.dir, name + ".zone")
        with open(path, "w") as f:
            f.write(text)
        return path

    def write_config(self):
        lines = ["[server]", 'listen = ["%s:%d"]' % (self.host, self.port), 'identity = "it1"',
                 'state_dir = "%s"' % os.path.join(self.dir, "state"), self.server_extra, ""]
        if self.node:
            lines += ["[node]", 'name = "lb1"'] + self.node + [""]
        for name, text, self_names in self.zones:
            path = self.write_zone(name, text)
            lines += ["[[zone]]", 'name = "%s"' % name, 'file = "%s"' % path,
                      "self = [%s]" % ", ".join('"%s"' % s for s in self_names), "self_ttl = 30",
                      self.zone_extra, ""]
        lines += ["[metrics]", 'listen = "%s"' % self.metrics, self.tail]
        self.config = os.path.join(self.dir, "dnsd.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    starts = 0

    def start(self, wait=True):
        self.starts += 1
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([DNSD, "-c", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("dnsd exited early: " + self.read_log())
            if self.read_log().count("dnsd ready") >= self.starts:
                return
            time.sleep(0.02)
        raise RuntimeError("dnsd not ready in %ss: %s" % (timeout, self.read_log()))

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def stop(self):
        stop_process(self.proc, 10)
        if self.proc:
            self.log.close()

    def dig(self, *args):
        return dig(self.host, self.port, *args)

    def udp(self, payload, timeout=1.0):
        return udp_exchange(self.host, self.port, payload, timeout)


class DigResult:
    def __init__(self, text, rc):
        self.text = text
        self.rc = rc
        m = re.search(r"status: (\w+)", text)
        self.status = m.group(1) if m else None
        m = re.search(r";; flags: ([a-z ]*);", text)
        self.flags = set(m.group(1).split()) if m else set()
        self.sections = {}
        current = None
        for line in text.splitlines():
            m = re.match(r";; (\w+) SECTION:", line)
            if m:
                current = m.group(1)
                self.sections[current] = []
                continue
            if not line.strip():
                current = None
                continue
            if current and not line.startswith(";"):
                self.sections[current].append(line.split())
        m = re.search(r'; NSID: [0-9a-f ]*\("(.*)"\)', text)
        self.nsid = m.group(1) if m else None
        m = re.search(r"; EDNS: version: (\d+)", text)
        self.edns_version = int(m.group(1)) if m else None

    def rrs(self, section="ANSWER"):
        return self.sections.get(section, [])

    def rdata(self, section="ANSWER"):
        return sorted(" ".join(rr[4:]) for rr in self.rrs(section))


def dig(host, port, *args):
    cmd = ["dig", "@" + host, "-p", str(port), "+norec", "+time=2", "+tries=1"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    return DigResult(p.stdout, p.returncode)


def build_query(name, qtype=1, qid=0x1234, qclass=1, flags=0):
    q = struct.pack(">HHHHHH", qid, flags, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", qtype, qclass)


def udp_exchange(host, port, payload, timeout=1.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(payload, (host, port))
        return s.recv(65535)
    except socket.timeout:
        return None
    finally:
        s.close()


def rcode(msg):
    return msg[3] & 0x0F


class DnsdTestCase(unittest.TestCase):
    """Starts one default dnsd for the whole class."""
    zones = None
    node = None
    server_extra = ""

    @classmethod
    def setUpClass(cls):
        cls.server = Dnsd(zones=cls.zones, node=cls.node, server_extra=cls.server_extra).start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()


KEY_NAME = "sentinel"
KEY_SECRET = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8="
OTHER_SECRET = "q1oRk1Nk3wYVY9QbQMFSvmPXqDTgwPeiFl5sQ1u1Lk4="
KEYS_TOML = """
[[key]]
name = "sentinel"
algorithm = "hmac-sha256"
secret = "%s"

[[key]]
name = "other"
algorithm = "hmac-sha256"
secret = "%s"
""" % (KEY_SECRET, OTHER_SECRET)


def nsupdate(host, port, commands, key="hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET), timeout=60):
    """Runs the real nsupdate with `commands` (list of lines, 'send' included)."""
    script = "server %s %d\n" % (host, port) + "\n".join(commands) + "\n"
    cmd = ["nsupdate", "-t", "5"] + (["-y", key] if key else [])
    return subprocess.run(cmd, input=script, capture_output=True, text=True, timeout=timeout)
