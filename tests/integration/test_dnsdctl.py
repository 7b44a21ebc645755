"""dnsdctl against a running dnsd: every command in text and --json, stats that move,
reload (all and one zone) after editing the zone file, the journal after an nsupdate, the
socket's mode, stale and live sockets at start, clients that send garbage or hang up, and
the one-line errors when no dnsd answers."""
import json
import os
import re
import socket
import stat
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import KEY_NAME, KEY_SECRET, KEYS_TOML, ZONE, Dnsd, nsupdate, wait_for

DNSDCTL = os.environ.get("DNSDCTL", "build/dnsd/ctl/dnsdctl")
ZONE_EXTRA = 'update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]'
TSIG = "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)
SERIAL = 2024010101


def ctl(*args):
    return subprocess.run([DNSDCTL] + list(args), capture_output=True, text=True, timeout=30)


def with_serial(serial, extra=""):
    return ZONE.replace(str(SERIAL), str(serial), 1) + extra


def raw(path, data, read=True, eof=False):
    """Sends `data` on the control socket (then end of file with `eof`); returns what came
    back (b"" when closed)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    try:
        deadline = time.time() + 10
        while True:
            try:
                s.connect(path)
                break
            except BlockingIOError:  # the listen backlog is full for a moment
                if time.time() > deadline:
                    raise
                time.sleep(0.01)
        s.sendall(data)
        if eof:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while read:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
        return out
    except (ConnectionResetError, BrokenPipeError):
        return b""
    finally:
        s.close()


class Dnsdctl(unittest.TestCase):
    """One dnsd for the commands (each test leaves it serving)."""

    @classmethod
    def setUpClass(cls):
        cls.d = Dnsd(zone_extra=ZONE_EXTRA, tail=KEYS_TOML).start()
        cls.sock = os.path.join(cls.d.dir, "state", "control.sock")

    @classmethod
    def tearDownClass(cls):
        cls.d.stop()

    def ctl(self, *args, ok=True):
        p = ctl("-c", self.d.config, *args)
        self.assertEqual(p.returncode, 0 if ok else 1, "dnsdctl %s: %s%s" % (args, p.stdout, p.stderr))
        return p

    def json(self, *args):
        return json.loads(self.ctl("--json", *args).stdout)["result"]

    def serial(self):
        return self.json("zone", "example.com")["serial"]

    def test_status(self):
        text = self.ctl("status").stdout
        for line in ("identity     it1", "zones        1", "state        ready", "workers      1",
                     "listen       %s:%d" % (self.d.host, self.d.port)):
            self.assertIn(line + "\n", text)
        s = self.json("status")
        self.assertEqual(s["pid"], self.d.proc.pid)
        self.assertEqual(s["version"], subprocess.run([dnsd_harness.DNSD, "--version"],
                         capture_output=True, text=True).stdout.split()[-1])
        self.assertGreaterEqual(s["uptime_seconds"], 0)
        # -s finds the same dnsd as -c.
        p = ctl("-s", self.sock, "--json", "status")
        self.assertEqual(json.loads(p.stdout)["result"]["pid"], self.d.proc.pid)

    def test_zones_and_zone(self):
        lines = self.ctl("zones").stdout.splitlines()
        self.assertEqual(lines[0].split(), ["ZONE", "SERIAL", "NAMES", "LAST", "CHANGE", "JOURNAL",
                                            "HEALTH"])
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[1].startswith("example.com.  "), lines[1])
        self.assertTrue(lines[1].endswith("  ok"), lines[1])
        z = self.json("zone", "EXAMPLE.com")
        self.assertEqual(z["name"], "example.com.")
        self.assertEqual(z["file"], os.path.join(self.d.dir, "example.com.zone"))
        self.assertEqual(z["journal_path"], os.path.join(self.d.dir, "state", "example.com.journal"))
        self.assertEqual(z["update_keys"], ["sentinel."])
        self.assertTrue(z["journal_trusted"])
        text = self.ctl("zone", "example.com").stdout
        self.assertIn("update keys      sentinel.\n", text)
        self.assertIn("journal health   trusted\n", text)
        p = self.ctl("zone", "nope.test", ok=False)
        self.assertEqual(p.stderr, "dnsdctl: no such zone: nope.test.\n")

    def test_stats_move_after_queries(self):
        before = self.json("stats")
        for _ in range(3):
            self.assertEqual(self.d.dig("www.example.com", "A").status, "NOERROR")
        self.assertEqual(self.d.dig("nope.example.com", "A").status, "NXDOMAIN")
        after = self.json("stats")
        self.assertGreaterEqual(after["udp_queries"], before["udp_queries"] + 4)
        self.assertGreaterEqual(after["responses_by_rcode"]["NOERROR"],
                                before["responses_by_rcode"]["NOERROR"] + 3)
        self.assertGreaterEqual(after["responses_by_rcode"]["NXDOMAIN"],
                                before["responses_by_rcode"]["NXDOMAIN"] + 1)
        self.assertRegex(self.ctl("stats").stdout, r"responses +NOERROR \d+, NXDOMAIN \d+\n")

    def test_reload_after_editing_the_zone_file(self):
        path = os.path.join(self.d.dir, "example.com.zone")
        s0 = self.serial()
        with open(path, "w") as f:
            f.write(with_serial(s0 + 10, "reloaded A 192.0.2.77\n"))
        p = self.ctl("reload")
        self.assertEqual(p.stdout, "reload ok: dnsd.toml and every zone file (1 zone(s) served)\n")
        self.assertEqual(self.serial(), s0 + 10)
        self.assertEqual(self.d.dig("reloaded.example.com", "A").rdata(), ["192.0.2.77"])
        status = self.json("status")
        self.assertTrue(status["last_reload"]["ok"])
        # One zone: its file again, through the same load path.
        with open(path, "w") as f:
            f.write(with_serial(s0 + 20, "zone-only A 192.0.2.78\n"))
        self.assertEqual(self.ctl("reload", "example.com").stdout,
                         "reload ok: zone example.com. (its file and journal)\n")
        self.assertEqual(self.serial(), s0 + 20)
        self.assertEqual(self.d.dig("zone-only.example.com", "A").rdata(), ["192.0.2.78"])
        self.assertEqual(self.d.dig("reloaded.example.com", "A").status, "NXDOMAIN")
        # A broken file: exit 1 with the error, the old content still served.
        with open(path, "w") as f:
            f.write(with_serial(s0 + 30, "broken A not-an-address\n"))
        for args in (("reload",), ("reload", "example.com")):
            p = self.ctl(*args, ok=False)
            self.assertTrue(p.stderr.startswith("dnsdctl: reload failed: still serving the previous "
                                                "config and zones\n  " + path + ":"), p.stderr)
        self.assertEqual(self.serial(), s0 + 20)
        self.assertFalse(self.json("status")["last_reload"]["ok"])
        self.assertIn("FAILED", self.ctl("status").stdout)
        self.ctl("reload", "nope.test", ok=False)
        with open(path, "w") as f:
            f.write(with_serial(s0 + 40))
        self.ctl("reload")

    def test_journal_after_nsupdate(self):
        before = self.json("journal", "example.com")
        p = nsupdate(self.d.host, self.d.port, ["zone example.com",
                     "update add ctl.example.com 60 A 192.0.2.99", "send"], key=TSIG)
        self.assertEqual(p.returncode, 0, p.stderr)
        j = self.json("journal", "example.com")
        self.assertEqual(j["entries"], before["entries"] + 1)
        self.assertGreater(j["bytes"], before["bytes"])
        self.assertTrue(j["trusted"])
        self.assertEqual(j["last"][-1]["to"], self.serial())
        self.assertEqual(j["last"][-1]["from"], self.serial() - 1)
        self.assertEqual((j["last"][-1]["added"], j["last"][-1]["deleted"]), (1, 0))
        text = self.ctl("journal", "example.com").stdout
        self.assertRegex(text, r"SERIAL FROM +TO +ADDED +DELETED\n(.*\n)*%d +%d +1 +0\n"
                         % (self.serial() - 1, self.serial()))
        self.assertEqual(self.json("zone", "example.com")["journal_entries"], j["entries"])

    def test_unknown_command_and_bad_arguments_never_reach_dnsd(self):
        p = ctl("-s", "/nonexistent/dnsd.ctl", "bogus")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.splitlines()[0], 'dnsdctl: unknown command "bogus"')
        for c in ("status", "zones", "zone ZONE", "stats", "reload [ZONE]", "journal ZONE"):
            self.assertRegex(p.stderr, r"\n  %s +\S" % re.escape(c))
        p = ctl("-s", "/nonexistent/dnsd.ctl", "zone")
        self.assertEqual((p.returncode, p.stderr), (1, "dnsdctl: usage: zone ZONE\n"))

    def test_socket_is_mode_0600(self):
        st = os.lstat(self.sock)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(st.st_uid, os.geteuid())

    def test_garbage_clients_get_errors_and_do_not_hurt_dnsd(self):
        for data in (b"garbage\n", b"\xff\xfe\x00\n", b"[1,2]\n", b'{"command": 5}\n',
                     b'{"command": "nope"}\n', b'{"command": "zone", "args": [1]}\n'):
            answer = json.loads(raw(self.sock, data))
            self.assertFalse(answer["ok"], data)
            self.assertTrue(answer["error"], data)
        # Too long: an error (or a reset while still sending), then closed.
        out = raw(self.sock, b"x" * 70000)
        if out:
            self.assertIn(b"request longer than 65536 bytes", out)
        # A request without a newline, then end of file: still answered.
        self.assertTrue(json.loads(raw(self.sock, b'{"command": "status"}', eof=True))["ok"])
        # Clients that hang up before their answer (dnsd must not die of SIGPIPE), and one
        # that connects and says nothing.
        for _ in range(30):
            raw(self.sock, b'{"command": "stats"}\n', read=False)
        silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        silent.connect(self.sock)
        try:
            self.assertIsNone(self.d.proc.poll())
            self.assertEqual(self.json("status")["pid"], self.d.proc.pid)
            self.assertEqual(self.d.dig("www.example.com", "A").status, "NOERROR")
        finally:
            silent.close()


class Lifecycle(unittest.TestCase):
    """Socket files at start and exit; dnsdctl when no dnsd answers."""

    def setUp(self):
        self.procs = []

    def tearDown(self):
        for d in self.procs:
            d.stop()

    def dnsd(self, sock, start=True):
        d = Dnsd(tail='\n[control]\nsocket = "%s"\n' % sock)
        self.procs.append(d)
        return d.start() if start else d

    def test_stopped_dnsd_stale_and_live_sockets(self):
        first = self.dnsd("ctl.sock")
        sock = os.path.join(first.dir, "ctl.sock")
        self.assertEqual(ctl("-c", first.config, "status").returncode, 0)
        # Another dnsd on the same socket while the first answers: refused at start.
        second = self.dnsd(sock, start=False)
        second.start(wait=False)
        second.proc.wait(timeout=10)
        self.assertEqual(second.proc.returncode, 1)
        self.assertIn('control.socket = "%s": another process (a dnsd already running?) answers '
                      "on it" % sock, second.read_log())
        self.assertEqual(ctl("-c", first.config, "--json", "status").returncode, 0)
        # Stopped: the socket is gone and dnsdctl says so in one line.
        first.stop()
        self.assertFalse(os.path.exists(sock))
        p = ctl("-c", first.config, "status")
        self.assertEqual((p.returncode, p.stdout), (1, ""))
        self.assertEqual(p.stderr, "dnsdctl: no dnsd answers on %s: no such socket (is dnsd "
                                   "running? is this its [control] socket?)\n" % sock)
        # A socket file left behind by a dead dnsd: refused, then replaced at the next start.
        dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        dead.bind(sock)
        dead.close()
        p = ctl("-s", sock, "status")
        self.assertEqual((p.returncode, p.stderr), (1, "dnsdctl: no dnsd answers on %s: connection "
                                                       "refused (is dnsd running?)\n" % sock))
        first.start()
        self.assertIn("replaced a stale socket file", first.read_log())
        self.assertEqual(ctl("-s", sock, "status").returncode, 0)
        # A file that is not a socket is never removed.
        first.stop()
        with open(sock, "w") as f:
            f.write("not a socket")
        first.start(wait=False)
        first.proc.wait(timeout=10)
        self.assertEqual(first.proc.returncode, 1)
        self.assertIn("exists and is not a socket; not replaced", first.read_log())
        self.assertTrue(os.path.isfile(sock))

    def test_socket_off(self):
        d = self.dnsd("off")
        self.assertIn('control socket off', d.read_log())
        self.assertFalse(os.path.exists(os.path.join(d.dir, "state", "control.sock")))
        p = ctl("-c", d.config, "status")
        self.assertEqual(p.returncode, 1)
        self.assertIn('has [control] socket = "off"', p.stderr)


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
