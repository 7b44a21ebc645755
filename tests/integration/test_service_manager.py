"""dnsd and sentinel under a service manager: the sd_notify(3) messages systemd's
Type=notify and WatchdogSec rely on (READY, RELOADING with MONOTONIC_USEC, STOPPING,
WATCHDOG), read from a NOTIFY_SOCKET this test listens on; and the journal log format
(sd-daemon "<N>" level prefixes, no timestamp) when stderr is the journal stream."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import Dnsd, stop_process, temp_dir, wait_for
from sentinel_harness import Cluster


class NotifySocket:
    """A unix datagram socket like systemd's: collects every message sent to it."""

    def __init__(self):
        self.path = os.path.join(temp_dir("notify-"), "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.messages = []

    def poll(self):
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.messages

    def wait(self, pred, timeout, what):
        wait_for(lambda: any(pred(m) for m in self.poll()), timeout,
                 "%s; got %r" % (what, self.messages))

    def fields(self, msg):
        return dict(line.split("=", 1) for line in msg.splitlines() if "=" in line)

    def close(self):
        self.sock.close()


def manager_env(notify, watchdog_usec=None):
    env = dict(os.environ, NOTIFY_SOCKET=notify.path)
    if watchdog_usec:
        env["WATCHDOG_USEC"] = str(watchdog_usec)
    return env


def terminate_repeatedly(proc, every=0.001, timeout=30):
    """SIGTERM until the process exits, as an impatient manager or a harness's stop() after
    a test's own SIGTERM does; returns its exit code. A daemon that gives SIGTERM back its
    default action while it is still shutting down dies of the second one (-15)."""
    deadline = time.time() + timeout
    while proc.poll() is None and time.time() < deadline:
        try:
            proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            break
        time.sleep(every)
    return proc.wait(timeout=5)


class DnsdUnderManager(unittest.TestCase):
    def setUp(self):
        self.notify = NotifySocket()
        self.d = Dnsd(server_extra='stop_grace = "300ms"')

    def tearDown(self):
        self.d.stop()
        self.notify.close()

    def start(self, env):
        self.d.starts += 1
        self.d.log = open(self.d.log_path, "a")
        self.d.proc = subprocess.Popen([dnsd_harness.DNSD, "-c", self.d.config], env=env,
                                       stdout=self.d.log, stderr=subprocess.STDOUT)
        self.d.wait_ready()

    def test_ready_reloading_stopping_and_watchdog(self):
        self.start(manager_env(self.notify, watchdog_usec=400000))
        n = self.notify
        n.wait(lambda m: "READY=1" in m and "STATUS=serving 1 zone(s)" in m, 5, "READY=1")
        # Half of WatchdogSec (400 ms): a keep-alive every 200 ms.
        wait_for(lambda: sum("WATCHDOG=1" in m for m in n.poll()) >= 3, 5, "3 watchdog pings")
        before = len(n.poll())
        self.d.signal(signal.SIGHUP)
        n.wait(lambda m: "RELOADING=1" in m, 5, "RELOADING=1 after SIGHUP")
        reloading = next(m for m in n.poll() if "RELOADING=1" in m)
        usec = int(n.fields(reloading)["MONOTONIC_USEC"])
        self.assertLess(abs(usec / 1e6 - time.clock_gettime(time.CLOCK_MONOTONIC)), 5)
        n.wait(lambda m: "READY=1" in m and "last reload ok" in m, 5, "READY=1 after the reload")
        after = n.poll()[before:]
        self.assertLess(next(i for i, m in enumerate(after) if "RELOADING=1" in m),
                        next(i for i, m in enumerate(after) if "last reload ok" in m))
        self.d.signal(signal.SIGTERM)
        n.wait(lambda m: "STOPPING=1" in m, 5, "STOPPING=1 after SIGTERM")
        self.assertEqual(self.d.proc.wait(timeout=10), 0)

    def test_repeated_sigterm_during_shutdown_exits_cleanly(self):
        self.start(dict(os.environ))
        self.assertEqual(terminate_repeatedly(self.d.proc), 0, self.d.read_log()[-2000:])

    def test_no_watchdog_without_watchdog_usec(self):
        self.start(manager_env(self.notify))
        self.notify.wait(lambda m: "READY=1" in m, 5, "READY=1")
        time.sleep(0.5)
        self.assertFalse([m for m in self.notify.poll() if "WATCHDOG=1" in m])
        self.assertNotIn("watchdog", self.d.read_log())

    def test_journal_format_when_stderr_is_the_journal_stream(self):
        # systemd's JOURNAL_STREAM names the stream by device and inode; the log file is it.
        open(self.d.log_path, "a").close()
        st = os.stat(self.d.log_path)
        env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
        self.start(env)
        ready = [l for l in self.d.read_log().splitlines() if "dnsd ready" in l]
        self.assertTrue(re.fullmatch(r"<6>dnsd ready: .*", ready[0]), ready)
        self.d.signal(signal.SIGTERM)
        self.assertEqual(self.d.proc.wait(timeout=10), 0)
        for line in self.d.read_log().splitlines():
            if line.startswith("<"):  # no second timestamp after the level prefix
                self.assertRegex(line, r"^<[2-7]>[^0-9]", line)

    def test_stale_journal_stream_from_a_parent_is_ignored(self):
        self.start(dict(os.environ, JOURNAL_STREAM="1:1"))
        ready = [l for l in self.d.read_log().splitlines() if "dnsd ready" in l]
        self.assertRegex(ready[0], r"^\d{4}-\d\d-\d\dT.* info dnsd ready")


class StartedAsItsUser(unittest.TestCase):
    """systemd's User=dnsd starts dnsd as the user its config names: no drop is needed, and
    none is tried (setgroups would fail without root)."""

    def test_runs_when_already_the_configured_user(self):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to start dnsd as another user")
        d = Dnsd(server_extra='user = "nobody"')
        os.chmod(d.dir, 0o777)
        os.makedirs(os.path.join(d.dir, "state"), exist_ok=True)
        os.chmod(os.path.join(d.dir, "state"), 0o777)
        d.starts += 1
        d.log = open(d.log_path, "a")
        d.proc = subprocess.Popen(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                   dnsd_harness.DNSD, "-c", d.config],
                                  stdout=d.log, stderr=subprocess.STDOUT)
        try:
            d.wait_ready()
            self.assertIn("running as nobody already", d.read_log())
            self.assertEqual(d.dig("www.example.com", "A").status, "NOERROR")
        finally:
            d.stop()


class SentinelUnderManager(unittest.TestCase):
    def test_ready_reloading_watchdog_stopping(self):
        notify = NotifySocket()
        c = Cluster(n=2, driver="none")
        try:
            saved = dict(os.environ)
            os.environ.update(manager_env(notify, watchdog_usec=400000))
            try:
                c.start(wait_published=False)
            finally:
                os.environ.clear()
                os.environ.update(saved)
            notify.wait(lambda m: "READY=1" in m and "watching 2 nodes" in m, 10, "READY=1")
            wait_for(lambda: sum("WATCHDOG=1" in m for m in notify.poll()) >= 3, 5,
                     "3 watchdog pings")
            before = len(notify.poll())
            c.proc.send_signal(signal.SIGHUP)
            notify.wait(lambda m: "READY=1" in m and "last reload ok" in m, 5,
                        "READY=1 after the reload")
            after = notify.poll()[before:]
            reloading = next(i for i, m in enumerate(after) if "RELOADING=1" in m)
            self.assertIn("MONOTONIC_USEC", after[reloading])
            self.assertLess(reloading, next(i for i, m in enumerate(after) if "last reload ok" in m))
            c.proc.send_signal(signal.SIGTERM)
            notify.wait(lambda m: "STOPPING=1" in m, 5, "STOPPING=1 after SIGTERM")
        finally:
            c.stop()
            notify.close()


    def test_repeated_sigterm_during_shutdown_exits_cleanly(self):
        c = Cluster(n=2, driver="none")
        try:
            c.start(wait_published=False)
            wait_for(lambda: "watching 2 nodes" in c.read_log(), 10, "sentinel running")
            rc = terminate_repeatedly(c.proc)
            self.assertEqual(rc, 0, c.read_log()[-2000:])
        finally:
            c.stop()


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
