"""BIND 9 (named) and NSD 4 as real secondaries of one dnsd, as an operator would add them:
TSIG AXFR then IXFR, dnsd's NOTIFY accepted by both (sent from dnsd's listen address, so
neither says "refused notify" / "no acl matches"), a NOTIFY target that answers REFUSED
logged as a failure and retried, a SIGHUP (and `dnsdctl reload ZONE`) with a newer zone
file serial NOTIFYing both, and a zone file serial raised by one but still below the
journal's refused (served serial unchanged, `dnsd --check` exits 1, a start serves the
journal's state).
dnsd listens on a random 127.x.y.z that is not 127.0.0.1, the kernel's own choice of
source, so a NOTIFY from the wrong address is refused. The tests run in order on one set
of servers (numbered), a few seconds each."""
import datetime
import os
import re
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest

import dnsd_harness
from dnsd_harness import (DNSD, KEY_NAME, KEY_SECRET, KEYS_TOML, ZONE, Dnsd, dig, free_address,
                          nsupdate, stop_process, wait_for)

TSIG = "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)
BASE_SERIAL = 2024010101  # ZONE's
DNSDCTL = os.environ.get("DNSDCTL", "build/dnsd/ctl/dnsdctl")


def not_kernel_default():
    """A free 127.x.y.z:port that is not 127.0.0.1 (where the kernel sends from by default)."""
    while True:
        host, port = free_address()
        if host != "127.0.0.1":
            return host, port


NAMED_CONF = """
options {
    directory "%(dir)s";
    pid-file "%(dir)s/named.pid";
    session-keyfile "%(dir)s/session.key";
    listen-on port %(port)d { %(host)s; };
    listen-on-v6 { none; };
    recursion no;
    notify no;
    dnssec-validation no;
    allow-query { any; };
    allow-transfer { 127.0.0.0/8; };
};
key "%(key)s" { algorithm hmac-sha256; secret "%(secret)s"; };
controls { };
logging {
    channel main { file "%(dir)s/named.log"; severity info; print-time yes; print-category yes; };
    category default { main; };
    category notify { main; };
    category xfer-in { main; };
    category general { main; };
};
zone "example.com" {
    type secondary;
    primaries port %(dport)d { %(dhost)s key "%(key)s"; };
    // named starts before dnsd listens: retry its first refresh soon, not in minutes.
    min-retry-time 1;
    max-retry-time 2;
    file "%(dir)s/example.com.db";
};
"""

NSD_CONF = """
server:
    ip-address: %(host)s@%(port)d
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "%(dir)s"
    database: ""
    pidfile: "%(dir)s/nsd.pid"
    xfrdfile: "%(dir)s/xfrd.state"
    zonelistfile: "%(dir)s/zone.list"
    xfrdir: "%(dir)s"
    logfile: "%(dir)s/nsd.log"
    verbosity: 2
    server-count: 1
remote-control:
    control-enable: no
key:
    name: "%(key)s"
    algorithm: hmac-sha256
    secret: "%(secret)s"
zone:
    name: "example.com"
    zonefile: "example.com.zone"
    allow-notify: %(dhost)s NOKEY
    request-xfr: %(dhost)s@%(dport)d %(key)s
    provide-xfr: 127.0.0.0/8 NOKEY
"""


class Secondary:
    """named or nsd with its own config dir under the test's temp dir, stopped by PID."""

    def __init__(self, kind, base_dir, primary):
        self.kind = kind
        self.dir = os.path.join(base_dir, kind)
        os.makedirs(self.dir)
        # named serves only addresses configured on an interface: of 127/8 that is 127.0.0.1.
        self.host, self.port = free_address("127.0.0.1") if kind == "named" else not_kernel_default()
        vals = {"dir": self.dir, "host": self.host, "port": self.port, "key": KEY_NAME,
                "secret": KEY_SECRET, "dhost": primary.host, "dport": primary.port}
        conf = os.path.join(self.dir, kind + ".conf")
        with open(conf, "w") as f:
            f.write((NAMED_CONF if kind == "named" else NSD_CONF) % vals)
        self.log_path = os.path.join(self.dir, kind + ".log")
        self.out = open(os.path.join(self.dir, "stdout.log"), "w")
        self.cmd = ["named", "-f", "-n", "1", "-c", conf] if kind == "named" else ["nsd", "-d", "-c", conf]
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.cmd, stdout=self.out, stderr=subprocess.STDOUT)

    def stop(self):
        stop_process(self.proc, 10)
        self.out.close()

    def log(self):
        text = ""
        for path in (self.log_path, self.out.name):
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    text += f.read()
        return text

    def serial(self):
        parts = dig(self.host, self.port, "example.com", "SOA", "+short", "+norec").text.split()
        return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None

    def wait_serial(self, want, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.serial() == want:
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError("%s never reached serial %d (has %s); its log:\n%s"
                             % (self.kind, want, self.serial(), self.log()[-3000:]))

    def rdata(self, name, qtype):
        return dig(self.host, self.port, name, qtype, "+norec").rdata()


class Refuser(threading.Thread):
    """A NOTIFY target that answers every NOTIFY with REFUSED, and counts them."""

    def __init__(self):
        super().__init__(daemon=True)
        self.host, self.port = free_address()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((self.host, self.port))
        self.sock.settimeout(0.2)
        self.received = []  # (time, source address)
        self.done = False
        self.start()

    def run(self):
        while not self.done:
            try:
                msg, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            self.received.append((time.time(), peer[0]))
            flags = struct.unpack(">H", msg[2:4])[0] | 0x8000  # QR
            self.sock.sendto(msg[:2] + struct.pack(">H", (flags & 0xFFF0) | 5) + msg[4:], peer)

    def stop(self):
        self.done = True
        self.join(timeout=2)
        self.sock.close()


def zone_lines(host, port, key=None):
    r = dig(host, port, "example.com", "AXFR", *(["-y", key] if key else []))
    lines = [" ".join(l.split()) for l in r.text.splitlines() if l and not l.startswith(";")]
    return sorted(set(l for l in lines if l.split()[3] != "TSIG"))  # the SOA is there twice


class StandardSecondaries(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.refuser = Refuser()
        d = Dnsd(zone_extra="")
        d.host, d.port = not_kernel_default()
        cls.d = d
        # The secondaries' addresses go into dnsd's notify list, so they are chosen first.
        cls.secs = []
        cls.secs.append(Secondary("named", d.dir, d))
        cls.secs.append(Secondary("nsd", d.dir, d))
        targets = ['"%s:%d"' % (s.host, s.port) for s in cls.secs] + \
                  ['"%s:%d"' % (cls.refuser.host, cls.refuser.port)]
        d.zone_extra = ('update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]\nnotify = [%s]'
                        % ", ".join(targets))
        d.tail = KEYS_TOML
        d.write_config()
        d.start()
        # Started once dnsd listens: a secondary whose first refresh meets a closed port
        # may queue the next one past the test's wait (named did, in the ASan run).
        for s in cls.secs:
            s.start()

    @classmethod
    def tearDownClass(cls):
        for s in cls.secs:
            s.stop()
        cls.d.stop()
        cls.refuser.stop()

    def served_serial(self):
        return int(self.d.dig("example.com", "SOA", "+short").text.split()[2])

    def update(self, *commands):
        p = nsupdate(self.d.host, self.d.port, ["zone example.com"] + list(commands) + ["send"], key=TSIG)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def wait_log(self, pattern, timeout=10):
        wait_for(lambda: re.search(pattern, self.d.read_log()), timeout,
                 "%r in the dnsd log:\n%s" % (pattern, self.d.read_log()[-3000:]))

    def assert_notify_accepted(self):
        for s in self.secs:
            for bad in ("refused notify", "no acl matches", "notify from non-primary"):
                self.assertNotIn(bad, s.log().lower(), "%s refused dnsd's NOTIFY:\n%s" % (s.kind, s.log()[-3000:]))

    def assert_same_zone(self):
        want = zone_lines(self.d.host, self.d.port, TSIG)
        for s in self.secs:
            self.assertEqual(zone_lines(s.host, s.port), want, s.kind)

    def test_1_axfr_with_tsig(self):
        for s in self.secs:
            s.wait_serial(BASE_SERIAL)
        self.assert_same_zone()
        self.wait_log(r"AXFR example\.com\. to .*serial %d" % BASE_SERIAL)

    def test_2_update_notify_ixfr(self):
        for s in self.secs:
            s.wait_serial(BASE_SERIAL)
        before = self.d.read_log().count("IXFR example.com.")
        self.update("update add fromprimary.example.com 60 A 192.0.2.123")
        serial = self.served_serial()
        for s in self.secs:  # their refresh is 2 h: only the NOTIFY brings them here
            s.wait_serial(serial, timeout=10)
            self.assertEqual(s.rdata("fromprimary.example.com", "A"), ["192.0.2.123"], s.kind)
            self.wait_log(r"notify: example\.com\. serial %d acknowledged by %s:%d from %s:0"
                          % (serial, re.escape(s.host), s.port, re.escape(self.d.host)))
        wait_for(lambda: self.d.read_log().count("IXFR example.com.") >= before + 2, 10,
                 "an IXFR from each secondary")
        self.assert_notify_accepted()
        self.assert_same_zone()

    def test_3_refused_notify_is_a_failure_and_retried(self):
        wait_for(lambda: len(self.refuser.received) >= 2, 10, "a second NOTIFY (the retry) at the refuser")
        log = self.d.read_log()
        target = "%s:%d" % (self.refuser.host, self.refuser.port)
        self.assertRegex(log, r"notify: example\.com\. serial \d+ to %s from %s:0 failed: answered "
                              r"REFUSED \(try 1 of 5\); retrying in" % (re.escape(target), re.escape(self.d.host)))
        self.assertNotIn("acknowledged by " + target, log)
        # Backed off, not hammered: the second try of one serial comes >= 0.5 s after its
        # first. (The refuser's own arrival times mix serials: the other tests' updates each
        # start a new job, which replaces the one being retried and is sent at once.)
        tries = re.compile(r"^(\S+) warning notify: example\.com\. serial (\d+) to %s from \S+ "
                           r"failed: answered REFUSED \(try (\d) of 5\)" % re.escape(target), re.M)

        def first_and_second():
            at = {}
            for m in tries.finditer(self.d.read_log()):
                at.setdefault(m[2], {})[int(m[3])] = datetime.datetime.fromisoformat(m[1])
            return [(t[1], t[2]) for t in at.values() if 1 in t and 2 in t]

        wait_for(first_and_second, 10, "a second try of one serial to the refuser")
        pairs = first_and_second()
        self.assertGreaterEqual(min((b - a).total_seconds() for a, b in pairs), 0.5)
        self.assertEqual({src for _, src in self.refuser.received}, {self.d.host})

    def test_4_sighup_newer_serial_notifies(self):
        served = self.served_serial()
        for s in self.secs:
            s.wait_serial(served)
        new = served + 10
        self.d.write_zone("example.com", ZONE.replace(str(BASE_SERIAL), str(new)) +
                          "fromfile A 192.0.2.200\n")
        self.d.signal(signal.SIGHUP)
        wait_for(lambda: self.served_serial() == new, 10, "dnsd serving the file's serial %d" % new)
        for s in self.secs:
            s.wait_serial(new, timeout=10)
            self.assertEqual(s.rdata("fromfile.example.com", "A"), ["192.0.2.200"], s.kind)
        self.assert_notify_accepted()
        self.assert_same_zone()

    def test_5_file_serial_below_the_journal_is_refused(self):
        base = self.served_serial()  # the file serial of test 4: the journal starts from it
        for i in range(3):
            self.update("update add upd%d.example.com 60 A 192.0.2.%d" % (i, 130 + i))
        served = self.served_serial()
        self.assertEqual(served, base + 3)
        for s in self.secs:
            s.wait_serial(served)
        # "raise the SOA serial": by one, as a hurried operator would, still below the journal's.
        zone_path = self.d.write_zone("example.com", ZONE.replace(str(BASE_SERIAL), str(base + 1)) +
                                      "fromfile A 192.0.2.201\n")
        line = r"%s.*zone file refused: its SOA serial %d is not newer than the served serial %d.*" \
               r"raise it above %d" % (re.escape(zone_path), base + 1, served, served)
        check = subprocess.run([DNSD, "--check", "-c", self.d.config], capture_output=True, text=True,
                               timeout=30)
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        self.assertRegex(check.stderr, line)
        self.d.signal(signal.SIGHUP)
        self.wait_log(line)
        self.wait_log("reload failed")
        self.assertEqual(self.served_serial(), served)
        self.assertEqual(self.d.dig("upd2.example.com", "A").rdata(), ["192.0.2.132"])
        self.assertEqual(self.d.dig("fromfile.example.com", "A").rdata(), ["192.0.2.200"])
        for s in self.secs:
            self.assertEqual(s.serial(), served, s.kind)
        self.assert_same_zone()
        # Raised above the served serial, the file wins: --check passes, and `dnsdctl reload
        # ZONE` (the other way to load a file) NOTIFYs too.
        self.d.write_zone("example.com", ZONE.replace(str(BASE_SERIAL), str(served + 1)))
        check = subprocess.run([DNSD, "--check", "-c", self.d.config], capture_output=True, text=True,
                               timeout=30)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        ctl = subprocess.run([DNSDCTL, "-c", self.d.config, "reload", "example.com"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(ctl.returncode, 0, ctl.stdout + ctl.stderr)
        for s in self.secs:
            s.wait_serial(served + 1, timeout=10)
            self.assertEqual(s.rdata("fromfile.example.com", "A"), [], s.kind)

    def test_6_start_with_a_file_serial_below_the_journal_serves_the_journal(self):
        base = self.served_serial()  # test 5's winning file serial
        self.update("update add upd9.example.com 60 A 192.0.2.139")
        served = self.served_serial()
        self.d.stop()
        zone_path = self.d.write_zone("example.com", ZONE.replace(str(BASE_SERIAL), str(served)) +
                                      "fromfile9 A 192.0.2.209\n")
        # A start keeps serving what was served (the snapshot written before the journal's
        # first entry, and the entries on top), and says which serial the file needs.
        self.d.start()
        self.assertRegex(self.d.read_log(), r"%s.*zone file refused: its SOA serial %d is not newer "
                         r"than the served serial %d.*raise it above %d.*serving the state in"
                         % (re.escape(zone_path), served, served, served))
        self.assertEqual(self.served_serial(), served)
        self.assertEqual(self.d.dig("upd9.example.com", "A").rdata(), ["192.0.2.139"])
        self.assertEqual(self.d.dig("fromfile9.example.com", "A").rdata(), [])
        check = subprocess.run([DNSD, "--check", "-c", self.d.config], capture_output=True, text=True,
                               timeout=30)
        self.assertEqual(check.returncode, 1, check.stdout + check.stderr)
        # Updates go on from the served state.
        self.update("update add upd10.example.com 60 A 192.0.2.140")
        self.assertEqual(self.served_serial(), served + 1)
        for s in self.secs:
            s.wait_serial(served + 1, timeout=10)
        # Nothing was thrown away: with the file back at the journal's base, a start serves
        # every update.
        self.d.stop()
        self.d.write_zone("example.com", ZONE.replace(str(BASE_SERIAL), str(base)))
        self.d.start()
        self.assertEqual(self.served_serial(), served + 1)
        self.assertEqual(self.d.dig("upd9.example.com", "A").rdata(), ["192.0.2.139"])
        self.assertEqual(self.d.dig("upd10.example.com", "A").rdata(), ["192.0.2.140"])

if __name__ == "__main__":
    dnsd_harness.require(["named", "nsd", "dig", "nsupdate"])
    dnsd_harness.main()
