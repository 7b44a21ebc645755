"""The phases of a planned stop as the resolver matrix measures them (issue 19): when each
slow answer was asked (before the stop signal, in the stop_grace window, after the exit),
the parent's delegation as the parent serves it, and how long a drained node must keep
answering so that no resolver still has it in the NS set it picks servers from.

Why the last one: Knot Resolver 5.6 keeps every address of a zone cut's NS set as a choice
and explores a random one on 1 in 20 queries (lib/selection.c, EPSILON 1/20). A gone
server's timeout is capped at twice the best server's when explored, which is 40 ms on
loopback (srtt 0 + MINIMAL_TIMEOUT_ADDITION 20 ms, x2), and a capped timeout is not
recorded (`timeout_capped`), so kresd never learns the server is gone: it keeps costing
about 1 in 60 queries a 40 ms wait for as long as the address is in the NS set. Only an NS
set without the node avoids it, and kresd holds a cached NS set for at least its
cache.min_ttl (5 s by default) even when the TTL is shorter."""
import socket
import struct

from e2e_cluster import read_name, skip_name

SLOW = 0.040
KRESD_MIN_TTL = 5.0   # Knot Resolver's default cache.min_ttl: shorter TTLs are raised to it
SETTLE_MARGIN = 1.0   # the resolvers' last fetch of the old NS set, and this machine's jitter


def settle_seconds(ns_ttl):
    """How long after the delegation lost a node every resolver has dropped the old NS set:
    its TTL (ns_ttl), but never less than Knot Resolver's minimum cache TTL, plus margin."""
    return max(float(ns_ttl), KRESD_MIN_TTL) + SETTLE_MARGIN


def phase_counts(samples, events):
    """[(phase, slow or failed, total)] of one resolver's samples (Sample.at relative to t0,
    .latency, .rcode, .addrs: failed = no answer, an error rcode or no address) against the stop's events ("term": the signal, "exit": the process
    gone), both in seconds after t0. Phases without their event are left out."""
    term, gone = events.get("term"), events.get("exit")
    if term is None or gone is None:
        return []
    bounds = [("before the stop signal", float("-inf"), term), ("in the grace window", term, gone),
              ("after the exit", gone, float("inf"))]
    out = []
    for name, lo, hi in bounds:
        inside = [s for s in samples if lo <= s.at < hi]
        bad = [s for s in inside if s.latency is None or s.latency >= SLOW or s.rcode != 0
               or not s.addrs]
        out.append((name, len(bad), len(inside)))
    return out


def phase_note(samples, events):
    """'slow or failed: 0/25 before the stop signal, 0/100 in the grace window, 2/75 after the
    exit', or None when the step has no stop."""
    counts = phase_counts(samples, events)
    if not counts:
        return None
    return "slow or failed: " + ", ".join("%d/%d %s" % (bad, n, name) for name, bad, n in counts)


def delegation_ns(parent, zone, timeout=1.0):
    """The NS names of `zone` in the referral `parent` (an address, port 53) gives for it,
    lowercased, sorted; None when it does not answer."""
    qid = 0x5151
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in zone.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    q += b"\x00" + struct.pack(">HH", 2, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(q, (parent, 53))
        while True:
            data = s.recv(65535)
            if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
                return referral_ns(data)
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()


def referral_ns(data):
    """NS targets in the answer and authority sections of a DNS message."""
    qd, an, ns = struct.unpack(">HHH", data[4:10])
    pos = 12
    for _ in range(qd):
        pos = skip_name(data, pos) + 4
    out = []
    for _ in range(an + ns):
        pos = skip_name(data, pos)
        rtype, _, _, rdlen = struct.unpack(">HHIH", data[pos:pos + 10])
        if rtype == 2:
            out.append(read_name(data, pos + 10).lower())
        pos += 10 + rdlen
    return sorted(out)
