"""sentinel reloads sentinel.toml on SIGHUP and `sentinel reload` without losing its state:
a node added is probed and published once up, a node removed leaves the status and the
records, the epoch, the master and the kept nodes' health stay; a bad file is refused and
the running config keeps going."""
import json
import os
import signal
import unittest
import urllib.error
import urllib.request

import dnsd_harness
from dnsd_harness import failed
from sentinel_harness import Cluster, wait_until


class Reload(unittest.TestCase):
    def setUp(self):
        # Four dnsd nodes run; the sentinel starts with lb1..lb3 in its config.
        self.c = Cluster(n=4, driver="none", interval="200ms", fall=2, rise=2)
        self.all = list(self.c.nodes)
        try:
            for nd in self.all:
                nd.start()
            self.use(["lb1", "lb2", "lb3"])
            self.c.start_sentinel()
            self.c.wait_master("lb1", timeout=20, nodes=self.all[:3])
            self.c.wait_status(lambda st: self.roles(st) == {"lb1": "master", "lb2": "replica",
                                                             "lb3": "replica"}, 10, "lb1..lb3 up")
        except Exception:
            self.dump()
            self.c.nodes = self.all
            self.c.stop()
            raise

    def tearDown(self):
        if failed(self) or os.environ.get("VERBOSE"):
            self.dump()
        self.c.nodes = self.all
        self.c.stop()

    def dump(self):
        try:
            print("---- sentinel log ----\n" + self.c.read_log()[-6000:])
        except OSError:
            pass

    def use(self, names, edit=None):
        """Rewrites sentinel.toml with these nodes, then applies `edit` to its text."""
        self.c.nodes = [nd for nd in self.all if nd.name in names]
        self.c.write_config()
        self.c.nodes = self.all
        if edit:
            with open(self.c.config) as f:
                text = edit(f.read())
            with open(self.c.config, "w") as f:
                f.write(text)

    @staticmethod
    def roles(st):
        return {n["name"]: n["role"] for n in st["nodes"]}

    def srv_names(self, nd):
        return sorted(line.split()[3].split(".")[0] for line in self.c.srv(nd))

    def lb(self, name):
        return next(nd for nd in self.all if nd.name == name)

    def api(self, method, path):
        """The daemon's API directly (the CLI cannot read a broken sentinel.toml)."""
        with open(os.path.join(self.c.dir, "api.token")) as f:
            token = f.read().strip()
        req = urllib.request.Request("http://%s:%d%s" % (self.c.api_host, self.c.api_port, path),
                                     data=b"" if method == "POST" else None, method=method,
                                     headers={"Authorization": "Bearer " + token})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def test_sighup_adds_and_removes_nodes_keeping_epoch_master_and_health(self):
        c = self.c
        before = c.status()
        since = {n["name"]: [ck["since_ms"] for ck in n["checks"]] for n in before["nodes"]}
        self.assertIn("lb3", self.srv_names(self.lb("lb1")))
        self.use(["lb1", "lb2", "lb4"])
        c.proc.send_signal(signal.SIGHUP)
        st = c.wait_status(lambda st: self.roles(st) == {"lb1": "master", "lb2": "replica",
                                                         "lb4": "replica"}, 10,
                           "lb4 up, lb3 gone")
        self.assertEqual(st["epoch"], before["epoch"])
        self.assertEqual(st["master"], "lb1")
        # The kept nodes' checks kept their health: the same state since the same time.
        for n in st["nodes"]:
            if n["name"] in ("lb1", "lb2"):
                for ck, was in zip(n["checks"], since[n["name"]]):
                    self.assertLess(abs(ck["since_ms"] - was), 100, (n["name"], ck, was))
        live = [self.lb("lb1"), self.lb("lb2"), self.lb("lb4")]
        wait_until(lambda: all(self.srv_names(nd) == ["lb1", "lb2", "lb4"] for nd in live), 10,
                   what="SRV of lb1, lb2, lb4 on every dnsd of the new config")
        c.wait_master("lb1", timeout=5, nodes=live)
        # The removed node's own address records are gone too (the name may still get the
        # answering dnsd's self address from the zone's self = ["*"]).
        wait_until(lambda: self.lb("lb3").host not in self.lb("lb1").short("lb3", "A"), 5,
                   what="lb3 A removed")
        self.assertEqual(self.lb("lb1").short("lb4", "A"), [self.lb("lb4").host])
        events = [e["event"] for e in c.history()]
        self.assertIn("+reload", events)
        self.assertNotIn("+new-epoch", events[events.index("+reload"):])
        log = c.read_log()
        self.assertIn("reload: node lb4 added", log)
        self.assertIn("reload: node lb3 removed", log)
        metrics = urllib.request.urlopen("http://%s:%d/metrics" % (c.api_host, c.api_port),
                                         timeout=10).read().decode()
        self.assertNotIn('node="lb3"', metrics)  # no longer probed or shown
        self.assertIn('node="lb4"', metrics)

    def test_a_bad_config_is_refused_and_the_running_one_stays(self):
        c = self.c
        self.use(["lb1", "lb2"], edit=lambda t: t.replace("ttl = 30", "ttl = 30\nttll = 5"))
        c.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "reload of" in c.read_log(), 5, what="the refused reload in the log")
        log = c.read_log()
        self.assertIn("refused, the running config stays", log)
        self.assertIn("ttll", log)  # every error: file:line, key, reason
        self.assertIn("sentinel.toml:", log)
        status, body = self.api("POST", "/v1/reload")
        self.assertEqual(status, 400, body)
        self.assertFalse(body["ok"])
        self.assertTrue(any("ttll" in d for d in body["details"]), body)
        # The CLI reads the same file: it says so and does not send anything.
        r = c.cli("reload")
        self.assertEqual(r.returncode, 1)
        self.assertIn("reload not sent", r.stderr)
        self.assertIn("ttll", r.stderr)
        status, st = self.api("GET", "/v1/status")
        self.assertEqual(status, 200, st)
        self.assertEqual(self.roles(st), {"lb1": "master", "lb2": "replica", "lb3": "replica"})
        self.assertEqual(self.srv_names(self.lb("lb1")), ["lb1", "lb2", "lb3"])

    def test_cli_reload_reports_changes_restart_keys_and_refusals(self):
        c = self.c
        epoch = c.status()["epoch"]
        # The master cannot be removed while it is the master.
        self.use(["lb2", "lb3"])
        r = c.cli("reload")
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("node lb1 cannot be removed: it is the master", r.stderr)
        self.assertEqual(sorted(self.roles(c.status())), ["lb1", "lb2", "lb3"])
        # A good one: ttl reloads, id waits for a restart.
        self.use(["lb1", "lb2", "lb3"],
                 edit=lambda t: t.replace("ttl = 30", "ttl = 20").replace('id = "s1"', 'id = "s2"'))
        r = c.cli("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("reload: done", r.stdout)
        self.assertIn("[cluster] ttl: 30 -> 20", r.stdout)
        self.assertIn('kept: [sentinel] id = "s2" only takes effect after a restart', r.stdout)
        def srv_ttls():
            answer = self.lb("lb1").dig("_tunnel._tcp.api.example.test", "SRV", "+noall", "+answer")
            return {line.split()[1] for line in answer.text.splitlines() if line.strip()}
        wait_until(lambda: srv_ttls() == {"20"}, 5, what="the SRV republished with ttl 20")
        st = c.status()
        self.assertEqual(st["id"], "s1")
        self.assertEqual(st["epoch"], epoch)
        self.assertEqual(st["master"], "lb1")


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
