"""DNS cookies (RFC 7873, RFC 9018) against the real dnsd with dig +cookie: a server cookie
comes back, is accepted when sent again, a wrong one is replaced (never an error), nodes
sharing cookie_secret_file accept each other's cookies, a roll by SIGHUP keeps old cookies
working, malformed cookies get FORMERR with an OPT record (no cookie in it), and valid
cookies pass the rate limit."""
import os
import re
import signal
import socket
import struct
import time
import unittest

import dnsd_harness
from dnsd_harness import Dnsd, build_query, rcode

CLIENT = "2464c4abcf10c957"  # RFC 9018 A.1's client cookie
SECRET = "e5e973e5a6b2a43f48e7dc849e37bfcf"
NEW_SECRET = "445536bcd2513298075a5d379663c962"


def cookie_of(result):
    m = re.search(r"; COOKIE: ([0-9a-f]+)", result.text)
    return m.group(1) if m else None


def ask(server, cookie, *extra):
    # From 127.0.0.1 explicitly: the server cookie is bound to the client's address.
    return server.dig("www.example.com", "A", "+cookie=" + cookie, "-b", "127.0.0.1", *extra)


def write_secret(server, *lines):
    path = os.path.join(server.dir, "cookie.secret")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def query_with_cookie(cookie_hex, qid):
    """A query with an OPT record holding one COOKIE option."""
    q = bytearray(build_query("www.example.com", qid=qid))
    q[11] = 1  # ARCOUNT
    data = bytes.fromhex(cookie_hex)
    opt = struct.pack(">HH", 10, len(data)) + data
    return bytes(q) + b"\x00" + struct.pack(">HHIH", 41, 1232, 0, len(opt)) + opt


class Cookies(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = Dnsd()
        path = write_secret(cls.server, SECRET)
        cls.server.server_extra = 'cookie_secret_file = "%s"' % path
        cls.server.write_config()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def fresh_cookie(self):
        r = ask(self.server, CLIENT)
        self.assertEqual(r.status, "NOERROR")
        c = cookie_of(r)
        self.assertIsNotNone(c, r.text)
        return c

    def test_client_cookie_is_echoed_with_a_server_part(self):
        for proto in ("+notcp", "+tcp"):
            r = ask(self.server, CLIENT, proto)
            self.assertEqual(r.status, "NOERROR", proto)
            self.assertEqual(r.rdata(), ["192.0.2.10"])
            c = cookie_of(r)
            self.assertEqual(len(c), 48, proto)  # 8-byte client + 16-byte server cookie
            self.assertTrue(c.startswith(CLIENT), proto)
            self.assertEqual(c[16:24], "01000000", "RFC 9018 4.2: version 1, reserved 0")
            self.assertLess(abs(int(c[24:32], 16) - time.time()), 60, "the timestamp is now")
            self.assertIn("(good)", r.text)  # dig's check that its client cookie came back

    def test_the_server_cookie_keeps_being_accepted(self):
        c = self.fresh_cookie()
        for proto in ("+notcp", "+tcp", "+notcp"):
            r = ask(self.server, c, proto)
            self.assertEqual(r.status, "NOERROR", proto)
            self.assertEqual(r.rdata(), ["192.0.2.10"])
            self.assertEqual(cookie_of(r), c, "a valid cookie younger than 30 min is echoed")

    def test_a_wrong_server_cookie_gets_a_fresh_one_not_an_error(self):
        c = self.fresh_cookie()
        for wrong in (c[:-2] + ("00" if c[-2:] != "00" else "11"),  # hash off
                      CLIENT + "0100000000000001" + "00" * 8,        # expired long ago
                      CLIENT + "aa" * 8):                            # someone else's, 8 bytes
            for proto in ("+notcp", "+tcp"):
                r = ask(self.server, wrong, proto)
                self.assertEqual(r.status, "NOERROR", (wrong, proto))  # never BADCOOKIE
                self.assertEqual(r.rdata(), ["192.0.2.10"])
                fresh = cookie_of(r)
                self.assertNotEqual(fresh, wrong)
                self.assertEqual(len(fresh), 48)
                self.assertEqual(cookie_of(ask(self.server, fresh)), fresh, "and it is good")

    def test_a_malformed_cookie_gets_formerr_with_an_opt(self):
        # RFC 7873 5.2.2: lengths below 8, 9..15 and above 40 bytes: FORMERR. RFC 6891
        # 6.1.1: the query had an OPT, so the FORMERR has one too (as BIND's does), bare:
        # the bad cookie is not echoed. dig would say "expected opt record in response".
        for hexlen in (14, 18, 30):
            for proto in ("+notcp", "+tcp"):
                r = ask(self.server, "ab" * (hexlen // 2), proto)
                self.assertEqual(r.status, "FORMERR", (hexlen, proto))
                self.assertNotIn("expected opt record", r.text, (hexlen, proto))
                self.assertEqual(r.edns_version, 0, r.text)  # "; EDNS: version: 0"
                self.assertIsNone(cookie_of(r), r.text)
        raw = self.server.udp(query_with_cookie("ab" * 41, qid=7))
        self.assertEqual(rcode(raw), 1)
        self.assertEqual(struct.unpack(">HHHH", raw[4:12]), (0, 0, 0, 1), "only the OPT")
        self.assertEqual(raw[12:], b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 0))
        self.assertEqual(self.server.dig("www.example.com", "A").status, "NOERROR")


class SharedSecret(unittest.TestCase):
    """Two nodes with the same cookie_secret_file accept each other's cookies; one with its
    own random secret does not."""

    def setUp(self):
        self.a = Dnsd()
        path = write_secret(self.a, SECRET)
        self.a.server_extra = 'cookie_secret_file = "%s"' % path
        self.a.write_config()
        self.b = Dnsd(server_extra='cookie_secret_file = "%s"' % path)
        self.lone = Dnsd()
        for s in (self.a, self.b, self.lone):
            s.start()

    def tearDown(self):
        for s in (self.a, self.b, self.lone):
            s.stop()

    def test_nodes_sharing_the_file_accept_each_others_cookies(self):
        from_a = cookie_of(ask(self.a, CLIENT))
        from_b = cookie_of(ask(self.b, CLIENT))
        self.assertEqual(cookie_of(ask(self.b, from_a)), from_a)
        self.assertEqual(cookie_of(ask(self.a, from_b)), from_b)
        self.assertIn("1 secret(s) from", self.a.read_log())
        # The control: a node with its own secret replaces the cookie.
        r = ask(self.lone, from_a)
        self.assertEqual(r.status, "NOERROR")
        self.assertNotEqual(cookie_of(r), from_a)
        self.assertIn("random secret", self.lone.read_log())

    def test_a_roll_by_sighup_keeps_old_cookies_working_then_retires_them(self):
        old = cookie_of(ask(self.a, CLIENT))
        # RFC 9018 5: new secret first, old one second: the old cookie is still valid and
        # answered with a cookie made with the new secret.
        write_secret(self.a, NEW_SECRET, SECRET)
        self.reload(self.a, 1)
        renewed = cookie_of(ask(self.a, old))
        self.assertNotEqual(renewed, old)
        self.assertEqual(cookie_of(ask(self.a, renewed)), renewed)
        self.assertNotEqual(cookie_of(ask(self.b, renewed)), renewed, "b has not rolled yet")
        self.assertEqual(cookie_of(ask(self.b, old)), old)
        # The old secret dropped: its cookie is now invalid, answered with a fresh one.
        write_secret(self.a, NEW_SECRET)
        self.reload(self.a, 2)
        fresh = cookie_of(ask(self.a, old))
        self.assertNotEqual(fresh, old)
        self.assertEqual(cookie_of(ask(self.a, fresh)), fresh)

    def test_a_bad_secret_file_on_reload_keeps_the_old_secret(self):
        c = cookie_of(ask(self.a, CLIENT))
        write_secret(self.a, "not-hex")
        self.a.signal(signal.SIGHUP)
        deadline = time.time() + 10
        while "reload failed" not in self.a.read_log() and time.time() < deadline:
            time.sleep(0.05)
        log = self.a.read_log()
        self.assertIn("cookie.secret:1: cookie secret: character 1 is not a hex digit", log)
        self.assertNotIn("not-hex", log)
        self.assertEqual(cookie_of(ask(self.a, c)), c)

    def reload(self, server, n):
        server.signal(signal.SIGHUP)
        deadline = time.time() + 10
        while server.read_log().count("reload ok") < n and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(server.read_log().count("reload ok"), n, server.read_log())


class RateLimit(unittest.TestCase):
    """RRL (1 response per second, slip 0: drop the rest) lets valid cookies through."""

    @classmethod
    def setUpClass(cls):
        cls.server = Dnsd(tail="[rrl]\nresponses_per_second = 1\nslip = 0\n")
        cls.server.write_config()
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def burst(self, cookie_hex):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        s.settimeout(0.5)
        for qid in range(20):
            s.sendto(query_with_cookie(cookie_hex, qid), (self.server.host, self.server.port))
        got = 0
        try:
            while True:
                s.recv(65535)
                got += 1
        except socket.timeout:
            pass
        s.close()
        return got

    def test_valid_cookies_are_exempt(self):
        r = ask(self.server, CLIENT)
        valid = cookie_of(r)
        time.sleep(1.1)  # a new one-second window
        self.assertEqual(self.burst(valid), 20)
        time.sleep(1.1)
        self.assertLessEqual(self.burst(CLIENT), 2, "a client cookie alone proves nothing")
        time.sleep(1.1)
        wrong = valid[:-2] + ("00" if valid[-2:] != "00" else "11")
        self.assertLessEqual(self.burst(wrong), 2, "nor does a wrong server cookie")


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
