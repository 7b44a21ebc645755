"""netns_harness and etcd_harness together: partitions drop packets silently (a connect
times out, nothing is refused), a heal restores them, and an etcd cluster with a member in
each namespace keeps its majority when one member is isolated, while the isolated one
cannot serve a linearizable read; all namespaces are gone afterwards."""
import subprocess
import sys
import time
import unittest

from dnsd_harness import main, require, wait_for
from etcd_harness import EtcdCluster
from netns_harness import Netns, available

CONNECT = """import socket, sys, time
t = time.time()
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1.0).close()
    print("connected")
except socket.timeout:
    print("timeout")
except OSError as e:
    print("error", e.errno)
"""


class NetnsEtcdTest(unittest.TestCase):
    def test_silent_partitions_and_etcd_majority(self):
        names = ["e0", "e1", "e2", "c"]
        with Netns(names) as net:
            tag = net.tag
            etcd = EtcdCluster(3, hosts=[net.ip(e) for e in names[:3]], ports=(2379, 2380),
                               wrap=lambda i: net.argv(names[i]),
                               popen=lambda argv, **kw: net.track(subprocess.Popen(argv, **kw)))
            try:
                etcd.start(wait=True, timeout=30)

                def connect(src, dst):
                    return net.run(src, [sys.executable, "-c", CONNECT, net.ip(dst), "2379"],
                                   capture_output=True, text=True, timeout=20).stdout.strip()
                self.assertEqual(connect("c", "e0"), "connected")
                net.cut("c", "e0")
                self.assertFalse(net.reachable("c", "e0"))
                self.assertEqual(connect("c", "e0"), "timeout")   # silent: no RST, no ICMP
                self.assertEqual(connect("c", "e1"), "connected")
                net.heal("c", "e0")
                self.assertEqual(connect("c", "e0"), "connected")

                net.isolate("e0")
                self.assertEqual(connect("e0", "e1"), "timeout")
                t0 = time.time()
                wait_for(lambda: not etcd.members[0].healthy(1.0), 20, "isolated e0 to lose quorum")
                etcd.wait_healthy(20, members=etcd.members[1:])  # the majority goes on
                self.assertLess(time.time() - t0, 20)
                net.heal()
                etcd.wait_healthy(20)
                etcd.kill_member(1)
                etcd.wait_healthy(20, members=[etcd.members[0], etcd.members[2]])
                etcd.start_member(1, wait=True)
            finally:
                etcd.stop()
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn(tag, listed)


if __name__ == "__main__":
    require(["ip", "etcd", "etcdctl"], root=True)
    if available():
        print("SKIP: network namespaces need " + available(), flush=True)
        sys.exit(77)
    main()
