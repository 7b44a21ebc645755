"""Randomized: four clients send 60 replicated updates to random nodes while three times a
random node is stopped and started again. At the end every node's AXFR (without the
self names) is identical and every acknowledged update is on every node."""
import random
import threading
import time
import unittest

import dnsd_harness
from replication_harness import Cluster


class RandomizedReplication(unittest.TestCase):

    def test_concurrent_updates_with_node_restarts(self):
        seed = int(time.time())
        rnd = random.Random(seed)
        print("seed", seed, flush=True)
        c = Cluster(timeout="1s").start()
        acked, lock = [], threading.Lock()
        todo = list(range(60))
        try:
            def client(k):
                r = random.Random(seed + k)
                while True:
                    with lock:
                        if not todo:
                            return
                        i = todo.pop()
                    node = r.choice(c.nodes)
                    if node.proc.poll() is not None:
                        node = c.nodes[0] if node is not c.nodes[0] else c.nodes[1]
                    op = ["update add r%d.example.com 60 TXT v%d" % (i, i)]
                    if i % 7 == 0:  # replace an earlier name too: order matters
                        op = ["update delete r%d.example.com TXT" % (i - 7)] + op
                    p = node.update(*op)
                    if p.returncode == 0:
                        with lock:
                            acked.append(i)

            threads = [threading.Thread(target=client, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            for _ in range(3):
                time.sleep(rnd.uniform(0.3, 1.0))
                victim = rnd.choice(c.nodes)
                victim.stop()
                time.sleep(rnd.uniform(0.2, 0.8))
                victim.start()
            for t in threads:
                t.join(timeout=60)
            axfr = c.wait_converged(timeout=15)
            names = {r.split()[0] for r in axfr}
            deleted = {i - 7 for i in range(60) if i % 7 == 0}  # acked or not, a delete may have landed
            missing = [i for i in acked if i not in deleted and "r%d.example.com." % i not in names]
            self.assertFalse(missing, "acknowledged but not on every node: %s" % missing)
            self.assertGreater(len(acked), 20, "too few updates were acknowledged to mean anything")
            print("acknowledged %d of 60 updates; every node holds all of them" % len(acked), flush=True)
        finally:
            c.stop()


if __name__ == "__main__":
    dnsd_harness.main()
