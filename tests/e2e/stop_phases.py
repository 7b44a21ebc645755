"""The phases of a planned stop as the resolver matrix measures them (issue 19): when each
slow or failed answer was asked (before the stop signal, in the stop_grace window, after
the exit), and the parent's delegation as the parent serves it.

Why the phases: Knot Resolver 5.6 keeps every address of a zone cut's NS set as a choice
and explores a random one on 1 query in 20 (lib/selection.c, EPSILON 1/20). A gone
server's timeout is then capped at twice the best server's (srtt + at least 20 ms: 40-42
ms on loopback), and a capped timeout is not recorded (`timeout_capped`), so kresd never
learns the server is gone: its 40 ms answers all fall after the exit, for as long as the
address is in the NS set it holds (`sentinel drain --wait` waits until it is not)."""
import socket
import struct

from e2e_cluster import read_name, skip_name

SLOW = 0.040


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
