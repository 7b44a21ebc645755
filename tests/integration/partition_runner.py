"""scripts/partitions: randomized schedules of partitions, heals, kills and restarts against
a whole cluster in network namespaces (netns_harness), every dnsd's _sentinel record and
every tunnel receiver's calls recorded, and history_checker's verdict on each history.

The cluster of one schedule, each process in its own namespace:
  lb1..lb3    dnsd nodes (port 53 on their own address), lb1t..lb3t their tunnel stand-ins
              (scripts/tunnel-standin, HMAC-checked, refusing lower epochs, logging each call);
  s1 (--single) or s1..s3 (--ha, with [coordination] on e0..e2: needs the coordination
              support of issue 14 in sentinel; --uncoordinated: three of today's sentinels
              side by side, each acting alone, which shows what the checker catches)
              sentinels: interval 200 ms, fall 2, rise 2;
  e0..e2      etcd members (--ha only);
  obs         the observer: polls every dnsd (partition_poller.py); never partitioned.
A schedule is `steps` random faults, each held 1.5-3.5 s and then undone or left to pile up
(at most one node down at a time), ending with every partition healed and every process
restarted, and a settling time for the last failover to complete.
"""
import concurrent.futures
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import history_checker
from etcd_harness import EtcdCluster
from netns_harness import Netns, available, cleanup_all, install_sigterm_cleanup

SRCDIR = os.environ.get("SRCDIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("MESON_BUILD_ROOT", os.path.join(SRCDIR, "build"))
DNSD = os.environ.get("DNSD", os.path.join(BUILD, "dnsd", "dnsd"))
SENTINEL = os.environ.get("SENTINEL", os.path.join(BUILD, "sentinel", "sentinel"))
STANDIN = os.path.join(SRCDIR, "scripts", "tunnel-standin")
POLLER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "partition_poller.py")

ZONE = "api.example.test"
ZONE_TEXT = """$ORIGIN api.example.test.
$TTL 300
@     SOA ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 30
@     NS  ns1.example.test.
"""
KEY_SECRET = "MvBp6ZVj9D0L1rLDkn/syVNjPNKRyfOyC7fpmglR1t8="
TUNNEL_SECRET = "partitions-tunnel-secret-0123456789"
NODES = ["lb1", "lb2", "lb3"]
INTERVAL, TIMEOUT, FALL, RISE, LEASE = 0.2, 0.2, 2, 2, 2.0


MINORITY_CUT = "cut one sentinel from the master"


def _say(text):
    print(text, flush=True)


class Schedule:
    """One cluster in namespaces, one random schedule against it, one recorded history."""

    def __init__(self, mode, seed, steps, workdir, log=_say, net=None):
        self.mode, self.seed, self.steps, self.dir, self.say = mode, seed, steps, workdir, log
        self.rng = random.Random(seed)
        self.sentinels = ["s1"] if mode == "single" else ["s1", "s2", "s3"]
        self.etcd_names = ["e0", "e1", "e2"] if mode == "ha" else []
        names = NODES + [n + "t" for n in NODES] + self.sentinels + self.etcd_names + ["obs"]
        # A previous schedule's namespaces (same mode, so the same names), reset, or new ones.
        self.net = net if net is not None and net.names == names else Netns(names)
        self.procs = {}      # name -> Popen (dnsd, tunnel, sentinel)
        self.faults = []
        self.etcd = None
        self.t0 = time.time()
        self.poll_path = os.path.join(self.dir, "dns.jsonl")

    # -- processes --------------------------------------------------------------------
    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write_configs(self):
        with open(self.path("zone"), "w") as f:
            f.write(ZONE_TEXT)
        with open(self.path("tunnel.key"), "w") as f:
            f.write(TUNNEL_SECRET + "\n")
        for n in NODES:
            os.makedirs(self.path(n), exist_ok=True)
            ip = self.net.ip(n)
            with open(self.path(n, "dnsd.toml"), "w") as f:
                f.write("\n".join([
                    "[server]", 'listen = ["%s:53"]' % ip, 'identity = "%s"' % n,
                    'state_dir = "%s"' % self.path(n, "state"), 'stop_grace = "0s"', "",
                    "[node]", 'name = "%s"' % n, 'ipv4 = ["%s"]' % ip, "",
                    "[[zone]]", 'name = "%s"' % ZONE, 'file = "%s"' % self.path("zone"),
                    'self = ["@", "*"]', "self_ttl = 30", 'update_keys = ["sentinel"]',
                    'transfer_keys = ["sentinel"]', "",
                    "[[key]]", 'name = "sentinel"', 'algorithm = "hmac-sha256"',
                    'secret = "%s"' % KEY_SECRET, "", "[metrics]", 'listen = ""', ""]))
        for s in self.sentinels:
            os.makedirs(self.path(s), exist_ok=True)
            lines = ["[sentinel]", 'id = "%s"' % s, 'state_file = "%s"' % self.path(s, "state.json"),
                     'api_listen = "%s:8080"' % self.net.ip(s),
                     'api_token_file = "%s"' % self.path(s, "api.token"), "",
                     "[cluster]", 'zone = "%s"' % ZONE, "ttl = 30", 'failover = "auto"',
                     'cooldown = "1s"', 'update_key = "sentinel"', 'reconcile_interval = "2s"',
                     'driver_timeout = "1s"', "",
                     "[probe]", 'interval = "%dms"' % (INTERVAL * 1000),
                     'timeout = "%dms"' % (TIMEOUT * 1000), "fall = %d" % FALL, "rise = %d" % RISE, "",
                     "[damping]", "penalty = 0", "", "[log]", 'level = "info"', ""]
            if self.mode == "ha":
                lines += ["[coordination]",
                          "etcd = [%s]" % ", ".join('"http://%s:2379"' % self.net.ip(e) for e in self.etcd_names),
                          'prefix = "/dnsgtm/%s/"' % ZONE, "sentinels = [%s]" % ", ".join('"%s"' % x for x in self.sentinels), "quorum = 2",
                          'lease = "%ds"' % LEASE, ""]
            for i, n in enumerate(NODES):
                t = self.net.ip(n + "t")
                lines += ["[[node]]", 'name = "%s"' % n, 'ipv4 = ["%s"]' % self.net.ip(n),
                          'dns = "%s:53"' % self.net.ip(n), "priority = %d" % (i * 10), "port = 443",
                          'checks = [{ type = "dns" }, { type = "http", url = "http://%s:8443/health" }]' % t,
                          'tunnel = { driver = "http", url = "http://%s:8443/replication", '
                          'hmac_secret_file = "%s" }' % (t, self.path("tunnel.key")), ""]
            lines += ["[[key]]", 'name = "sentinel"', 'algorithm = "hmac-sha256"',
                      'secret = "%s"' % KEY_SECRET, ""]
            with open(self.path(s, "sentinel.toml"), "w") as f:
                f.write("\n".join(lines))

    def argv(self, name):
        if name in NODES:
            return [DNSD, "-c", self.path(name, "dnsd.toml")]
        if name.endswith("t") and name[:-1] in NODES:
            return [sys.executable, STANDIN, "--listen", "%s:8443" % self.net.ip(name),
                    "--secret-file", self.path("tunnel.key"), "--node", name[:-1],
                    "--log", self.path(name[:-1] + "-tunnel.jsonl")]
        return [SENTINEL, "run", "-c", self.path(name, "sentinel.toml")]

    def start(self, name, record=True):
        if name in self.etcd_names:
            self.etcd.start_member(self.etcd_names.index(name))
        else:
            log = open(self.path(name + ".log"), "a")
            self.procs[name] = self.net.popen(name, self.argv(name), stdout=log, stderr=subprocess.STDOUT)
            log.close()
        if record:
            self.fault({"op": "start", "proc": name})

    def kill(self, name):
        if name in self.etcd_names:
            self.etcd.kill_member(self.etcd_names.index(name))
        elif name in self.procs:
            self.net.stop(self.procs.pop(name), sig=signal.SIGKILL)
        self.fault({"op": "kill", "proc": name})

    def alive(self, name):
        if name in self.etcd_names:
            return self.etcd.members[self.etcd_names.index(name)].alive()
        p = self.procs.get(name)
        return p is not None and p.poll() is None

    def fault(self, f):
        f["t"] = round(time.time() - self.t0, 3)
        self.faults.append(f)

    def wait(self, pred, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.05)
        raise RuntimeError("%s: not within %ss (logs in %s)" % (what, timeout, self.dir))

    def read(self, name):
        try:
            with open(self.path(name)) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def setup(self):
        self.write_configs()
        for s in self.sentinels:
            r = subprocess.run([SENTINEL, "check", "-c", self.path(s, "sentinel.toml")],
                               capture_output=True, text=True)
            if r.returncode != 0:
                msg = (r.stdout + r.stderr).strip()[:600]
                raise RuntimeError("sentinel check failed: " + msg)
        if self.etcd_names:
            ns = self.net
            self.etcd = EtcdCluster(3, workdir=self.path(), hosts=[ns.ip(e) for e in self.etcd_names],
                                    wrap=lambda i: ns.argv(self.etcd_names[i]), ports=(2379, 2380),
                                    popen=lambda argv, **kw: ns.track(subprocess.Popen(argv, **kw)))
            self.etcd.start(wait=False)  # electing its leader overlaps the nodes' start
        for n in NODES:
            self.start(n, record=False)
            self.start(n + "t", record=False)
        for n in NODES:
            self.wait(lambda: "dnsd ready" in self.read(n + ".log"), 15, n + " ready")
            self.wait(lambda: "tunnel stand-in for" in self.read(n + "t.log"), 15, n + "t ready")
        if self.etcd:
            self.etcd.wait_healthy(timeout=30)
        for s in self.sentinels:
            self.start(s, record=False)
        targets = ["%s=%s:53" % (n, self.net.ip(n)) for n in NODES]
        self.poller = self.net.popen("obs", [sys.executable, POLLER, self.poll_path, ZONE, "0.05"] + targets,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait(lambda: all(self.latest().get(n, (None, None))[1] == "lb1" for n in NODES), 30,
                  "lb1 published as master on every dnsd")
        self.t0 = time.time()

    def latest(self):
        """node -> (epoch, master) of the last poll."""
        out = {}
        for line in self.read("dns.jsonl").splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            out[d["node"]] = (d["epoch"], d["master"])
        return out

    def master(self):
        seen = [v for v in self.latest().values() if v[0] is not None]
        return max(seen)[1] if seen else "lb1"

    # -- the schedule -----------------------------------------------------------------
    def actions(self):
        m = self.master()
        s = self.sentinels
        rng = self.rng
        acts = [
            (MINORITY_CUT, lambda: self.cut(rng.choice(s), rng.choice([m, m + "t"]))),
            ("isolate one sentinel", lambda: self.isolate(rng.choice(s))),
            ("kill the master node", lambda: self.kill_node(m)),
            ("kill a replica node", lambda: self.kill_node(rng.choice([n for n in NODES if n != m]))),
            ("kill a sentinel", lambda: self.kill_if_alive(rng.choice(s))),
            ("cut two nodes apart", lambda: self.cut(*rng.sample(NODES, 2))),
        ]
        if len(s) > 1:
            acts.append(("cut two sentinels from the master", lambda: [self.cut(x, m) for x in rng.sample(s, 2)]))
        if self.mode == "ha":
            acts += [
                ("isolate an etcd member", lambda: self.isolate(rng.choice(self.etcd_names))),
                ("kill an etcd member", lambda: self.kill_if_alive(rng.choice(self.etcd_names))),
                ("kill two etcd members", lambda: [self.kill_if_alive(e) for e in rng.sample(self.etcd_names, 2)]),
                ("cut a sentinel from etcd", lambda: [self.cut(rng.choice(s), e) for e in self.etcd_names]),
            ]
        return acts

    def cut(self, a, b):
        self.net.cut(a, b)
        self.fault({"op": "cut", "a": a, "b": b})

    def isolate(self, a):
        self.net.isolate(a)
        self.fault({"op": "isolate", "a": a})

    def heal(self):
        self.net.heal()
        self.fault({"op": "heal"})

    def kill_if_alive(self, name):
        if self.alive(name):
            self.kill(name)

    def kill_node(self, n):
        if any(not self.alive(x) for x in NODES):
            return  # at most one node down at a time: there must be somewhere to fail over to
        self.kill(n)
        self.kill(n + "t")

    def restart_dead(self):
        for name in NODES + [n + "t" for n in NODES] + self.sentinels + self.etcd_names:
            if not self.alive(name):
                self.start(name)

    def run(self, settle):
        plan = []
        for _ in range(self.steps):
            what, act = self.rng.choice(self.actions())
            plan.append(what)
            act()
            time.sleep(self.rng.uniform(1.5, 3.5))
            if self.rng.random() < 0.6:
                self.heal()
                self.restart_dead()
        self.heal()
        self.restart_dead()
        time.sleep(settle)
        return plan

    def replay(self, faults, settle):
        """Applies the faults of a recorded history again, each at its recorded time."""
        plan = []
        for f in sorted(faults, key=lambda f: f["t"]):
            time.sleep(max(0.0, self.t0 + f["t"] - time.time()))
            op = f["op"]
            if op == "cut":
                self.cut(f["a"], f["b"])
            elif op == "isolate":
                self.isolate(f["a"])
            elif op == "heal":
                self.heal()
            elif op == "kill":
                self.kill_if_alive(f["proc"])
            elif op == "start" and not self.alive(f["proc"]):
                self.start(f["proc"])
            plan.append(" ".join(str(f[k]) for k in ("op", "a", "b", "proc") if k in f))
        self.heal()
        self.restart_dead()
        time.sleep(settle)
        return plan

    def history(self):
        dns = []
        for line in self.read("dns.jsonl").splitlines():
            try:
                d = json.loads(line)
            except ValueError:
                continue
            d["t"] = round(d["t"] - self.t0, 3)
            dns.append(d)
        hooks = []
        for n in NODES:
            for line in self.read(n + "-tunnel.jsonl").splitlines():
                try:
                    e = json.loads(line)
                except ValueError:
                    continue
                t = round(e.get("at", 0) - self.t0, 3)
                if "event" in e:
                    hooks.append({"t": t, "receiver": n, "event": e["event"], "epoch": e["epoch"],
                                  "accepted": True})
                elif "stale" in e:
                    ev = e["stale"]
                    hooks.append({"t": t, "receiver": n, "event": ev.get("event"),
                                  "epoch": ev.get("epoch"), "accepted": False})
        lease = LEASE if self.mode == "ha" else 0.0
        detect = FALL * INTERVAL + TIMEOUT
        return {"config": {"mode": self.mode, "sentinels": self.sentinels,
                           "quorum": 1 if self.mode == "single" else 2, "etcd": self.etcd_names,
                           "nodes": NODES, "window": detect + lease + 3.0,
                           "deadline": detect + lease + 1.0 + 2.0, "grace": RISE * INTERVAL + 2.0},
                "faults": self.faults, "dns": dns, "hooks": hooks,
                "end": round(time.time() - self.t0, 3)}

    def teardown(self, keep_net=False):
        """Stops everything; the namespaces stay for the next schedule with `keep_net`."""
        if self.etcd:
            self.etcd.stop()
        if keep_net:
            self.net.reset()
        else:
            self.net.cleanup()

    def sanitizer_reports(self):
        """Logs of our dnsd and sentinel processes that hold a sanitizer report."""
        return [n for n in NODES + self.sentinels
                if any(w in self.read(n + ".log") for w in ("Sanitizer", "runtime error:"))]


class Unsupported(Exception):
    """The sentinel built here cannot run this mode (--ha before coordination exists)."""


# Setting a schedule up (namespaces, 3 etcd members, every process started and the first
# master published) is its busy part; the rest is mostly waiting. With --jobs, only as many
# set up at a time as there are cores, so that the set-ups do not starve the probes of the
# schedules already running (which would show as violations).
_setup_slots = threading.Semaphore(max(1, os.cpu_count() or 1))


# Each worker thread's namespaces, kept from one of its schedules to the next.
_worker = threading.local()


def _one_schedule(mode, seed, steps, settle, wd, replay):
    """Sets up, runs and tears down one schedule, in the namespaces this thread's previous
    schedule left (reset) if any; (plan, history, sanitizer logs, seconds of setup, seconds
    in all). Raises when it could not be set up (its namespaces are then deleted)."""
    t0 = time.time()
    sch, ok = None, False
    try:
        with _setup_slots:
            sch = Schedule(mode, seed, steps, wd, net=getattr(_worker, "net", None))
            _worker.net = None
            sch.setup()
        t_setup = time.time() - t0
        plan = sch.replay(replay, settle) if replay is not None else sch.run(settle)
        hist = sch.history()
        ok = True
    finally:
        if sch:
            sch.teardown(keep_net=ok)
            if ok:
                _worker.net = sch.net
    with open(os.path.join(wd, "history.json"), "w") as f:
        json.dump(hist, f, indent=1)
    return plan, hist, sch.sanitizer_reports(), t_setup, time.time() - t0


def run_schedules(n, mode, seed, steps, settle, keep, log=_say, replay=None, jobs=1):
    """Runs n schedules; returns (totals dict, list of per-schedule results). With `replay`
    (the faults of a recorded history), each schedule applies those instead of random ones.
    `jobs` schedules run at a time, each in its own set of namespaces (its own router, so the
    same 10.77.x.y addresses and ports do not meet): the schedules are mostly waits (faults
    held 1.5-3.5 s, the settling time), so they overlap well. totals["seconds"] is the wall
    time of them all."""
    why = available()
    if why:
        raise Unsupported("network namespaces need " + why)
    install_sigterm_cleanup()
    base = tempfile.mkdtemp(prefix="partitions-")
    results, totals = [], {"schedules": 0, "violations": 0, "failovers": 0, "false_failovers": 0,
                           "minority_cuts": 0, "by_invariant": {}, "sanitizer": [], "seconds": 0.0,
                           "not_run": []}
    started = time.time()
    lock = threading.Lock()

    def one(i):
        wd = os.path.join(base, "%s-%d" % (mode, seed + i))
        os.makedirs(wd)
        try:
            plan, hist, bad_logs, t_setup, t_all = _one_schedule(mode, seed + i, steps, settle, wd, replay)
        except (RuntimeError, AssertionError, OSError, subprocess.SubprocessError) as e:
            # Not a verdict on the invariants: counted apart, its logs kept, the others go on.
            with lock:
                totals["not_run"].append(seed + i)
                log("schedule seed %d (%s) could not run: %s" % (seed + i, mode, e))
            return
        s = history_checker.summary(hist)
        last_heal = max(f["t"] for f in hist["faults"] if f["op"] == "heal")
        observed = {d["node"] for d in hist["dns"] if d["t"] > last_heal}
        with lock:
            totals["schedules"] += 1
            totals["violations"] += len(s["violations"])
            totals["failovers"] += s["failovers"]
            totals["false_failovers"] += s["false_failovers"]
            totals["minority_cuts"] += plan.count(MINORITY_CUT)
            totals["sanitizer"] += ["%s (seed %d)" % (x, seed + i) for x in bad_logs]
            for k, v in s["counts"].items():
                totals["by_invariant"][k] = totals["by_invariant"].get(k, 0) + v
            results.append({"seed": seed + i, "plan": plan, "summary": s, "dir": wd,
                            "observed_all": observed == set(NODES)})
            log("schedule %d/%d (%s, seed %d): %d failover(s), %d false, %d violation(s) "
                "[%.1f s, setup %.1f s]%s" % (
                    totals["schedules"], n, mode, seed + i, s["failovers"], s["false_failovers"],
                    len(s["violations"]), t_all, t_setup,
                    "".join("\n    %s at %ss: %s" % (v["invariant"], v["t"], v["detail"])
                            for v in s["violations"])))
            if bad_logs:
                log("    sanitizer reports in the logs of " + ", ".join(bad_logs))
        if not s["violations"] and not bad_logs and not keep:
            shutil.rmtree(wd, ignore_errors=True)

    try:
        if jobs <= 1:
            for i in range(n):
                one(i)
        else:
            pool = concurrent.futures.ThreadPoolExecutor(max_workers=jobs)
            try:
                for f in [pool.submit(one, i) for i in range(n)]:
                    f.result()  # a schedule that could not run (setup failed) ends the run
            finally:
                pool.shutdown(wait=True, cancel_futures=True)  # the running ones finish
    finally:
        cleanup_all()  # the namespaces the workers kept
        totals["seconds"] = time.time() - started
        results.sort(key=lambda r: r["seed"])
        if (not keep and not any(r["summary"]["violations"] for r in results) and not totals["sanitizer"]
                and not totals["not_run"] and len(results) == n):
            shutil.rmtree(base, ignore_errors=True)
        else:
            log("histories and logs kept in " + base)
    return totals, results
