"""Network namespaces for the partition tests: one namespace per process (an etcd member, a
sentinel, a dnsd node, a tunnel stand-in), all joined to one router namespace, and network
partitions between them that drop packets silently. Everything is created by this run and
deleted at its end, even on failure; the host's own interfaces are never touched (every
link is created inside our namespaces with `ip -n`). Needs root and iproute2.

    from netns_harness import Netns
    with Netns(["e0", "e1", "s1", "lb1"]) as net:   # namespaces dg<tag>-e0, ... and dg<tag>-r
        net.ip("e0")                                 # "10.77.1.2": e0's address, reachable from all
        p = net.popen("e0", ["etcd", ...])           # started inside e0's namespace; stopped by
                                                     # PID at the end (or net.stop(p) earlier)
        net.run("s1", ["dig", ...])                  # subprocess.run inside s1's namespace
        net.argv("e0")                               # ["ip", "netns", "exec", ns]: a prefix
        net.track(proc)                              # stop a process started with that prefix too
        net.cut("s1", "lb1")                         # s1 and lb1 no longer reach each other
        net.isolate("e0")                            # e0 reaches nobody, nobody reaches e0
        net.heal("s1", "lb1"); net.heal()            # one cut, or every cut and isolation
        net.reachable("s1", "lb1")                   # True unless cut or isolated
        net.reset()                                  # every process stopped, every cut
                                                     # healed; the namespaces stay

Why a router and not a bridge: partitions must be silent (no RST, no ICMP, so clients see
timeouts as in a real network split). This kernel has no tc classifiers/actions and no
netfilter tools, so the drop is done by policy routing in the router namespace: an
`ip rule ... blackhole` on forwarded packets discards them without any ICMP (the kernel's
ip_error() stays silent for EINVAL). Each namespace has one veth (eth0, 10.77.<i>.2/24) to
the router (10.77.<i>.1), its default route, and its own loopback up.

Namespaces and rules are listed in `Netns.created` while they exist; `cleanup()` (run by
the context manager, atexit and SIGTERM) stops the processes started here, then deletes
every namespace it created, by name.
"""
import atexit
import os
import random
import signal
import subprocess
import sys

_live = []  # Netns objects not yet cleaned up, for atexit / SIGTERM


def _cleanup_all(*_):
    for net in list(_live):
        net.cleanup()


atexit.register(_cleanup_all)


def cleanup_all():
    """Deletes every namespace set of this process not yet cleaned up (and stops its processes)."""
    _cleanup_all()


def install_sigterm_cleanup():
    """On SIGTERM (meson's timeout, a Ctrl-C'd runner): delete our namespaces, then exit 1."""
    def handler(signum, frame):
        _cleanup_all()
        sys.exit(1)
    signal.signal(signal.SIGTERM, handler)


def available():
    """Why namespaces cannot be used here ("" when they can)."""
    if os.geteuid() != 0:
        return "root (running as uid %d)" % os.geteuid()
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    if r.returncode != 0:
        return "ip netns (%s)" % r.stderr.strip()
    return ""


def _ip(*args, check=True):
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), r.stderr.strip()))
    return r


class Netns:
    def __init__(self, names, tag=None):
        if len(set(names)) != len(names) or len(names) > 250:
            raise ValueError("names must be unique and at most 250")
        self.tag = tag or "dg%06x" % random.randrange(1 << 24)
        self.router = self.tag + "-r"
        self.names = list(names)
        self.ns = {n: "%s-%s" % (self.tag, n) for n in names}
        self._ip = {n: "10.77.%d.2" % (i + 1) for i, n in enumerate(names)}
        self.created = []     # namespace names, in creation order
        self.procs = []       # Popen objects started in our namespaces
        self.rules = {}       # frozenset of names or ("iso", name) -> [rule priorities]
        self._next_prio = 100
        _live.append(self)
        try:
            self._setup()
        except Exception:
            self.cleanup()
            raise

    def _setup(self):
        _ip("netns", "add", self.router)
        self.created.append(self.router)
        _ip("-n", self.router, "link", "set", "lo", "up")
        subprocess.run(["ip", "netns", "exec", self.router, "sh", "-c",
                        "echo 1 > /proc/sys/net/ipv4/ip_forward"], check=True)
        for i, n in enumerate(self.names):
            ns = self.ns[n]
            _ip("netns", "add", ns)
            self.created.append(ns)
            _ip("-n", ns, "link", "set", "lo", "up")
            # Both ends are born inside our namespaces: nothing appears on the host.
            _ip("-n", self.router, "link", "add", "v%d" % (i + 1), "type", "veth",
                "peer", "name", "eth0", "netns", ns)
            _ip("-n", self.router, "addr", "add", "10.77.%d.1/24" % (i + 1), "dev", "v%d" % (i + 1))
            _ip("-n", self.router, "link", "set", "v%d" % (i + 1), "up")
            _ip("-n", ns, "addr", "add", self._ip[n] + "/24", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            _ip("-n", ns, "route", "add", "default", "via", "10.77.%d.1" % (i + 1))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def ip(self, name):
        return self._ip[name]

    def argv(self, name):
        return ["ip", "netns", "exec", self.ns[name]]

    def popen(self, name, argv, **kwargs):
        return self.track(subprocess.Popen(self.argv(name) + list(argv), **kwargs))

    def track(self, proc):
        """Makes cleanup() stop `proc` too (one started in a namespace some other way)."""
        self.procs.append(proc)
        return proc

    def run(self, name, argv, **kwargs):
        return subprocess.run(self.argv(name) + list(argv), **kwargs)

    def stop(self, proc, grace=5, sig=signal.SIGTERM):
        """Stops one process started here, by its PID."""
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)

    def _add_rule(self, key, *selector):
        prio = self._next_prio
        self._next_prio += 1
        _ip("-n", self.router, "rule", "add", *selector, "blackhole", "priority", str(prio))
        self.rules.setdefault(key, []).append(prio)

    def cut(self, a, b):
        """a and b stop reaching each other (both directions, silently)."""
        key = frozenset((a, b))
        if key in self.rules or a == b:
            return
        self._add_rule(key, "from", self._ip[a], "to", self._ip[b])
        self._add_rule(key, "from", self._ip[b], "to", self._ip[a])

    def isolate(self, a):
        """a reaches nobody and nobody reaches a."""
        key = ("iso", a)
        if key in self.rules:
            return
        self._add_rule(key, "from", self._ip[a])
        self._add_rule(key, "to", self._ip[a])

    def heal(self, a=None, b=None):
        """Removes the cut between a and b, a's isolation (b None), or every partition."""
        if a is None:
            keys = list(self.rules)
        elif b is None:
            keys = [("iso", a)]
        else:
            keys = [frozenset((a, b))]
        for key in keys:
            for prio in self.rules.pop(key, []):
                _ip("-n", self.router, "rule", "del", "priority", str(prio), check=False)

    def reachable(self, a, b):
        return (frozenset((a, b)) not in self.rules and ("iso", a) not in self.rules
                and ("iso", b) not in self.rules)

    def reset(self):
        """Stops every process started here and heals every partition, keeping the
        namespaces for the next run (scripts/partitions reuses them from one schedule to
        the next: making and deleting them is a good part of a schedule's set-up)."""
        for p in self.procs:
            try:
                self.stop(p)
            except Exception:
                pass
        self.procs = []
        self.heal()

    def cleanup(self):
        for p in self.procs:
            try:
                self.stop(p)
            except Exception:
                pass
        self.procs = []
        for ns in reversed(self.created):
            _ip("netns", "del", ns, check=False)
        self.created = []
        self.rules = {}
        if self in _live:
            _live.remove(self)
