"""[log] queries: one line per answered query with its fields, and the
queries_per_second cap under a burst (the rest counted in a "not logged" summary)."""
import re
import socket
import unittest

import dnsd_harness
from dnsd_harness import Dnsd, build_query, wait_for

LINE = re.compile(r"query client=(\S+) qname=(\S+) qtype=(\S+) rcode=(\S+) size=(\d+) "
                  r"latency_us=(\d+) transport=(udp|tcp)$", re.M)
SUMMARY = re.compile(r"query log: (\d+) queries not logged in the last second "
                     r"\(\[log\] queries_per_second = (\d+)\)")


class QueryLog(unittest.TestCase):

    def start(self, cap):
        d = Dnsd(tail="[log]\nqueries = true\nqueries_per_second = %d" % cap).start()
        self.addCleanup(d.stop)
        return d

    def test_lines_carry_the_fields(self):
        d = self.start(100)
        self.assertEqual(d.dig("www.example.com", "AAAA").status, "NOERROR")
        self.assertEqual(d.dig("nope.example.com", "A", "+tcp").status, "NXDOMAIN")
        wait_for(lambda: len(LINE.findall(d.read_log())) >= 2, 5, "two query log lines")
        lines = LINE.findall(d.read_log())
        udp = [l for l in lines if l[6] == "udp"][0]
        tcp = [l for l in lines if l[6] == "tcp"][0]
        self.assertRegex(udp[0], r"^127\.\d+\.\d+\.\d+:\d+$")  # dig sends from 127.0.0.1
        self.assertEqual(udp[1:4], ("www.example.com.", "AAAA", "NOERROR"))
        self.assertGreater(int(udp[4]), 12)
        self.assertEqual(tcp[1:4], ("nope.example.com.", "A", "NXDOMAIN"))

    def test_cap_holds_under_a_burst(self):
        cap, burst = 50, 300
        d = self.start(cap)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.settimeout(2)
        for i in range(burst):
            s.sendto(build_query("www.example.com", qid=i), (d.host, d.port))
        answered = 0
        try:
            while answered < burst:
                s.recv(4096)
                answered += 1
        except socket.timeout:
            pass
        self.assertEqual(answered, burst)

        def accounted():
            log = d.read_log()
            return len(LINE.findall(log)) + sum(int(n) for n, _ in SUMMARY.findall(log))

        wait_for(lambda: accounted() == burst, 5, "every query logged or counted as not logged")
        log = d.read_log()
        logged = len(LINE.findall(log))
        # A window opens at the burst's first line: the burst (well under a second) fits in it.
        self.assertLessEqual(logged, cap, log[-2000:])
        self.assertGreaterEqual(logged, 1)
        self.assertTrue(SUMMARY.search(log), log[-2000:])
        self.assertEqual({c for _, c in SUMMARY.findall(log)}, {str(cap)})


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
