"""The checker of scripts/partitions: pure functions over one recorded history of a cluster
run under a schedule of partitions, kills and restarts. No I/O.

A history is a dict:
  config  {"mode": "single"|"ha", "sentinels": ["s1", ...], "quorum": int, "etcd": ["e0", ...],
           "nodes": ["lb1", ...], "window": s, "deadline": s, "grace": s}
          Each node is two processes: its dnsd (named like the node) and its tunnel receiver
          (the node's name + "t"). `window`: how far back a failover may be caused by what
          the sentinels saw; `deadline`: how soon a failover must complete once it is due;
          `grace`: how long a started process takes to count as surely up (until then
          a sentinel may see it down, and no failover is owed because of it).
  faults  [{"t": s, "op": "cut", "a": x, "b": y} | {"op": "isolate", "a": x} |
           {"op": "heal"} (every partition) | {"op": "kill", "proc": p} | {"op": "start", "proc": p}]
          in time order; every process is up and every link whole at t = 0.
  dns     [{"t": s, "node": "lb1", "epoch": int, "master": "lb2"}]: each dnsd's _sentinel
          record as polled (a poll that got no answer is not recorded).
  hooks   [{"t": s, "receiver": "lb2", "event": "promote"|"demote", "epoch": int,
           "accepted": bool}]: every call each tunnel receiver logged.
  end     s: when recording stopped.

check(history) returns the list of violations of the invariants (each {"invariant", "t",
"detail"}); summary(history) adds the counts and the false failovers (a failover while the
master was up and reachable from the nodes: in single mode, what a sentinel cut off alone
from a healthy master does).

Invariants (issue 14):
  one_master_per_epoch   no epoch is served or promoted with two different masters;
  epoch_monotonic        the epoch each dnsd serves never goes back;
  receiver_monotonic     no receiver accepts a promote with an epoch lower than one it saw;
  no_minority_failover   a failover only when, within `window` before it, at least
                         `quorum` live sentinels could not see the old master;
  failover_completes     while a quorum of sentinels (each reaching an etcd majority, in ha
                         mode) sees the master down and a candidate up, a failover follows
                         within `deadline` (+ `grace`).
"""
import itertools


class World:
    """Which processes are up and who reaches whom, at any time, from the faults. A process
    started less than `grace` ago is alive but not yet ready (it may not answer yet)."""

    def __init__(self, faults, grace=0.0):
        self.faults = sorted(faults, key=lambda f: f["t"])
        self.grace = grace
        # The state changes at each fault and when a started process becomes ready.
        self.times = sorted({f["t"] for f in self.faults} |
                            {f["t"] + grace for f in self.faults if f["op"] == "start"})

    def state(self, t):
        down, cuts, isolated, fresh = set(), set(), set(), set()
        for f in self.faults:
            if f["t"] > t:
                break
            op = f["op"]
            if op == "kill":
                down.add(f["proc"])
                fresh.discard(f["proc"])
            elif op == "start":
                down.discard(f["proc"])
                if t < f["t"] + self.grace:
                    fresh.add(f["proc"])
                else:
                    fresh.discard(f["proc"])
            elif op == "cut":
                cuts.add(frozenset((f["a"], f["b"])))
            elif op == "isolate":
                isolated.add(f["a"])
            elif op == "heal":
                cuts.clear()
                isolated.clear()
        return State(down, cuts, isolated, fresh)

    def points(self, t0, t1):
        """t0 and every change of the world in (t0, t1]: the state is constant in between."""
        return [t0] + [t for t in self.times if t0 < t <= t1]



class State:
    def __init__(self, down, cuts, isolated, fresh=()):
        self.down, self.cuts, self.isolated, self.fresh = down, cuts, isolated, set(fresh)

    def alive(self, p):
        """Not killed (it may still be starting)."""
        return p not in self.down

    def up(self, p):
        """Alive and past its start-up grace: surely answering."""
        return p not in self.down and p not in self.fresh

    def reach(self, a, b):
        return a not in self.isolated and b not in self.isolated and frozenset((a, b)) not in self.cuts

    def node_ok_from(self, s, node, strict=True):
        """Whether sentinel s sees node up: its dnsd and its receiver are up (strict) or at
        least alive, and reachable."""
        return all((self.up(p) if strict else self.alive(p)) and self.reach(s, p)
                   for p in (node, node + "t"))

    def node_healthy(self, node, nodes):
        """Up and not cut off from the other nodes (what its clients see)."""
        procs = (node, node + "t")
        return all(self.up(p) and p not in self.isolated for p in procs) and all(
            self.reach(p, q) for p in procs for q in nodes if q != node)

    def etcd_majority_from(self, s, members):
        """Whether s reaches a majority of etcd members that are up and reach each other."""
        need = len(members) // 2 + 1
        ok = [m for m in members if self.up(m) and self.reach(s, m)]
        return any(all(self.reach(a, b) for a, b in itertools.combinations(group, 2))
                   for group in itertools.combinations(ok, need)) if len(ok) >= need else False


def masters_by_time(history):
    """[(t, epoch, master)] of every observation (dns polls and accepted promotes), by time."""
    obs = [(d["t"], d["epoch"], d["master"]) for d in history.get("dns", [])
           if d.get("epoch") is not None and d.get("master")]
    obs += [(h["t"], h["epoch"], h["receiver"]) for h in history.get("hooks", [])
            if h.get("event") == "promote" and h.get("accepted")]
    return sorted(obs, key=lambda o: (o[0], o[1]))


def failovers(history):
    """[{"t", "epoch", "from", "to"}]: each first sight of a higher epoch with a new master."""
    out, epoch, master = [], None, None
    for t, e, m in masters_by_time(history):
        if epoch is None:
            epoch, master = e, m
            continue
        if e > epoch:
            if m != master:
                out.append({"t": t, "epoch": e, "from": master, "to": m})
            epoch, master = e, m
    return out


def _violation(name, t, detail):
    return {"invariant": name, "t": round(t, 3), "detail": detail}


def check_one_master_per_epoch(history):
    """One report per epoch, at the first sight of its second master."""
    seen, out = {}, []
    for t, e, m in masters_by_time(history):
        first = seen.setdefault(e, (m, t))
        if first[0] != m and first[0] is not None:
            out.append(_violation("one_master_per_epoch", t, "epoch %d: master %s at %.2fs, %s at %.2fs"
                                  % (e, first[0], first[1], m, t)))
            seen[e] = (None, t)
    return out


def check_epoch_monotonic(history):
    last, out = {}, []
    for d in sorted(history.get("dns", []), key=lambda d: d["t"]):
        if d.get("epoch") is None:
            continue
        prev = last.get(d["node"])
        if prev is not None and d["epoch"] < prev[0]:
            out.append(_violation("epoch_monotonic", d["t"], "%s served epoch %d at %.2fs, then %d"
                                  % (d["node"], prev[0], prev[1], d["epoch"])))
        if prev is None or d["epoch"] >= prev[0]:
            last[d["node"]] = (d["epoch"], d["t"])
    return out


def check_receiver_monotonic(history):
    best, out = {}, []
    for h in sorted(history.get("hooks", []), key=lambda h: h["t"]):
        if not h.get("accepted"):
            continue
        prev = best.get(h["receiver"], 0)
        if h.get("event") == "promote" and h["epoch"] < prev:
            out.append(_violation("receiver_monotonic", h["t"], "%s accepted promote epoch %d after %d"
                                  % (h["receiver"], h["epoch"], prev)))
        best[h["receiver"]] = max(prev, h["epoch"])
    return out


def _seeing_down(state, sentinels, master):
    """The sentinels that may see `master` down: alive, and it is not surely up for them."""
    return [s for s in sentinels if state.alive(s) and not state.node_ok_from(s, master)]


def _surely_seeing_down(state, sentinels, master):
    """The sentinels that must see `master` down: up, and it is dead or cut off for them."""
    return [s for s in sentinels if state.up(s) and not state.node_ok_from(s, master, strict=False)]


def check_no_minority_failover(history, world=None):
    cfg = history["config"]
    world = world or World(history.get("faults", []), cfg.get("grace", 0.0))
    out = []
    for f in failovers(history):
        t0 = max(0.0, f["t"] - cfg["window"])
        most = max(len(_seeing_down(world.state(t), cfg["sentinels"], f["from"]))
                   for t in world.points(t0, f["t"]))
        if most < cfg["quorum"]:
            out.append(_violation("no_minority_failover", f["t"],
                                  "failover %s -> %s (epoch %d) while at most %d of %d sentinels "
                                  "lost %s in the %.1fs before (quorum %d)"
                                  % (f["from"], f["to"], f["epoch"], most, len(cfg["sentinels"]),
                                     f["from"], cfg["window"], cfg["quorum"])))
    return out


def _failover_due(state, cfg, master):
    """Whether a quorum of sentinels sees `master` down, each reaching an etcd majority (ha)
    and one same candidate up."""
    seeing = _surely_seeing_down(state, cfg["sentinels"], master)
    if cfg["mode"] == "ha":
        seeing = [s for s in seeing if state.etcd_majority_from(s, cfg["etcd"])]
    if len(seeing) < cfg["quorum"]:
        return False
    return any(all(state.node_ok_from(s, c) for s in seeing) for c in cfg["nodes"] if c != master)


def check_failover_completes(history, world=None):
    cfg = history["config"]
    world = world or World(history.get("faults", []), cfg.get("grace", 0.0))
    fos = failovers(history)
    obs = masters_by_time(history)
    if not obs:
        return []
    end = history["end"]
    limit = cfg["deadline"] + cfg["grace"]
    # The master in force over time: the first observed, then each failover's.
    changes = [(0.0, obs[0][2])] + [(f["t"], f["to"]) for f in fos]
    points = sorted(set(world.points(0.0, end)) | {c[0] for c in changes})
    out = []
    run_start, run_master, reported = None, None, False
    for i, t in enumerate(points):
        master = [m for ct, m in changes if ct <= t][-1]
        due = _failover_due(world.state(t), cfg, master)
        if due and (run_start is None or master != run_master):
            run_start, run_master, reported = t, master, False
        elif not due:
            run_start = None
        nxt = points[i + 1] if i + 1 < len(points) else end
        if run_start is not None and not reported and nxt - run_start >= limit:
            out.append(_violation("failover_completes", run_start,
                                  "%s down for a quorum from %.2fs on, no failover by %.2fs"
                                  % (run_master, run_start, run_start + limit)))
            reported = True  # one report per outage
    return out


def check(history):
    world = World(history.get("faults", []), history["config"].get("grace", 0.0))
    return (check_one_master_per_epoch(history) + check_epoch_monotonic(history)
            + check_receiver_monotonic(history) + check_no_minority_failover(history, world)
            + check_failover_completes(history, world))


def false_failovers(history):
    """Failovers while the old master was healthy (up, reachable from the other nodes)
    throughout the `window` before them."""
    cfg = history["config"]
    world = World(history.get("faults", []), cfg.get("grace", 0.0))
    out = []
    for f in failovers(history):
        t0 = max(0.0, f["t"] - cfg["window"])
        if all(world.state(t).node_healthy(f["from"], cfg["nodes"]) for t in world.points(t0, f["t"])):
            out.append(f)
    return out


def summary(history):
    v = check(history)
    counts = {}
    for x in v:
        counts[x["invariant"]] = counts.get(x["invariant"], 0) + 1
    return {"violations": v, "counts": counts, "failovers": len(failovers(history)),
            "false_failovers": len(false_failovers(history))}
