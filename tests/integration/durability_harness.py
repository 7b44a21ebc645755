"""Durability on a sick disk: dnsd with faults injected (strace's syscall fault injection, or
a small tmpfs filled up), numbered updates whose outcome is recorded, kill -9, a restart,
and the check that every acknowledged update is served and nothing unacknowledged is
half-applied. Standard library only."""
import os
import signal
import subprocess
import time

from dnsd_harness import DNSD, KEYS_TOML, Dnsd, nsupdate

ZONE_EXTRA = 'update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]'


def traced_dnsd_pid(tracer, exe, deadline=10):
    """The PID of `exe` running under `tracer` (strace forks, then the child execs dnsd)."""
    end = time.time() + deadline
    real = os.path.realpath(exe)
    while time.time() < end:
        try:
            with open("/proc/%d/task/%d/children" % (tracer, tracer)) as f:
                for kid in f.read().split():
                    if os.path.realpath("/proc/%s/exe" % kid) == real:
                        return int(kid)
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError("dnsd did not start under strace (pid %d)" % tracer)


def stop_traced(tracer, pid):
    """Stops `pid` running under strace `tracer` by PID (SIGTERM, then SIGKILL after 10 s)
    and waits for the tracer, which exits with its tracee."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
        try:
            tracer.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
    tracer.kill()
    tracer.wait(timeout=5)


class FaultyDnsd(Dnsd):
    """A Dnsd that can run under a command prefix (strace with fault injection) and can be
    killed with SIGKILL by the PID of dnsd itself."""

    def __init__(self, server_extra="", state_dir=None):
        super().__init__(zone_extra=ZONE_EXTRA, tail=KEYS_TOML, server_extra=server_extra)
        if state_dir:
            self.state_dir = state_dir
            with open(self.config) as f:
                text = f.read()
            text = text.replace('state_dir = "%s"' % os.path.join(self.dir, "state"),
                                'state_dir = "%s"' % state_dir)
            with open(self.config, "w") as f:
                f.write(text)
        else:
            self.state_dir = os.path.join(self.dir, "state")
        self.prefix = []
        self.dnsd_pid = None

    def journal(self):
        return os.path.join(self.state_dir, "example.com.journal")

    def start_under(self, prefix):
        self.prefix = prefix
        return self.start()

    def start(self, wait=True):
        self.starts += 1
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen(self.prefix + [DNSD, "-c", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.dnsd_pid = traced_dnsd_pid(self.proc.pid, DNSD) if self.prefix else self.proc.pid
        if wait:
            self.wait_ready(timeout=30)
        return self

    def stop(self):
        """SIGTERM to dnsd itself: a SIGTERM to strace would only detach it, and the traced
        dnsd would live on after the test."""
        if self.proc and self.prefix and self.proc.poll() is None:
            stop_traced(self.proc, self.dnsd_pid)
            self.log.close()
            self.proc = None
            return
        super().stop()

    def kill9(self):
        """A crash: SIGKILL to dnsd itself, then wait for it (and its strace) to go."""
        if self.proc.poll() is not None:
            raise RuntimeError("dnsd exited before the kill -9: " + self.read_log()[-2000:])
        os.kill(self.dnsd_pid, signal.SIGKILL)
        self.proc.wait(timeout=20)
        self.log.close()
        self.prefix = []
        self.proc = None


class Ledger:
    """Numbered updates and what each got. Update i adds h<i> A and g<i> TXT, so a
    half-applied one shows."""

    def __init__(self, d, txt_bytes=40):
        self.d = d
        self.acked, self.refused = [], []
        self.txt = "x" * min(txt_bytes, 250)
        self.txt_strings = max(1, txt_bytes // 250)
        self.highest_serial_seen = 0
        self.n = 0

    def serial(self):
        r = self.d.dig("example.com", "SOA", "+short").text.split()
        return int(r[2]) if len(r) > 2 else None

    def update(self):
        i = self.n
        self.n += 1
        txt = " ".join('"%s%d"' % (self.txt, k) for k in range(self.txt_strings))
        p = nsupdate(self.d.host, self.d.port, [
            "zone example.com",
            "update add h%d.example.com 60 A 192.0.2.%d" % (i, i % 250 + 1),
            "update add g%d.example.com 60 TXT %s" % (i, txt),
            "send"])
        (self.acked if p.returncode == 0 else self.refused).append(i)
        s = self.serial()
        if s is not None:
            self.highest_serial_seen = max(self.highest_serial_seen, s)
        return p.returncode == 0

    def present(self, i):
        h = self.d.dig("h%d.example.com" % i, "A").status == "NOERROR"
        g = self.d.dig("g%d.example.com" % i, "TXT").status == "NOERROR"
        return h, g

    def check_after_restart(self, test, what):
        """Every acked update served whole, every refused one whole or absent, the serial
        never below one a client saw. Returns (acked, served) for the report."""
        served = 0
        for i in self.acked:
            h, g = self.present(i)
            test.assertTrue(h and g, "%s: acknowledged update %d lost after kill -9 (h=%s g=%s)"
                            % (what, i, h, g))
            served += h and g
        for i in self.refused:
            h, g = self.present(i)
            test.assertEqual(h, g, "%s: unacknowledged update %d half-applied" % (what, i))
        s = self.serial()
        test.assertIsNotNone(s)
        test.assertGreaterEqual(s, self.highest_serial_seen,
                                "%s: SOA serial went back from %d to %d"
                                % (what, self.highest_serial_seen, s))
        print("%s: %d updates acknowledged, %d served after kill -9 and restart; %d refused"
              % (what, len(self.acked), served, len(self.refused)))
        return len(self.acked), served


def strace_inject(paths, *injections):
    """strace prefix failing syscalls on `paths` only: injections like 'fdatasync:error=EIO:when=3'."""
    cmd = ["strace", "-f", "-qq", "-o", "/dev/null"]
    for p in paths:
        cmd += ["-P", p]
    calls = sorted({i.split(":")[0] for i in injections})
    cmd += ["-e", "trace=" + ",".join(calls)]
    for i in injections:
        cmd += ["-e", "inject=" + i]
    return cmd


