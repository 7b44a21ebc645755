"""dnsd on the wire: EDNS0, NSID, CHAOS identity, TC then TCP, pipelining, opcodes, and
malformed packets followed by a good query."""
import socket
import struct
import subprocess
import unittest

import dnsd_harness
from dnsd_harness import DnsdTestCase, build_query, rcode


class Protocol(DnsdTestCase):

    def test_edns_echoed_and_badvers(self):
        r = self.server.dig("www.example.com", "A")
        self.assertEqual(r.edns_version, 0)
        self.assertRegex(r.text, r"udp: 1232")
        bad = self.server.dig("www.example.com", "A", "+edns=1", "+noednsnegotiation")
        self.assertEqual(bad.status, "BADVERS")
        self.assertEqual(bad.rrs(), [])

    def test_nsid(self):
        self.assertEqual(self.server.dig("www.example.com", "A", "+nsid").nsid, "it1")
        self.assertIsNone(self.server.dig("www.example.com", "A").nsid)

    def test_chaos_identity(self):
        for name in ("id.server", "hostname.bind"):
            r = self.server.dig(name, "TXT", "-c", "CH")
            self.assertEqual(r.status, "NOERROR", name)
            self.assertEqual(r.rdata(), ['"it1"'])
        self.assertEqual(self.server.dig("version.bind", "TXT", "-c", "CH").status, "REFUSED")

    def test_tc_over_udp_full_answer_over_tcp(self):
        for args in (["+noedns", "+ignore"], ["+bufsize=1232", "+ignore"]):
            r = self.server.dig("big.example.com", "TXT", *args)
            self.assertIn("tc", r.flags, args)
            self.assertEqual(r.rrs(), [])
        r = self.server.dig("big.example.com", "TXT")  # dig retries over TCP itself
        self.assertNotIn("tc", r.flags)
        self.assertEqual(len(r.rrs()), 40)
        r = self.server.dig("big.example.com", "TXT", "+tcp")
        self.assertEqual(len(r.rrs()), 40)

    def test_kdig_tcp_and_udp(self):
        for proto in ("+notcp", "+tcp"):
            p = subprocess.run(["kdig", "@%s" % self.server.host, "-p", str(self.server.port), proto,
                                "+norec", "www.example.com", "A"], capture_output=True, text=True,
                               timeout=20)
            self.assertIn("NOERROR", p.stdout)
            self.assertIn("192.0.2.10", p.stdout)

    def test_pipelined_tcp(self):
        payload = b""
        for qid in range(1, 11):
            q = build_query("www.example.com" if qid % 2 else "nope.example.com", qid=qid)
            payload += struct.pack(">H", len(q)) + q
        s = socket.create_connection((self.server.host, self.server.port), timeout=5)
        s.sendall(payload)
        buf, ids = b"", []
        while len(ids) < 10:
            chunk = s.recv(65535)
            if not chunk:
                break
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
                n = struct.unpack(">H", buf[:2])[0]
                msg = buf[2:2 + n]
                ids.append((struct.unpack(">H", msg[:2])[0], rcode(msg)))
                buf = buf[2 + n:]
        s.close()
        self.assertEqual(sorted(i for i, _ in ids), list(range(1, 11)))
        for qid, rc in ids:
            self.assertEqual(rc, 0 if qid % 2 else 3)

    def test_unknown_opcode_notimp(self):
        q = bytearray(build_query("www.example.com"))
        q[2] = (2 << 3)  # STATUS
        self.assertEqual(rcode(self.server.udp(bytes(q))), 4)

    def test_malformed_packets_then_good_query(self):
        good = build_query("www.example.com")
        header = struct.pack(">HHHHHH", 7, 0, 1, 0, 0, 0)
        opt = b"\x00" + struct.pack(">HHIH", 41, 1232, 0, 0)
        cases = {
            "short": (b"\x12\x34\x00", None),
            "truncated name": (header + b"\x07exam", 1),
            "compression loop": (header + b"\xc0\x0c\x00\x01\x00\x01", 1),
            "qdcount 0": (struct.pack(">HHHHHH", 7, 0, 0, 0, 0, 0), 1),
            "qdcount 2": (struct.pack(">HHHHHH", 7, 0, 2, 0, 0, 0) + good[12:] * 2, 1),
            "two OPT": (good[:11] + b"\x02" + good[12:] + opt + opt, 1),
            "OPT not root": (good[:11] + b"\x01" + good[12:] + b"\x01x" + opt[1:], 1),
            "response": (bytes([good[0], good[1], 0x80]) + good[3:], None),
            "garbage": (bytes(range(256)) * 2, None),
        }
        for name, (packet, want) in cases.items():
            # A reply is awaited longer than a silence (an ASan build on a busy machine).
            got = self.server.udp(packet, timeout=0.5 if want is None else 3.0)
            if want is None:
                self.assertTrue(got is None or rcode(got) == 1, name)
            else:
                self.assertIsNotNone(got, name)
                self.assertEqual(rcode(got), want, name)
        reply = self.server.udp(good)
        self.assertIsNotNone(reply)
        self.assertEqual(rcode(reply), 0)
        self.assertIsNone(self.server.proc.poll())

    def test_malformed_over_tcp_then_good(self):
        s = socket.create_connection((self.server.host, self.server.port), timeout=5)
        bad = struct.pack(">HHHHHH", 9, 0, 1, 0, 0, 0) + b"\xc0\x0c"
        good = build_query("www.example.com", qid=10)
        s.sendall(struct.pack(">H", len(bad)) + bad + struct.pack(">H", len(good)) + good)
        data = b""
        while len(data) < 4:
            data += s.recv(65535)
        n = struct.unpack(">H", data[:2])[0]
        while len(data) < 2 + n + 2:
            data += s.recv(65535)
        self.assertEqual(rcode(data[2:2 + n]), 1)
        s.close()


if __name__ == "__main__":
    dnsd_harness.require(["dig", "kdig"])
    dnsd_harness.main()
