"""DNS cookies (RFC 7873, RFC 9018) end to end with BIND's resolver (named 9.18), which sends
cookies to the servers it asks (Unbound 1.17 does not): two dnsd nodes sharing a
cookie_secret_file are named's forwarders for example.com. named's own statistics show it
got server cookies from dnsd and sent them back; dnsd's rate limit at 1 response a second
with slip 0, which only a query with a valid server cookie gets past, shows dnsd accepted
them. named listens on 127.0.0.1 (it only binds addresses an interface has), asks nothing
but loopback (-4, every other server bogus), and is stopped by PID like the dnsd nodes."""
import base64
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

import dnsd_harness
from dnsd_harness import Dnsd

SECRET = "e5e973e5a6b2a43f48e7dc849e37bfcf"
RRL = "[rrl]\nresponses_per_second = 1\nslip = 0\n"
NAMES = 12  # distinct names, so named asks dnsd for each


def free_port(host="127.0.0.1"):
    """A port free for UDP and TCP on `host`."""
    return dnsd_harness.free_address(host)[1]


class NamedCannotRun(Exception):
    """named exited at start-up with a config named-checkconf accepted: this machine."""


class Named:
    """named as a recursive resolver with its own directory, config and rndc key."""

    def __init__(self, forwarders):
        self.dir = tempfile.mkdtemp(prefix="dnsd-named-")
        self.host = "127.0.0.1"
        self.port, self.control_port = free_port(), free_port()
        self.proc = None
        self.log_path = os.path.join(self.dir, "named.log")
        self.stats_path = os.path.join(self.dir, "named.stats")
        secret = base64.b64encode(os.urandom(32)).decode()
        key = 'key "rndc-key" { algorithm hmac-sha256; secret "%s"; };\n' % secret
        fwd = " ".join("%s port %d;" % hp for hp in forwarders)
        d = self.dir
        self.conf = self.write("named.conf", key + """options {
  directory "%(d)s";
  pid-file "%(d)s/named.pid";
  session-keyfile "%(d)s/session.key";
  managed-keys-directory "%(d)s";
  statistics-file "%(d)s/named.stats";
  dump-file "%(d)s/cache.db";
  listen-on port %(port)d { %(host)s; };
  listen-on-v6 { none; };
  query-source address 127.0.0.1;
  recursion yes;
  allow-query { 127.0.0.0/8; };
  allow-recursion { 127.0.0.0/8; };
  dnssec-validation no;
  notify no;
  max-cache-size 16M;
};
// Only loopback is ever asked: the most specific server statement wins.
server 0.0.0.0/0 { bogus yes; };
server 127.0.0.0/8 { bogus no; };
controls { inet %(host)s port %(cport)d allow { 127.0.0.1; } keys { "rndc-key"; }; };
zone "example.com" { type forward; forward only; forwarders { %(fwd)s }; };
""" % {"d": d, "port": self.port, "host": self.host, "cport": self.control_port, "fwd": fwd})
        self.rndc_conf = self.write("rndc.conf", key + (
            'options { default-key "rndc-key"; default-server %s; default-port %d; };\n'
            % (self.host, self.control_port)))

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def check_config(self):
        return subprocess.run(["named-checkconf", self.conf], capture_output=True, text=True,
                              timeout=30)

    def start(self):
        self.log = open(self.log_path, "a")
        args = ["named", "-g", "-4", "-c", self.conf]
        if os.geteuid() == 0:
            args += ["-u", "root"]  # a temp dir of root's: no switch to the bind user
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise NamedCannotRun("named exited %s at start-up: %s" % (
                    self.proc.returncode, self.read_log()[-1500:]))
            if re.search(r"\brunning\b", self.read_log()) and self.rndc("status").returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("named not running in 30 s: " + self.read_log()[-3000:])

    def rndc(self, *args):
        return subprocess.run(["rndc", "-c", self.rndc_conf] + list(args), capture_output=True,
                              text=True, timeout=30)

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def resolver_stats(self):
        """{counter name: value} of the Resolver Statistics, summed over views, fresh."""
        if os.path.exists(self.stats_path):
            os.unlink(self.stats_path)
        r = self.rndc("stats")
        if r.returncode != 0:
            raise RuntimeError("rndc stats: " + r.stdout + r.stderr)
        deadline = time.time() + 10
        while not os.path.exists(self.stats_path) and time.time() < deadline:
            time.sleep(0.05)
        with open(self.stats_path) as f:
            text = f.read()
        m = re.search(r"^\+\+ Resolver Statistics \+\+\n(.*?)^\+\+ ", text, re.M | re.S)
        stats = {}
        for line in (m.group(1) if m else "").splitlines():
            c = re.match(r"\s*(\d+) (.+)$", line)
            if c:
                stats[c.group(2)] = stats.get(c.group(2), 0) + int(c.group(1))
        return stats, m.group(1) if m else text

    def stop(self):
        dnsd_harness.stop_process(self.proc, 15)
        if self.proc:
            self.log.close()
        if os.environ.get("KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)


class ThroughBind(unittest.TestCase):

    cannot_run = None

    @classmethod
    def setUpClass(cls):
        cls.nodes, cls.named = [], None
        try:
            first = Dnsd(tail=RRL)
            path = os.path.join(first.dir, "cookie.secret")
            with open(path, "w") as f:
                f.write(SECRET + "\n")
            extra = 'cookie_secret_file = "%s"' % path
            first.server_extra = extra
            first.write_config()
            cls.nodes = [first, Dnsd(server_extra=extra, tail=RRL)]
            for n in cls.nodes:
                n.start()
            cls.named = Named([(n.host, n.port) for n in cls.nodes])
            checked = cls.named.check_config()
            if checked.returncode != 0:
                raise RuntimeError("named-checkconf: " + checked.stdout + checked.stderr)
            cls.named.start()
        except NamedCannotRun as e:
            cls.tearDownClass()
            cls.cannot_run = str(e)  # each test skips: dnsd_harness.main() exits 77, says why
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.named:
            if os.environ.get("VERBOSE"):
                print("---- named log ----\n" + cls.named.read_log()[-4000:])
            cls.named.stop()
        for n in cls.nodes:
            n.stop()

    def setUp(self):
        if self.cannot_run:
            self.skipTest(self.cannot_run)

    def resolve(self, name, qtype="A"):
        return dnsd_harness.dig(self.named.host, self.named.port, name, qtype, "+rec",
                                "+time=5")

    def test_named_and_dnsd_exchange_cookies(self):
        for n in self.nodes:
            self.assertIn("1 secret(s) from", n.read_log())
        t0 = time.monotonic()
        for i in range(NAMES):
            r = self.resolve("bind%d.wild.example.com" % i)
            self.assertEqual(r.status, "NOERROR", r.text)
            self.assertEqual(r.rdata(), ["192.0.2.50"], r.text)
        r = self.resolve("www.example.com")
        self.assertEqual(r.rdata(), ["192.0.2.10"], r.text)
        r = self.resolve("mail.example.com", "MX")
        self.assertEqual(r.rdata(), ["10 mx.example.com."], r.text)
        self.assertEqual(self.resolve("nope.example.com").status, "NXDOMAIN")
        elapsed = time.monotonic() - t0

        stats, text = self.named.resolver_stats()
        print("named resolver statistics:\n" + text, flush=True)
        got = lambda k: stats.get(k, 0)  # noqa: E731
        # named sent client cookies, got dnsd's server cookies back with its client cookie
        # (RFC 7873 5.3), and sent them to dnsd again from then on.
        self.assertGreater(got("COOKIE send with client cookie only"), 0, text)
        self.assertGreater(got("COOKIE replies received"), 0, text)
        self.assertGreater(got("COOKIE client ok"), 0, text)
        self.assertGreater(got("COOKIE sent with client and server cookie"), 0, text)
        self.assertGreaterEqual(got("COOKIE sent with client and server cookie"),
                                NAMES + 3 - 2 * len(self.nodes), text)
        # dnsd accepted them: past the first response of each second, only a valid server
        # cookie gets through its RRL (slip 0 drops the rest), and nothing was lost.
        self.assertEqual(got("query timeouts"), 0, text)
        self.assertLess(elapsed, 10, "no query waited on a drop")


if __name__ == "__main__":
    dnsd_harness.require(["named", "named-checkconf", "rndc", "dig"])
    dnsd_harness.main()
