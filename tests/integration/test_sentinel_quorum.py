#!/usr/bin/env python3
"""A quorum of sentinels on real etcd (docs/sentinel.md "High availability"): 3 etcd members
and 3 sentinels on loopback over the 3 dnsd nodes and their tunnel stand-ins. One leader;
a sentinel cut off from the master alone changes nothing; the master's death fails over
once, with one new epoch, within interval x fall + lease + 1 s; the leader's death hands the
lead on within lease + a round; etcd gone means no decision and the last good records, and
the decision follows once etcd is back. Prints the measured failover and take-over times."""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

from dnsd_harness import main, require
from etcd_harness import EtcdCluster
from sentinel_harness import SENTINEL, Cluster, free_tcp_port, wait_until

INTERVAL, FALL, LEASE = 0.2, 2, 2.0
FAILOVER_BOUND = INTERVAL * FALL + LEASE + 1.0
# The bound for a new leader after kill -9 of the old one, at any instant: lease + one
# probe round. The lease's TTL in etcd is chosen to meet it (1 s here: the key goes at most
# 1.5 s after the last keepalive, etcd expiring leases in 500 ms steps) and the leader-key
# watch lets a follower take it at once; what is left covers the status poll.
ETCD_TTL = 1.0
TAKEOVER_BOUND = LEASE + INTERVAL


class Sentinel:
    def __init__(self, cluster, sid, etcd, extra_config=None):
        self.id = sid
        self.cluster = cluster
        self.port = free_tcp_port("127.0.0.1")
        self.log_path = os.path.join(cluster.dir, sid + ".log")
        self.config = os.path.join(cluster.dir, sid + ".toml")
        self.etcd = etcd
        self.proc = None
        self.write(extra_config)

    def write(self, cut_off_from=None):
        """`cut_off_from`: a node this sentinel's probes cannot reach (its dnsd and health
        URL point at a loopback port nobody listens on), as if a partition separated them."""
        with open(self.cluster.config) as f:
            text = f.read()
        text = text.replace('id = "s1"', 'id = "%s"' % self.id, 1)
        text = text.replace("state/state.json", "state/%s.json" % self.id)
        text = text.replace('api_listen = "127.0.0.1:%d"' % self.cluster.api_port,
                            'api_listen = "127.0.0.1:%d"' % self.port)
        if cut_off_from:
            nd = self.cluster.node(cut_off_from)
            dead = free_tcp_port(nd.host)
            t = self.cluster.tunnels[cut_off_from]
            text = text.replace('dns = "%s:%d"' % (nd.host, nd.port), 'dns = "%s:%d"' % (nd.host, dead))
            text = text.replace("http://%s:%d/health" % (t.host, t.port),
                                "http://%s:%d/health" % (t.host, dead))
        # lb1's fence hook logs its arguments and the time, to show it runs before the promote.
        hook = '"/bin/sh", "-c", "echo $(date +%%s.%%N) \\"$@\\" >> %s/fence.log", "fence-hook"' % self.cluster.dir
        text = text.replace('name = "lb1"\n', 'name = "lb1"\nfence = [%s]\n' % hook, 1)
        text += ("\n[coordination]\netcd = [%s]\nprefix = \"/dnsgtm-it/\"\n"
                 "sentinels = [\"s1\", \"s2\", \"s3\"]\nquorum = 2\nlease = \"%ds\"\n"
                 % (", ".join('"%s"' % e for e in self.etcd.endpoints()), int(LEASE)))
        with open(self.config, "w") as f:
            f.write(text)

    def start(self):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([SENTINEL, "run", "-c", self.config], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        wait_until(lambda: self.status() is not None, 15, what="sentinel %s API" % self.id)
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.alive():
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        return self.proc.returncode if self.proc else 0

    def cli(self, *args):
        return subprocess.run([SENTINEL] + list(args) + ["-c", self.config], capture_output=True,
                              text=True, timeout=30)

    def status(self):
        if not self.alive():
            return None
        r = self.cli("status", "--json")
        try:
            return json.loads(r.stdout) if r.returncode == 0 else None
        except ValueError:
            return None

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()


class QuorumTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        try:
            cls.start_all()
        except BaseException:
            cls.tearDownClass()  # unittest does not when setUpClass fails: stop what started
            raise

    @classmethod
    def start_all(cls):
        cls.s = {}
        cls.c = Cluster(n=3, driver="http", interval="200ms", fall=FALL, rise=2, cooldown="1s",
                        reconcile="2s")
        # Election timeout 500 ms: etcd's minimum lease TTL (1.5 x it) stays at the 1 s asked.
        cls.etcd = EtcdCluster(3, workdir=os.path.join(cls.c.dir, "etcd"), election_ms=500)
        cls.etcd.start()
        for nd in cls.c.nodes:
            nd.start()
        for t in cls.c.tunnels.values():
            t.start()
        for sid in ("s1", "s2", "s3"):
            cls.s[sid] = Sentinel(cls.c, sid, cls.etcd)
        for s in cls.s.values():
            s.start()
        # Bootstrap waits for every node's objective verdict: the best node, not the first.
        cls.c.wait_master("lb1", timeout=30)

    @classmethod
    def tearDownClass(cls):
        bad = []
        for s in cls.s.values():
            rc = s.stop()
            log = s.read_log() if os.path.exists(s.log_path) else ""
            if rc not in (0, -9) or "Sanitizer" in log:
                bad.append("%s exited %s:\n%s" % (s.id, rc, log[-3000:]))
        for t in cls.c.tunnels.values():
            t.stop()
        for nd in cls.c.nodes:
            nd.stop()
        if getattr(cls, "etcd", None):
            cls.etcd.stop()
        if os.environ.get("KEEP_TMP") is None:
            shutil.rmtree(cls.c.dir, ignore_errors=True)
        if bad:
            raise AssertionError("\n".join(bad))

    # ---- helpers --------------------------------------------------------------------------
    def live(self):
        return [s for s in self.s.values() if s.alive()]

    def leader(self):
        """The id every live sentinel agrees leads (and the leader says it may act), else None."""
        sts = [s.status() for s in self.live()]
        if not sts or any(st is None for st in sts):
            return None
        leaders = {st["coordination"]["leader"] for st in sts}
        if len(leaders) != 1:
            return None
        lid = leaders.pop()
        own = next((st for st in sts if st["id"] == lid), None)
        return lid if own and own["coordination"]["may_act"] else None

    def promotes(self):
        return {n: t.calls("promote") for n, t in self.c.tunnels.items()}

    def epoch_on(self, nd):
        txt = self.c.txt(nd)
        for part in txt.replace('"', "").split():
            if part.startswith("epoch="):
                return int(part[len("epoch="):])
        return None

    # ---- the tests, in order --------------------------------------------------------------
    def test_1_one_leader_and_every_view(self):
        lid = wait_until(self.leader, 15, what="one leader")
        st = self.s["s2"].status()
        co = st["coordination"]
        self.assertEqual(co["mode"], "quorum")
        self.assertEqual(co["quorum"], 2)
        self.assertEqual(co["lease_ms"], LEASE * 1000)
        self.assertEqual(co["etcd_ttl_ms"], ETCD_TTL * 1000)
        self.assertTrue(co["quorum_holds"])
        self.assertEqual(co["leader"], lid)
        self.assertIsNotNone(co["leader_since_ms"])
        self.assertEqual(sorted(x["id"] for x in co["sentinels"]), ["s1", "s2", "s3"])
        for x in co["sentinels"]:
            self.assertTrue(x["live"], x)
            self.assertEqual(x["nodes"]["lb1"]["health"], "up", x)
        text = self.s["s3"].cli("status").stdout
        self.assertIn("leader " + lid, text)
        self.assertIn("quorum 2 of 3", text)
        expl = "\n".join(json.loads(self.s["s1"].cli("explain", "lb1", "--json").stdout)["lines"])
        self.assertIn("sentinels: down by none; up by s1, s2, s3", expl)
        self.assertTrue(self.etcd.get("/dnsgtm-it/state"))

    def test_2_minority_cut_off_from_the_master_fails_nothing_over(self):
        """The leader itself is cut off from a healthy master: it sees it down (SDOWN), the
        other two do not, so it is no ODOWN and nothing fails over."""
        wait_until(self.leader, 15, what="one leader")
        before = {nd.name: self.epoch_on(nd) for nd in self.c.nodes}
        promotes = sum(len(v) for v in self.promotes().values())
        cut = self.s["s3"]
        for s in self.s.values():
            s.stop()  # SIGTERM revokes each lease: no key outlives its sentinel
        cut.write(cut_off_from="lb1")
        cut.start()
        wait_until(lambda: (cut.status() or {}).get("coordination", {}).get("may_act"), 10,
                   what="s3 (cut off from lb1) leads")
        self.s["s1"].start()
        self.s["s2"].start()
        wait_until(lambda: [x["nodes"].get("lb1", {}).get("health") for x in
                            (cut.status() or {}).get("coordination", {}).get("sentinels", [])]
                   == ["up", "up", "down"], 10, what="s3's SDOWN of lb1 beside two up opinions")
        time.sleep(FAILOVER_BOUND)  # long enough for a failover, were it to happen
        self.assertEqual(self.leader(), "s3")
        expl = "\n".join(json.loads(cut.cli("explain", "lb1", "--json").stdout)["lines"])
        self.assertIn("sentinels: down by s3; up by s1, s2", expl)
        self.assertIn("up for a quorum", expl)
        self.assertEqual({nd.name: self.epoch_on(nd) for nd in self.c.nodes}, before)
        self.assertEqual(sum(len(v) for v in self.promotes().values()), promotes)
        self.c.wait_master("lb1", timeout=2, nodes=[self.c.node("lb2"), self.c.node("lb3")])
        cut.stop()
        cut.write()
        cut.start()
        wait_until(self.leader, 15, what="a leader again")

    def test_3_killed_leader_hands_the_lead_on(self):
        lid = wait_until(self.leader, 15, what="one leader")
        t0 = time.time()
        self.s[lid].stop(signal.SIGKILL)
        new = wait_until(lambda: (lambda x: x if x and x != lid else None)(self.leader()),
                         TAKEOVER_BOUND + 5, step=0.05, what="a new leader")
        took = time.time() - t0
        print("MEASURED leader take-over: %.2f s (lease %.0f s; %s -> %s)" % (took, LEASE, lid, new),
              flush=True)
        self.assertLessEqual(took, TAKEOVER_BOUND)
        self.s[lid].start()
        wait_until(self.leader, 15, what="a leader with three sentinels")

    def test_4_dead_master_fails_over_once_with_one_new_epoch(self):
        wait_until(self.leader, 15, what="one leader")
        lb1, lb2 = self.c.node("lb1"), self.c.node("lb2")
        epoch = self.epoch_on(lb2)
        before = self.promotes()
        t0 = time.time()
        lb1.kill()
        self.c.tunnels["lb1"].stop()
        self.c.wait_master("lb2", timeout=FAILOVER_BOUND + 5, nodes=[lb2, self.c.node("lb3")])
        took = time.time() - t0
        print("MEASURED failover with 3 sentinels: %.2f s (interval %.1f s, fall %d, lease %.0f s)"
              % (took, INTERVAL, FALL, LEASE), flush=True)
        self.assertLessEqual(took, FAILOVER_BOUND)
        time.sleep(1.0)  # a second promote, were one to come, would be logged by now
        after = self.promotes()
        new_calls = {n: after[n][len(before[n]):] for n in after}
        self.assertEqual(len(new_calls["lb2"]), 1, new_calls)
        self.assertEqual(new_calls["lb3"], [])
        self.assertEqual(new_calls["lb2"][0]["epoch"], epoch + 1)
        self.assertEqual(self.epoch_on(lb2), epoch + 1)
        self.assertEqual(self.epoch_on(self.c.node("lb3")), epoch + 1)
        # The fence hook of the old master ran once, at the new epoch, before the promote.
        with open(os.path.join(self.c.dir, "fence.log")) as f:
            fenced = [line.split() for line in f if line.strip()]
        self.assertEqual([x[1:] for x in fenced], [["fence", "lb1", str(epoch + 1), "lb2"]])
        self.assertLess(float(fenced[0][0]), new_calls["lb2"][0]["at"])

    def test_5_etcd_gone_no_decision_then_recovery(self):
        wait_until(self.leader, 15, what="one leader")
        lb2, lb3 = self.c.node("lb2"), self.c.node("lb3")
        epoch = self.epoch_on(lb3)
        self.etcd.stop()
        for s in self.live():
            wait_until(lambda: (s.status() or {}).get("coordination", {}).get("status")
                       == "coordination unavailable", 10, what="%s: coordination unavailable" % s.id)
        text = self.s["s1"].cli("status").stdout
        self.assertIn("coordination unavailable", text)
        promotes = sum(len(v) for v in self.promotes().values())
        # The master's dnsd dies while no sentinel can reach etcd: nothing is decided. Its
        # tunnel server lives on, still serving its clients.
        lb2.kill()
        time.sleep(FAILOVER_BOUND)
        self.assertEqual(sum(len(v) for v in self.promotes().values()), promotes)
        self.assertEqual(self.epoch_on(lb3), epoch)
        self.c.wait_master("lb2", timeout=1, nodes=[lb3])  # the last good records stay
        # etcd returns: the decision follows, and the old master is told to step down
        # (fencing) before lb3 is promoted.
        self.etcd.start(majority=True)
        self.c.wait_master("lb3", timeout=20, nodes=[lb3])
        self.assertEqual(self.epoch_on(lb3), epoch + 1)
        promoted = self.c.tunnels["lb3"].calls("promote")
        self.assertEqual([p["epoch"] for p in promoted], [epoch + 1])
        demoted = [d for d in self.c.tunnels["lb2"].calls("demote") if d["epoch"] == epoch + 1]
        self.assertEqual(len(demoted), 1, self.c.tunnels["lb2"].events())
        self.assertLess(demoted[0]["at"], promoted[0]["at"])

    def test_6_requests_on_a_follower_bad_data_in_etcd(self):
        lid = wait_until(self.leader, 15, what="one leader")
        follower = next(s for s in self.live() if s.id != lid)
        # Garbage and a lower epoch at <prefix>state: a logged fault on the followers, never
        # adopted, never a crash.
        self.etcd.put("/dnsgtm-it/state", "{not json")
        wait_until(lambda: "bad data in etcd" in follower.read_log(), 5, what="the fault logged")
        self.etcd.put("/dnsgtm-it/opinions/s9/lb3", '{"health": "down"}')
        r = follower.cli("drain", "lb1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("queued in etcd for the leader (%s)" % lid, r.stdout)
        wait_until(lambda: (lambda x: x if x and "lb1" in [n["name"] for n in x["nodes"] if n["drained"]]
                                 else None)(self.s[lid].status()), 10, what="lb1 drained by the leader")
        self.assertTrue(all(s.alive() for s in self.s.values()))
        # The leader notes the outcome once the drain's publish is done.
        wait_until(lambda: any(e["event"] == "+request-done" and e["node"] == "lb1" for e in
                               json.loads(self.s[lid].cli("history", "--json").stdout)["events"]),
                   10, what="+request-done lb1 in the leader's history")
        self.assertIn("sentinel s9 is not in coordination.sentinels", self.s[lid].read_log())
        r = follower.cli("undrain", "lb1")
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_until(lambda: not [n for n in self.s[lid].status()["nodes"] if n["drained"]], 10,
                   what="lb1 undrained")


if __name__ == "__main__":
    require(["etcd", "dig"])
    main()
