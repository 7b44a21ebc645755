"""sentinel end to end on loopback: three real dnsd nodes, HMAC-verifying tunnel stand-ins
(or an exec hook), and the real sentinel daemon and CLI. Kill the master, bring it back,
repair a node that missed updates, kill -9 the sentinel mid-failover, promote and drain by
hand, and check that a stale decision is fenced."""
import json
import os
import signal
import stat
import subprocess
import time
import unittest
import urllib.error
import urllib.request

import dnsd_harness
from dnsd_harness import KEY_NAME, KEY_SECRET, failed, nsupdate
from sentinel_harness import ZONE, Cluster, wait_until

TSIG = "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)


def report(line):
    """Figures for the closing note, visible in the meson test log."""
    print("MEASURED " + line, flush=True)


class ClusterCase(unittest.TestCase):
    cluster_args = {}

    def setUp(self):
        self.c = Cluster(**self.cluster_args)
        try:
            self.c.start()
        except Exception:
            self.dump()
            self.c.stop()
            raise

    def tearDown(self):
        if failed(self) or os.environ.get("VERBOSE"):
            self.dump()
        self.c.stop()

    def dump(self):
        try:
            print("---- sentinel log ----\n" + self.c.read_log()[-6000:])
        except OSError:
            pass

    def lb(self, name):
        return self.c.node(name)

    def srv_targets(self, node):
        return [line.split()[0] + " " + line.split()[3].split(".")[0] for line in self.c.srv(node)]


class Failover(ClusterCase):
    cluster_args = dict(interval="200ms", fall=2)

    def test_kill_master_then_it_returns_as_a_replica(self):
        c = self.c
        lb1, lb2, lb3 = self.lb("lb1"), self.lb("lb2"), self.lb("lb3")
        self.assertEqual(self.srv_targets(lb2), ["0 lb1", "10 lb2", "20 lb3"])
        t0 = time.time()
        lb1.kill()
        c.wait_master("lb2", timeout=15, nodes=[lb2, lb3])
        elapsed = time.time() - t0
        report("failover (interval 200ms, fall 2): kill -9 of the master's dnsd -> new records "
               "on every surviving dnsd in %.2f s" % elapsed)
        self.assertLess(elapsed, 0.2 * 2 + 4)
        promotes = c.tunnels["lb2"].calls("promote")
        self.assertEqual([(p["epoch"], p["master"]) for p in promotes], [(2, "lb2")])
        for nd in (lb2, lb3):
            self.assertEqual(self.srv_targets(nd), ["0 lb2", "10 lb3"])
            self.assertEqual(nd.short("master", "A"), [lb2.host])
            self.assertEqual(nd.short("cluster", "A"), sorted([lb2.host, lb3.host]))
            self.assertIn('"epoch=2" "master=lb2" "by=s1"', c.txt(nd))
        # The records are served before the job's result reaches the loop: wait for the status.
        st = c.wait_status(lambda st: st["master"] == "lb2" and not st["busy"], 10, "master lb2")
        self.assertEqual((st["master"], st["epoch"]), ("lb2", 2))
        self.assertEqual({n["name"]: n["health"] for n in st["nodes"]}["lb1"], "down")
        self.assertIn("published on 2/3", st["published"])
        self.assertEqual(st["last_failover"]["detail"], "lb1 -> lb2")

        # The old master returns: told to step down first, then back as a replica.
        lb1.start()
        seen = wait_until(lambda: "10 lb1" in self.srv_targets(lb2) and self.srv_targets(lb2), 15,
                          what="lb1 back in the SRV set")
        demotes = c.tunnels["lb1"].calls("demote")
        self.assertTrue(demotes, "lb1 re-entered the SRV set before it was told to step down")
        self.assertEqual((demotes[0]["epoch"], demotes[0]["master"]), (2, "lb2"))
        self.assertEqual(seen, ["0 lb2", "10 lb1", "20 lb3"])
        wait_until(lambda: self.srv_targets(lb1) == ["0 lb2", "10 lb1", "20 lb3"] and
                   "master=lb2" in c.txt(lb1), 10, what="lb1's own dnsd repaired")
        self.assertEqual(c.status()["epoch"], 2)  # stepping down does not raise the epoch

    def test_a_node_that_missed_updates_is_repaired(self):
        c = self.c
        lb1, lb2, lb3 = self.lb("lb1"), self.lb("lb2"), self.lb("lb3")
        lb3.stop()
        wait_until(lambda: "20 lb3" not in self.srv_targets(lb2), 10, what="lb3 out of SRV")
        lb1.kill()
        c.wait_master("lb2", timeout=15, nodes=[lb2])
        lb3.start()  # it still serves the epoch-1 records from its journal
        c.wait_master("lb2", timeout=15, nodes=[lb3])
        # Settled first: lb3 back in the SRV set everywhere and no job running, so the only
        # writer left is the periodic reconcile (a publish for lb3's return would repair the
        # change below too, without a +reconciled event).
        wait_until(lambda: all(self.srv_targets(nd) == ["0 lb2", "10 lb3"] for nd in (lb2, lb3)), 15,
                   what="lb3 back in the SRV set")
        c.wait_status(lambda st: not st["busy"] and st["published"].startswith("published on 2/3"),
                      15, "settled, published on 2/3")
        # Records changed behind the sentinel's back are put back by the periodic reconcile.
        # The reconcile may repair them before this test reads them back, so the test does not
        # look for 192.0.2.99: dnsd acknowledged the change (it serves an update before it
        # answers it), so lb3 serving lb2 again afterwards means the sentinel rewrote it.
        written_ms = time.time() * 1000
        p = nsupdate(lb3.host, lb3.port, ["zone " + ZONE, "update delete master.%s A" % ZONE,
                                          "update add master.%s 30 A 192.0.2.99" % ZONE, "send"], key=TSIG)
        self.assertEqual(p.returncode, 0, p.stderr)
        wait_until(lambda: lb3.short("master", "A") == [lb2.host], 10, what="reconcile repair")
        # The event is noted when the reconcile job returns to the loop, after the push.
        wait_until(lambda: any(e["event"] == "+reconciled" and e["node"] == "lb3" and
                               e["at_ms"] >= int(written_ms) for e in c.history()), 10,
                   what="+reconciled lb3 in the history")
        r = c.cli("reconcile", check=True)
        self.assertIn("published on 2/3", r.stdout)

    def test_every_candidate_down_keeps_the_last_good_records(self):
        c = self.c
        lb1, lb2, lb3 = self.lb("lb1"), self.lb("lb2"), self.lb("lb3")
        for t in c.tunnels.values():
            t.stop()  # every node's http check fails: all down, dnsd still answers
        wait_until(lambda: all(n["health"] == "down" for n in c.status()["nodes"]), 10,
                   what="all nodes down")
        before = {nd.name: (self.srv_targets(nd), nd.short("cluster", "A")) for nd in (lb1, lb2, lb3)}
        # Several probe rounds (3 nodes x 2 checks each) and a reconcile with every node down,
        # counted rather than slept through.
        probes = c.probes_total()
        wait_until(lambda: c.probes_total() >= probes + 3 * 2 * 3, 10, what="three probe rounds")
        r = c.cli("reconcile", check=True)
        self.assertIn("published on 3/3", r.stdout)
        for nd in (lb1, lb2, lb3):
            srv, pool = before[nd.name]
            self.assertTrue(srv and pool, "an empty answer was published")
            self.assertEqual((self.srv_targets(nd), nd.short("cluster", "A")), (srv, pool))
        wait_until(lambda: "keeping the last good records" in c.status()["waiting"], 10,
                   what="the status to say it keeps the last good records")


class FailoverDefaults(ClusterCase):
    """Default probe settings (interval 1s, timeout 800ms, fall 3), for the failover budget."""
    cluster_args = dict(interval="1s", fall=3, probe_timeout="800ms")

    def test_failover_time_with_default_probes(self):
        lb1, lb2, lb3 = self.lb("lb1"), self.lb("lb2"), self.lb("lb3")
        t0 = time.time()
        lb1.kill()
        self.c.wait_master("lb2", timeout=20, nodes=[lb2, lb3])
        elapsed = time.time() - t0
        report("failover (defaults: interval 1s, fall 3): kill -9 of the master's dnsd -> new "
               "records on every surviving dnsd in %.2f s" % elapsed)
        self.assertLess(elapsed, 1.0 * 3 + 3)


class Fallback(ClusterCase):
    cluster_args = dict(fail_promote=("lb2",))

    def test_a_refused_promote_falls_back_to_the_next_candidate(self):
        self.lb("lb1").kill()
        self.c.wait_master("lb3", timeout=20, nodes=[self.lb("lb2"), self.lb("lb3")])
        self.assertFalse(self.c.tunnels["lb2"].calls("promote"))
        self.assertTrue(any("refused" in e for e in self.c.tunnels["lb2"].events()))
        st = self.c.wait_status(lambda st: st["master"] == "lb3" and not st["busy"], 10, "master lb3")
        self.assertEqual(st["epoch"], 2)
        events = [e["event"] for e in self.c.history()]
        self.assertIn("-promote-failed", events)


HOOK = """#!/bin/sh
# exec tunnel driver stand-in: records each call; slow when the test asks for it.
echo "$@ event=$SENTINEL_EVENT node=$SENTINEL_NODE epoch=$SENTINEL_EPOCH master=$SENTINEL_MASTER zone=$SENTINEL_ZONE" >> "%(dir)s/hook.log"
if [ "$2" = promote ] && [ -e "%(dir)s/slow" ]; then touch "%(dir)s/promoting"; sleep 3; fi
exit 0
"""


class ExecDriver(unittest.TestCase):

    def setUp(self):
        self.tmp = dnsd_harness.temp_dir("sentinel-hook-")
        self.hook = os.path.join(self.tmp, "hook.sh")
        with open(self.hook, "w") as f:
            f.write(HOOK % {"dir": self.tmp})
        os.chmod(self.hook, stat.S_IRWXU)
        self.c = Cluster(driver="exec", hook=self.hook, interval="200ms", fall=2)
        self.c.start()

    def tearDown(self):
        if os.environ.get("VERBOSE"):
            print(self.c.read_log()[-6000:])
        self.c.stop()

    def hook_lines(self):
        with open(os.path.join(self.tmp, "hook.log")) as f:
            return [line.split() for line in f]

    def test_kill9_sentinel_mid_failover_then_restart_finishes_it(self):
        c = self.c
        lb1, lb2, lb3 = c.node("lb1"), c.node("lb2"), c.node("lb3")
        # The hook gets its node name first, then "promote NODE EPOCH MASTER", and SENTINEL_*.
        self.assertIn(["lb1", "promote", "lb1", "1", "lb1", "event=promote", "node=lb1", "epoch=1",
                       "master=lb1", "zone=" + ZONE], self.hook_lines())
        open(os.path.join(self.tmp, "slow"), "w").close()
        lb1.kill()
        wait_until(lambda: os.path.exists(os.path.join(self.tmp, "promoting")), 15,
                   what="the promote of the new master to start")
        c.stop_sentinel(signal.SIGKILL)
        os.unlink(os.path.join(self.tmp, "slow"))
        state = json.load(open(os.path.join(c.dir, "state", "state.json")))
        self.assertEqual(state["epoch"], 2)
        self.assertEqual(state["pending"]["kind"], "failover")
        c.start_sentinel()
        c.wait_master("lb2", timeout=20, nodes=[lb2, lb3])
        for nd in (lb2, lb3):
            self.assertIn('"epoch=2" "master=lb2"', c.txt(nd))
        promotes = [l for l in self.hook_lines() if l[1] == "promote" and l[2] != "lb1"]
        self.assertTrue(promotes)
        self.assertEqual({(l[2], l[3]) for l in promotes}, {("lb2", "2")})  # repeated, same epoch
        st = c.wait_status(lambda st: st["pending"] is None and st["master"] == "lb2", 10,
                           "the resumed failover to finish")
        self.assertEqual((st["master"], st["epoch"], st["pending"]), ("lb2", 2, None))
        self.assertIn("+resume", [e["event"] for e in c.history()])


class ConfigCheck(unittest.TestCase):
    """`sentinel check` and `run` refuse a bad config with file:line, key and reason, exit 1."""

    def test_bad_config_names_file_line_key_and_reason(self):
        from sentinel_harness import SENTINEL
        d = dnsd_harness.temp_dir("sentinel-check-")
        bad = os.path.join(d, "bad.toml")
        with open(bad, "w") as f:
            f.write('[sentinel]\nstate_file = "s.json"\napi_listen = "127.0.0.1:1"\n'
                    'api_token_file = "t"\n[cluster]\nzone = "api.example.test"\n'
                    'failover = "sometimes"\nupdate_key = "nokey"\n[[node]]\nname = "lb1"\n'
                    'ipv4 = ["10.0.0.1"]\ndns = "10.0.0.1:53"\ncheckz = []\n')
        for sub in ("check", "run", "status"):
            r = subprocess.run([SENTINEL, sub, "-c", bad], capture_output=True, text=True, timeout=20)
            self.assertEqual(r.returncode, 1, (sub, r.stdout, r.stderr))
            self.assertIn(bad + ":7: cluster.failover = \"sometimes\": must be \"auto\" or \"manual\"", r.stderr)
            self.assertIn(bad + ":13: node[0].checkz: unknown key", r.stderr)
            self.assertIn("cluster.update_key = \"nokey\": no [[key]] with this name", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(d, "t")), "a refused config must not create files")


class Operator(ClusterCase):
    cluster_args = dict(interval="200ms", fall=2)

    def test_manual_promote_dry_run_then_for_real(self):
        c = self.c
        lb1, lb3 = self.lb("lb1"), self.lb("lb3")
        r = c.cli("promote", "lb3", "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("at epoch 2", r.stdout)
        self.assertIn("(demote lb1 first)", r.stdout)
        self.assertIn("+ master.%s. 30 A %s" % (ZONE, lb3.host), r.stdout)
        self.assertIn("- master.%s. 30 A %s" % (ZONE, lb1.host), r.stdout)
        self.assertIn('"epoch=1"', c.txt(lb1))  # nothing changed
        r = c.cli("promote", "lb3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("epoch 2, master lb3", r.stdout)
        self.assertIn("published on 3/3", r.stdout)
        c.wait_master("lb3", timeout=5)
        demote = c.tunnels["lb1"].calls("demote")[0]
        promote = [p for p in c.tunnels["lb3"].calls("promote") if p["epoch"] == 2][0]
        self.assertLess(demote["at"], promote["at"])  # graceful: step down first
        self.assertEqual(self.srv_targets(lb1), ["0 lb3", "10 lb1", "20 lb2"])

    def test_drain_and_undrain(self):
        c = self.c
        lb1, lb2, lb3 = self.lb("lb1"), self.lb("lb2"), self.lb("lb3")
        self.assertEqual(lb2.dig(ZONE, "A").status, "NOERROR")
        r = c.cli("drain", "lb2")
        self.assertEqual(r.returncode, 0, r.stderr)
        for nd in (lb1, lb2, lb3):
            self.assertEqual(self.srv_targets(nd), ["0 lb1", "10 lb3"])  # replicas renumbered
            self.assertEqual(nd.short("cluster", "A"), sorted([lb1.host, lb3.host]))
            self.assertIn("drained=lb2", c.txt(nd))
        # Its dnsd refuses its self names so resolvers move on at once; the rest is served.
        self.assertEqual(lb2.dig(ZONE, "A").status, "REFUSED")
        self.assertEqual(lb2.dig("anything." + ZONE, "A").status, "REFUSED")
        self.assertEqual(lb2.dig(ZONE, "SOA").status, "NOERROR")
        self.assertEqual(lb1.dig(ZONE, "A").status, "NOERROR")
        st = {n["name"]: n for n in c.status()["nodes"]}
        self.assertEqual(st["lb2"]["role"], "drained")
        self.assertIn("drained by the operator", c.cli("explain", "lb2", check=True).stdout)
        refused = c.cli("promote", "lb2")
        self.assertEqual(refused.returncode, 1)
        self.assertIn("drained", refused.stderr)
        r = c.cli("undrain", "lb2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.srv_targets(lb2), ["0 lb1", "10 lb2", "20 lb3"])
        self.assertEqual(lb2.dig(ZONE, "A").status, "NOERROR")

    def test_drain_the_master_moves_the_role(self):
        c = self.c
        r = c.cli("drain", "lb1")
        self.assertEqual(r.returncode, 0, r.stderr)
        c.wait_master("lb2", timeout=5)
        self.assertTrue(c.tunnels["lb1"].calls("demote"))
        self.assertEqual(self.srv_targets(self.lb("lb3")), ["0 lb2", "10 lb3"])
        self.assertEqual(self.lb("lb1").dig(ZONE, "A").status, "REFUSED")

    def test_refusals_and_usage(self):
        c = self.c
        for args, code, text in [(("promote", "lb9"), 1, "unknown node lb9"),
                                 (("promote", "lb1"), 1, "already the master"),
                                 (("undrain", "lb2"), 1, "not drained"),
                                 (("promote",), 2, ""),
                                 (("frobnicate",), 2, "")]:
            r = c.cli(*args)
            self.assertEqual(r.returncode, code, (args, r.stdout, r.stderr))
            self.assertIn(text, r.stderr)
        self.lb("lb2").kill()
        wait_until(lambda: {n["name"]: n["health"] for n in c.status()["nodes"]}["lb2"] == "down", 5,
                   what="lb2 down")
        r = c.cli("promote", "lb2")
        self.assertEqual(r.returncode, 1)
        self.assertIn("lb2 is down", r.stderr)
        self.assertIn("check dns: down", c.cli("explain", "lb2", check=True).stdout)

    def test_api_needs_the_token(self):
        c = self.c
        base = "http://%s:%d" % (c.api_host, c.api_port)
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            req = urllib.request.Request(base + "/v1/promote", data=b'{"node":"lb2"}',
                                         headers=headers, method="POST")
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(req, timeout=10)
            self.assertEqual(e.exception.code, 401)
        self.assertEqual(c.status()["master"], "lb1")  # nothing happened
        with open(os.path.join(c.dir, "api.token")) as f:
            token = f.read().strip()
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(c.dir, "api.token")).st_mode), 0o600)
        req = urllib.request.Request(base + "/v1/drain", data=b"{not json",
                                     headers={"Authorization": "Bearer " + token}, method="POST")
        with self.assertRaises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(req, timeout=10)
        self.assertEqual(e.exception.code, 400)
        metrics = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
        self.assertIn("sentinel_epoch 1", metrics)
        self.assertIn('sentinel_node_master{node="lb1"} 1', metrics)

    def test_a_stale_decision_is_fenced(self):
        c = self.c
        # Another (newer) sentinel decision reached every dnsd: epoch 99.
        for nd in c.nodes:
            nsupdate(nd.host, nd.port, ["zone " + ZONE, "update delete _sentinel.%s TXT" % ZONE,
                                        'update add _sentinel.%s 30 TXT "epoch=99" "master=lb1" "by=s2" "drained="' % ZONE,
                                        "send"], key=TSIG)
        r = c.cli("drain", "lb3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("published on 0/3", r.stdout)
        for nd in c.nodes:
            self.assertIn("20 lb3", self.srv_targets(nd))  # not overwritten
            self.assertIn("epoch=99", c.txt(nd))
        self.assertIn("-fenced", [e["event"] for e in c.history()])


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
