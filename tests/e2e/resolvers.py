"""The four recursive resolvers users put in front of dnsd, from their Debian packages, on
loopback: Unbound (`unbound -d -c`), BIND (`named -g -c`), PowerDNS Recursor
(`pdns_recursor --config-dir --socket-dir`) and Knot Resolver (`kresd -n -c cfg dir`).
Each gets its own directory, listens on 127.0.0.1 on a free port, finds the test zones
through root hints that name one loopback root server (a dnsd serving "."), and does no
DNSSEC validation. Every process is started here and stopped by its PID.

Only what a resolver needs to reach loopback nameservers and the special-use .test names is
changed from its defaults: the point is to measure what each does out of the box."""
import os
import random
import shutil
import signal
import socket
import subprocess
import time

import dnsd_harness

ROOT_NS = "ns0.root-servers.test."

# name -> (binary that must exist, human name with the tested version's family)
KINDS = {
    "unbound": ("unbound", "Unbound"),
    "bind": ("named", "BIND"),
    "pdns": ("pdns_recursor", "PowerDNS Recursor"),
    "knot": ("kresd", "Knot Resolver"),
}


def missing(kinds):
    """The binaries of `kinds` that are not installed."""
    return [KINDS[k][0] for k in kinds if shutil.which(KINDS[k][0]) is None]


def version(kind):
    """'Unbound 1.17.1' and so on: the table's column header."""
    binary, label = KINDS[kind]
    args = {"unbound": [binary, "-V"], "bind": [binary, "-v"], "pdns": [binary, "--version"],
            "knot": [binary, "--version"]}[kind]
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return label
    text = out.stdout + out.stderr
    for word in text.replace(",", " ").split():
        if word[:1].isdigit() and "." in word:
            return "%s %s" % (label, word.split("-")[0])
    return label


def root_hints(root_addr):
    return (". 3600000 IN NS %s\n%s 3600000 IN A %s\n" % (ROOT_NS, ROOT_NS, root_addr))


class PortTaken(Exception):
    """The resolver could not bind its listening port: someone took it since it was chosen."""


class Resolver:
    """One resolver process. Subclasses write the config and name the command line."""
    kind = ""

    def __init__(self, workdir, root_addr):
        self.dir = os.path.join(workdir, self.kind)
        os.makedirs(self.dir, exist_ok=True)
        self.host = "127.0.0.1"
        self.port = dnsd_harness.free_address(self.host)[1]
        self.root_addr = root_addr
        self.proc = None
        self.log_path = os.path.join(self.dir, self.kind + ".log")
        self.write("root.hints", root_hints(root_addr))
        self.configure()

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def configure(self):
        raise NotImplementedError

    def command(self):
        raise NotImplementedError

    def start(self, probe_name, timeout=30):
        """Starts the process and waits until it resolves `probe_name` (A). The port was
        free when chosen, but the other resolvers' query sockets take ephemeral ports from
        the same range: a start that loses that race is retried on another port."""
        for attempt in range(3):
            try:
                return self._start(probe_name, timeout)
            except PortTaken:
                self.port = dnsd_harness.free_address(self.host)[1]
                self.configure()
        return self._start(probe_name, timeout)

    def _start(self, probe_name, timeout):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                rc = self.proc.returncode
                self.log.close()
                self.proc = None
                if "in use" in self.read_log()[-3000:]:
                    os.rename(self.log_path, self.log_path + ".port-taken")
                    raise PortTaken()
                raise RuntimeError("%s exited %s at start-up: %s" % (
                    self.kind, rc, self.read_log()[-2000:]))
            r = dnsd_harness_query(self.host, self.port, probe_name)
            if r is not None and r[0] == 0 and r[1]:
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("%s does not resolve %s after %d s: %s" % (
            self.kind, probe_name, timeout, self.read_log()[-2000:]))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None:
            self.log.close()
            self.proc = None

    def read_log(self):
        try:
            with open(self.log_path) as f:
                return f.read()
        except OSError:
            return ""


class Unbound(Resolver):
    kind = "unbound"

    def configure(self):
        self.conf = self.write("unbound.conf", "\n".join([
            "server:", "  verbosity: 1", "  interface: %s" % self.host, "  port: %d" % self.port,
            "  do-ip6: no", "  do-daemonize: no", '  chroot: ""', '  username: ""',
            '  directory: "%s"' % self.dir, '  pidfile: "%s"' % self.path("unbound.pid"),
            "  use-syslog: no", '  logfile: ""', "  access-control: 127.0.0.0/8 allow",
            "  do-not-query-localhost: no", '  module-config: "iterator"', "  num-threads: 1",
            "  so-reuseport: no", '  root-hints: "%s"' % self.path("root.hints"),
            # .test is special-use (RFC 6761): Unbound answers it locally unless told not to.
            '  local-zone: "test." nodefault', "remote-control:", "  control-enable: no", ""]))

    def command(self):
        return ["unbound", "-d", "-c", self.conf]


class Bind(Resolver):
    kind = "bind"

    def configure(self):
        d = self.dir
        self.conf = self.write("named.conf", """options {
  directory "%(d)s";
  pid-file "%(d)s/named.pid";
  session-keyfile "%(d)s/session.key";
  managed-keys-directory "%(d)s";
  dump-file "%(d)s/cache.db";
  listen-on port %(port)d { %(host)s; };
  listen-on-v6 { none; };
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
controls { };
zone "." { type hint; file "%(d)s/root.hints"; };
""" % {"d": d, "port": self.port, "host": self.host})

    def command(self):
        args = ["named", "-g", "-4", "-c", self.conf]
        if os.geteuid() == 0:
            args += ["-u", "root"]  # a temp dir of root's: no switch to the bind user
        return args


class PowerDns(Resolver):
    kind = "pdns"

    def configure(self):
        self.write("recursor.conf", "\n".join([
            "local-address=%s" % self.host, "local-port=%d" % self.port,
            "allow-from=127.0.0.0/8",
            # The default dont-query list holds 127.0.0.0/8: every nameserver here is there.
            "dont-query=", "query-local-address=127.0.0.1",
            "hint-file=%s" % self.path("root.hints"), "dnssec=off", "daemon=no",
            "threads=1", "disable-syslog=yes", "loglevel=4", "write-pid=no", ""]))

    def command(self):
        return ["pdns_recursor", "--config-dir=" + self.dir, "--socket-dir=" + self.dir]


class Knot(Resolver):
    kind = "knot"
    # True: kresd logs its server selection (every "choosing: NAME@ADDRESS with timeout N
    # ms" and each timeout), which tests read to see which nameservers it still picks.
    log_selection = False

    def configure(self):
        self.conf = self.write("kresd.conf", "\n".join([
            "net.ipv6 = false",
            "net.listen('%s', %d, { kind = 'dns' })" % (self.host, self.port),
            "modules.load('hints > iterate')",
            "hints.root({['%s'] = '%s'})" % (ROOT_NS, self.root_addr),
            # No DNSSEC validation: no trust anchor.
            "trust_anchors.remove('.')",
            # .test is special-use (RFC 6761): kresd refuses it unless the list is emptied.
            "policy.special_names = {}",
            # kresd drops 127.0.0.0/8 addresses of nameservers it meets in a referral (glue,
            # or an NS name resolved in that request), so each fresh referral to the nodes
            # fails its query (SERVFAIL) until the addresses come from its cache: allow them.
            "policy.add(policy.all(policy.FLAGS({'ALLOW_LOCAL'})))",
            "cache.open(16 * MB, 'lmdb://%s/cache')" % self.dir]
            + (["log_groups({'select'})"] if self.log_selection else []) + [""]))

    def chose(self, address, log_from=0):
        """How often kresd picked `address` since byte `log_from` of its log (log_selection)."""
        return self.read_log()[log_from:].count("@'%s#" % address)

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0

    def command(self):
        return ["kresd", "-n", "-c", self.conf, self.dir]


CLASSES = {"unbound": Unbound, "bind": Bind, "pdns": PowerDns, "knot": Knot}


def make(kind, workdir, root_addr):
    return CLASSES[kind](workdir, root_addr)


def dnsd_harness_query(host, port, name, qtype=1, timeout=0.5):
    """(rcode, answer count) of one recursive query, None on timeout."""
    qid = random.randint(0, 65535)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(dnsd_harness.build_query(name, qtype, qid=qid, flags=0x0100), (host, port))
        while True:
            data, _ = s.recvfrom(4096)
            if len(data) >= 12 and int.from_bytes(data[:2], "big") == qid:
                return data[3] & 0x0F, int.from_bytes(data[6:8], "big")
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()
