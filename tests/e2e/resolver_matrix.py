"""The resolver matrix: what clients behind Unbound, BIND, PowerDNS Recursor and Knot
Resolver get while one of three dnsd nodes is stopped, drained, killed, silently dead or
restarted (issue 19). Used by scripts/resolver-matrix (the full table) and by
tests/e2e/test_resolver_matrix.py (a bounded subset).

The cluster is E2ECluster's (a parent dnsd for example.test delegating api.example.test to
three dnsd nodes on port 53 of 127.P.0.11-13, tunnel stand-ins, one sentinel) plus a root
server (knotd serving ".", as dnsd serves no root zone) that every resolver finds through
its root hints. Every random name under api.example.test is a self name: its A record is the
address of the node that answered, so each answer says which node the resolver asked.

A step sends fresh random names to all resolvers at once, one every `spacing` seconds,
while the step's action runs; each resolver is started fresh (and warmed with a few names)
before each step, so one step's memory does not leak into the next."""
import os
import random
import signal
import socket
import time

import resolvers
import stop_phases
from e2e_cluster import ZONE, E2ECluster, Proc
from matrix_probe import probe, query
from sentinel_harness import wait_until

SLOW = 0.040       # "slow": answered in 40 ms or more
STALL = 0.030      # ... unless at that instant 3 resolvers (all, if fewer) took this long
STALL_MAX = 0.200  # but less than this: the machine stalled (CPU contention); a resolver's
                   # wait on a gone node (0.37 s and more, Knot's aside) always counts
VICTIM = "lb2"     # the node every step acts on
SRV, TXT = 33, 16

ROOT_ZONE = """$ORIGIN .
$TTL 300
@ SOA ns0.root-servers.test. hostmaster.root-servers.test. 1 3600 600 604800 60
@ NS ns0.root-servers.test.
ns0.root-servers.test. A {p}.9
example.test. NS ns0.example.test.
ns0.example.test. A {p}.10
"""


def free_prefix():
    """A 127.0.N prefix none of whose .9-.13 addresses has port 53 taken (UDP and TCP)."""
    for _ in range(100):
        p = "127.0.%d" % random.randint(100, 250)
        try:
            for last in range(9, 14):
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    s = socket.socket(socket.AF_INET, kind)
                    try:
                        s.bind(("%s.%d" % (p, last), 53))
                    finally:
                        s.close()
            return p
        except OSError:
            continue
    raise RuntimeError("no free 127.0.N prefix for port 53")


class MatrixCluster(E2ECluster):
    def __init__(self, prefix, stop_answer="refused", stop_grace="2s", interval="200ms", fall=2,
                 ns_ttl=None, delegation=False):
        super().__init__(prefix=prefix, interval=interval, fall=fall, stop_grace=stop_grace,
                         stop_answer=stop_answer)
        if delegation and not ns_ttl:
            raise ValueError("the delegation follows the apex NS set: it needs ns_ttl")
        self.ns_ttl, self.delegation = ns_ttl, delegation
        if ns_ttl:
            self.manage_ns(ns_ttl)
        if delegation:
            self.manage_delegation()
        self.root_addr = prefix + ".9"
        self.answers = {n: stop_answer for n in self.nodes}
        self.reloads = {n: 0 for n in self.nodes}
        self._write("root.zone", ROOT_ZONE.format(p=prefix))
        # Every step stops the same node: flap damping would keep it out after a few.
        with open(self.path("sentinel.toml"), "a") as f:
            f.write("\n[damping]\npenalty = 0\n")
        os.makedirs(self.path("knot"), exist_ok=True)
        self._write("knot.conf", "\n".join([
            "server:", '    rundir: "%s"' % self.path("knot"), "    listen: %s@53" % self.root_addr,
            "database:", '    storage: "%s"' % self.path("knot"),
            "log:", "  - target: stderr", "    any: notice",
            "zone:", "  - domain: .", '    file: "%s"' % self.path("root.zone"),
            '    storage: "%s"' % self.path("knot"), ""]))

    def start(self):
        os.makedirs(self.path("logs"), exist_ok=True)
        self.procs["root"] = Proc("root", ["knotd", "-c", self.path("knot.conf")],
                                  self.path("logs", "root.log")).start()
        wait_until(lambda: query(self.root_addr, 53, "ns0.example.test", 1, 0.3) is not None, 15,
                   what="knotd serving the root zone")
        self.start_servers()
        return self.start_sentinel()

    def _dnsd_config(self, name, addr, zone_name, zone_file, self_names):
        """With sentinel keeping the NS set, each node also knows its own NS name
        ([node] ns): the names are outside the zone, so dnsd could not tell otherwise that
        sentinel took it out of the set, and a stop would last its whole stop_grace."""
        text = super()._dnsd_config(name, addr, zone_name, zone_file, self_names)
        if getattr(self, "ns_ttl", None) and name in self.nodes:
            line = 'ipv4 = ["%s"]' % addr
            text = text.replace(line, line + '\nns = ["%s"]' % self.ns_name(name), 1)
        return text

    def manage_ns(self, ns_ttl):
        """sentinel keeps the child's apex NS set: lbN is nsN.example.test (the parent's
        delegation names), left out of the set while the node is out of service; each
        node's dnsd.toml gets its [node] ns."""
        for name in self.nodes:
            self._write(name + ".toml", self.node_config(name, self.stop_answer))
        path = self.path("sentinel.toml")
        with open(path) as f:
            text = f.read()
        for i, (name, addr) in enumerate(sorted(self.nodes.items())):
            line = 'dns = "%s:53"' % addr
            text = text.replace(line, line + '\nns = "ns%d.example.test"' % (i + 1))
        text = text.replace('reconcile_interval = "2s"',
                            'reconcile_interval = "2s"\nns_ttl = %d' % ns_ttl)
        self._write("sentinel.toml", text)

    def ns_name(self, node):
        """The name the delegation knows `node` by (lbN is nsN.example.test)."""
        return "ns%d.example.test." % (sorted(self.nodes).index(node) + 1)

    def manage_delegation(self):
        """sentinel also keeps the parent's delegation ([parent]): the parent dnsd takes its
        updates for example.test signed with a key of its own, "parent" (not the nodes')."""
        secret = "cGFyZW50LWRlbGVnYXRpb24ta2V5LTAxMjM0NTY3ODk="
        key = '[[key]]\nname = "parent"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n' % secret
        path = self.path("parent.toml")
        with open(path) as f:
            text = f.read()
        text = text.replace('update_keys = ["sentinel"]', 'update_keys = ["parent"]')
        self._write("parent.toml", text + "\n" + key)
        with open(self.path("sentinel.toml"), "a") as f:
            f.write("\n%s\n[parent]\nzone = \"example.test\"\nservers = [\"%s.10:53\"]\n"
                    "update_key = \"parent\"\n" % (key, self.p))

    def node_config(self, name, stop_answer):
        text = self._dnsd_config(name, self.nodes[name], ZONE, self.path("api.example.test.zone"),
                                 ["@", "*"])
        return text.replace('stop_answer = "%s"' % self.stop_answer, 'stop_answer = "%s"' % stop_answer)

    def set_stop_answer(self, name, stop_answer):
        """The node's stop_answer, by a reload when it runs (waited for)."""
        if self.answers[name] == stop_answer:
            return
        self._write(name + ".toml", self.node_config(name, stop_answer))
        self.answers[name] = stop_answer
        p = self.procs.get(name)
        if p and p.alive():
            before = p.read_log().count("reload ok")
            p.send(signal.SIGHUP)
            wait_until(lambda: p.read_log().count("reload ok") > before, 10, what=name + " reload")

    def sentinel_txt(self, via):
        return self.direct(via, "_sentinel", TXT)

    def in_srv(self, name, via="lb1"):
        return ("%s.%s." % (name, ZONE)) in self.direct(via, "_tunnel._tcp", SRV)

    def restore(self, name):
        """The node running again, undrained, and back in sentinel's SRV set."""
        p = self.procs.get(name)
        if p and p.proc and p.proc.poll() is None:
            p.send(signal.SIGCONT)
            p.stop(signal.SIGKILL)
        if not (p and p.alive()):
            self.start_dnsd(name)
        if "drained=" + name in self.sentinel_txt("lb1") or ",%s" % name in self.sentinel_txt("lb1"):
            r = self.cli("undrain", name)
            if r.returncode != 0:
                raise RuntimeError("sentinel undrain: " + r.stdout + r.stderr)
        wait_until(lambda: self.in_srv(name), 30, step=0.1, what=name + " back in the SRV set")
        if self.delegation:
            wait_until(lambda: self.ns_name(name) in (
                stop_phases.delegation_ns(self.p + ".10", ZONE) or []), 30, step=0.1,
                what=name + " back in the parent's delegation")


class Counts:
    """answered / failed / NODATA / slow of one resolver in one step."""

    def __init__(self):
        self.total = self.answered = self.failed = self.nodata = self.slow = self.stalled = 0
        self.worst = 0.0
        self.by_node = {}
        self.victim_share = []  # % of the warm-up answers the step's node gave, per repetition

    def add(self, samples, addr_to_node, stalls=frozenset()):
        for i, s in enumerate(samples):
            self.total += 1
            if s.latency is None or (s.rcode not in (0,)):
                self.failed += 1
                continue
            nodes = [addr_to_node.get(a) for a in s.addrs]
            if not s.addrs:
                self.nodata += 1
                continue
            self.answered += 1
            for n in nodes:
                self.by_node[n] = self.by_node.get(n, 0) + 1
            if SLOW <= s.latency < STALL_MAX and i in stalls:
                self.stalled += 1
                continue
            self.worst = max(self.worst, s.latency)
            if s.latency >= SLOW:
                self.slow += 1
        return self

    def cell(self):
        pct = 100.0 * self.answered / max(1, self.total)
        text = "%s %% answered (%d/%d)" % (("%.1f" % pct).rstrip("0").rstrip("."),
                                           self.answered, self.total)
        if self.failed:
            text += ", **%d failed**" % self.failed
        if self.nodata:
            text += ", **%d NODATA**" % self.nodata
        text += ", %d slow" % self.slow
        if self.slow:
            text += " (%.1f %%, worst %.2f s)" % (100.0 * self.slow / max(1, self.total), self.worst)
        if self.stalled:
            text += " (+%d in machine stalls)" % self.stalled
        if self.victim_share:
            text += "; the node had %s %% of the answers before" % "/".join(
                "%.0f" % v for v in self.victim_share)
        return text


def slow_by_second(samples, buckets):
    """[(second, slow or failed, total)] for the first `buckets` seconds."""
    out = []
    for b in range(buckets):
        inb = [s for s in samples if b <= s.at < b + 1]
        bad = [s for s in inb if s.latency is None or s.latency >= SLOW or s.rcode != 0 or not s.addrs]
        out.append((b, len(bad), len(inb)))
    return out


# --- steps --------------------------------------------------------------------------
def start_resolvers(cluster, kinds, workdir, warm=30):
    """Fresh resolvers (cold caches), each resolving through the delegation, then warmed with
    `warm` names so each has met all three nodes."""
    res = {}
    try:
        for k in kinds:
            res[k] = resolvers.make(k, workdir, cluster.root_addr).start("www." + ZONE)
        warmed = probe(res, warm, 0.01)
    except Exception:
        for r in res.values():
            r.stop()
        raise
    victim = cluster.nodes[VICTIM]
    shares = {k: 100.0 * sum(1 for s in v if victim in s.addrs) / max(1, len(v))
              for k, v in warmed.items()}
    return res, shares


def sleep_until(t):
    time.sleep(max(0.0, t - time.monotonic()))


class Step:
    """One row of the table: run() acts on the cluster while probe() measures; `notes`
    collects per-resolver extras (over time, share of the restarted node)."""
    tail = 1.5
    spacing_factor = 1.0

    def __init__(self, name, label):
        self.name, self.label = name, label
        self.events = {}
        self.ns_seen = {}

    def prepare(self, c, default_answer):
        c.set_stop_answer(VICTIM, default_answer)

    def act(self, c, t0):
        raise NotImplementedError

    def summarize(self, kind, samples, c):
        return None

    def after(self, c, res):
        """Called once the names are sent, while the resolvers still run."""


class PlannedStop(Step):
    def __init__(self, answer, grace):
        super().__init__("stop-" + answer, "planned stop, grace %s, `stop_answer = \"%s\"`"
                         % (grace, answer))
        self.answer = answer

    def prepare(self, c, default_answer):
        c.set_stop_answer(VICTIM, self.answer)

    def act(self, c, t0):
        sleep_until(t0 + 0.5)
        self.events["term"] = time.monotonic() - t0
        c.procs[VICTIM].send(signal.SIGTERM)
        c.procs[VICTIM].proc.wait(timeout=30)
        self.events["exit"] = time.monotonic() - t0

    def summarize(self, kind, samples, c):
        return stop_phases.phase_note(samples, self.events)


class DrainStop(Step):
    """`sentinel drain`, then the stop. When sentinel keeps the parent's delegation it is
    `sentinel drain --wait`, which returns once the parent no longer names the node and
    every resolver has dropped the NS set that did: a resolver that still has the address
    keeps asking it after the exit (Knot Resolver's 40 ms explorations)."""

    def __init__(self, grace):
        super().__init__("drain-stop", "`sentinel drain`, then planned stop (grace %s, default "
                         "`stop_answer`)" % grace)
        self.before_stop = None  # called just before the signal (tests mark the logs)

    def act(self, c, t0):
        sleep_until(t0 + 0.3)
        r = c.cli("drain", VICTIM, *(["--wait"] if c.delegation else []))
        if r.returncode != 0:
            raise RuntimeError("sentinel drain: " + r.stdout + r.stderr)
        wait_until(lambda: VICTIM in drained(c.sentinel_txt(VICTIM)), 15, step=0.02,
                   what="%s told it is drained" % VICTIM)
        self.events["drained"] = time.monotonic() - t0
        if c.delegation:
            if c.ns_name(VICTIM) in (stop_phases.delegation_ns(c.p + ".10", ZONE) or []):
                raise RuntimeError("sentinel drain --wait returned while the parent still names "
                                   + c.ns_name(VICTIM) + ": " + r.stdout)
            self.events["settled"] = time.monotonic() - t0
        else:
            time.sleep(0.5)
        if self.before_stop:
            self.before_stop()
        self.events["term"] = time.monotonic() - t0
        c.procs[VICTIM].send(signal.SIGTERM)
        c.procs[VICTIM].proc.wait(timeout=30)
        self.events["exit"] = time.monotonic() - t0

    def summarize(self, kind, samples, c):
        return stop_phases.phase_note(samples, self.events)


def drained(txt):
    for part in txt.replace('"', " ").split():
        if part.startswith("drained="):
            return [n for n in part[len("drained="):].split(",") if n]
    return []


class Kill(Step):
    def __init__(self):
        super().__init__("kill", "node killed (SIGKILL: the kernel answers ICMP port unreachable)")

    def act(self, c, t0):
        sleep_until(t0 + 0.5)
        c.procs[VICTIM].send(signal.SIGKILL)
        c.procs[VICTIM].proc.wait(timeout=30)


class Silent(Step):
    """The host dies without a word: dnsd is frozen (SIGSTOP), so its socket stays bound
    and queries to it go unanswered, no ICMP, exactly what a crashed host or a cut link
    shows a resolver over UDP. Measured for 8 s after sentinel's detection."""
    tail = 8.0

    def __init__(self):
        super().__init__("silent", "host dies silently (no answer, no ICMP)")

    def act(self, c, t0):
        sleep_until(t0 + 0.5)
        c.procs[VICTIM].send(signal.SIGSTOP)
        wait_until(lambda: not c.in_srv(VICTIM), 30, step=0.05, what="sentinel to see it down")
        self.events["detected"] = time.monotonic() - t0

    def summarize(self, kind, samples, c):
        secs = slow_by_second(samples, int(self.events.get("detected", 0) + self.tail) + 1)
        note = "slow or failed per second: " + " ".join("%d/%d" % (bad, n) for _, bad, n in secs)
        if kind in self.ns_seen:
            note += "; NS set it gives clients at the end: " + self.ns_seen[kind]
        return note

    def after(self, c, res):
        """The zone's NS set as each resolver hands it to a client at the end of the step:
        whether it follows the child's set (which sentinel keeps when nodes have `ns`)."""
        self.ns_seen = {}
        for kind, r in res.items():
            got = query(r.host, r.port, ZONE, 2, 2.0)
            if got is None:
                self.ns_seen[kind] = "no answer"
                continue
            names = [n.split(".")[0] for n in got[1]]
            self.ns_seen[kind] = ", ".join(names) or "rcode %d, none" % got[0]


class Restart(Step):
    """Killed, dead for 5 s under load (so the resolvers learn it is gone), restarted: the
    share of answers it gives in the next `window` s."""
    tail = 0.0
    spacing_factor = 5.0  # one name per 100 ms for the minute

    def __init__(self, window=60.0):
        super().__init__("restart", "node restarted after a kill: its share of answers in the "
                         "next %d s" % window)
        self.window = window

    def act(self, c, t0):
        sleep_until(t0 + 0.2)
        c.procs[VICTIM].send(signal.SIGKILL)
        c.procs[VICTIM].proc.wait(timeout=30)
        time.sleep(5.0)
        c.start_dnsd(VICTIM)
        self.events["restarted"] = time.monotonic() - t0
        time.sleep(self.window)

    def summarize(self, kind, samples, c):
        t = self.events.get("restarted", 0)
        after = [s for s in samples if s.at >= t and s.addrs]
        mine = [s for s in after if c.nodes[VICTIM] in s.addrs]
        first = ("first after %.1f s" % (mine[0].at - t)) if mine else "never"
        return "%d of %d answers (%.0f %%) from the restarted node, %s" % (
            len(mine), len(after), 100.0 * len(mine) / max(1, len(after)), first)


def make_steps(names, grace):
    """Step objects for names like stop-refused, stop-lame, drain-stop, kill, silent, restart."""
    out = []
    for n in names:
        if n.startswith("stop-"):
            out.append(PlannedStop(n[len("stop-"):], grace))
        elif n == "drain-stop":
            out.append(DrainStop(grace))
        elif n == "kill":
            out.append(Kill())
        elif n == "silent":
            out.append(Silent())
        elif n == "restart":
            out.append(Restart())
        else:
            raise ValueError("unknown step %r" % n)
    return out


def run_step(c, step, kinds, workdir, names, spacing, default_answer):
    """One repetition of one step: {kind: (Counts, note)}. Leaves the cluster whole again."""
    step.prepare(c, default_answer)
    step.events = {}
    res, shares = start_resolvers(c, kinds, workdir)
    try:
        count = names if step.spacing_factor == 1.0 else max(1, int(names / step.spacing_factor))
        out = probe(res, count, spacing * step.spacing_factor, lambda t0: step.act(c, t0), step.tail)
        step.after(c, res)
    finally:
        for r in res.values():
            r.stop()
        c.restore(VICTIM)
    addr_to_node = {a: n for n, a in c.nodes.items()}
    stalls = machine_stalls(out)
    out = {k: (Counts().add(s, addr_to_node, stalls), step.summarize(k, s, c)) for k, s in out.items()}
    for k, (cnt, _) in out.items():
        cnt.victim_share.append(shares[k])
    return out


def machine_stalls(out):
    """Indexes of the names that 3 resolvers (all, if fewer) answered in >= STALL s: the
    names are sent to every resolver at the same instant, so a wait on a node shows at one
    resolver while a stall of this machine shows at all of them."""
    if len(out) < 2:
        return frozenset()
    need = min(3, len(out))
    n = min(len(v) for v in out.values())
    return frozenset(i for i in range(n) if sum(
        1 for v in out.values()
        if v[i].latency is not None and STALL <= v[i].latency < STALL_MAX) >= need)


def merge(results):
    """[{kind: (Counts, note)}] of the repetitions -> {kind: (Counts, [notes])}."""
    total = {}
    for r in results:
        for k, (cnt, note) in r.items():
            t, notes = total.setdefault(k, (Counts(), []))
            for f in ("total", "answered", "failed", "nodata", "slow", "stalled"):
                setattr(t, f, getattr(t, f) + getattr(cnt, f))
            t.worst = max(t.worst, cnt.worst)
            t.victim_share += cnt.victim_share
            for n, v in cnt.by_node.items():
                t.by_node[n] = t.by_node.get(n, 0) + v
            if note:
                notes.append(note)
    return total


def table(rows, kinds):
    """Markdown: one row per step, one column per resolver."""
    head = "| step | " + " | ".join(resolvers.version(k) for k in kinds) + " |"
    lines = [head, "|---" * (len(kinds) + 1) + "|"]
    for step, total in rows:
        cells = []
        for k in kinds:
            cnt, notes = total[k]
            cells.append(cnt.cell() + ("; " + "; ".join(notes) if notes else ""))
        lines.append("| %s | %s |" % (step.label, " | ".join(cells)))
    return "\n".join(lines)


def dnsd_default_stop_answer():
    """[server] stop_answer's default as the generated config reference states it."""
    ref = os.path.join(os.environ.get("SRCDIR", "."), "docs", "config-reference.md")
    with open(ref) as f:
        for line in f:
            if line.startswith("| `server.stop_answer`"):
                return line.split("|")[3].strip().strip("`").strip('"')
    raise RuntimeError("no stop_answer default in " + ref)
