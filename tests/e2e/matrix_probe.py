"""Fresh random names through recursive resolvers at fixed instants, while an action runs:
the resolver matrix's measuring loop (tests/e2e/resolver_matrix.py). Every name is a new
self name of api.example.test, so no resolver answers it from its cache."""
import random
import select
import socket
import struct
import threading
import time

from e2e_cluster import ZONE, parse_answers

TIMEOUT = 4.0      # a query not answered in this long has failed


def query(host, port, name, qtype, timeout):
    qid = random.randint(0, 65535)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    try:
        s.sendto(build(name, qtype, qid), (host, port))
        while True:
            data, _ = s.recvfrom(4096)
            if len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid:
                return data[3] & 0x0F, parse_answers(data)
    except (socket.timeout, ConnectionRefusedError):
        return None
    finally:
        s.close()


def build(name, qtype, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", qtype, 1)


def rand_name():
    return "m%08x.%s" % (random.getrandbits(32), ZONE)


class Sample:
    __slots__ = ("at", "latency", "rcode", "addrs")

    def __init__(self, at):
        self.at, self.latency, self.rcode, self.addrs = at, None, None, []


def probe(res, count, spacing, action=None, tail=0.0):
    """Sends `count` fresh names to every resolver in `res` ({kind: Resolver}), one every
    `spacing` s, at the same instants, while `action(t0)` runs in a thread; keeps sending
    until the action has returned and `tail` s more. Returns {kind: [Sample]} with times
    relative to t0 (the first send)."""
    socks, pending, out = {}, {}, {k: [] for k in res}
    for k, r in res.items():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((r.host, r.port))
        s.setblocking(False)
        socks[s.fileno()] = (k, s)
    t0 = time.monotonic()
    done = threading.Event()
    errors = []

    def run_action():
        try:
            if action:
                action(t0)
        except Exception as e:  # reported by the caller, after the sockets are closed
            errors.append(e)
        finally:
            done.set()
    th = threading.Thread(target=run_action)
    th.start()
    sent, end_after_done = 0, None
    try:
        while True:
            now = time.monotonic()
            if done.is_set() and end_after_done is None:
                end_after_done = now + tail
            sending = sent < count or end_after_done is None or now < end_after_done
            if not sending and not pending:
                break
            if not sending and now > t0 + sent * spacing + TIMEOUT:
                break
            next_send = t0 + sent * spacing
            if sending and now >= next_send:
                for fd, (k, s) in socks.items():
                    qid = (sent * 7 + 13) & 0xFFFF
                    smp = Sample(now - t0)
                    out[k].append(smp)
                    pending[(k, qid)] = (smp, now)
                    try:
                        s.send(build(rand_name(), 1, qid))
                    except OSError:
                        pass
                sent += 1
                continue
            wait = (next_send - now) if sending else 0.05
            ready, _, _ = select.select(list(socks), [], [], max(0.0, min(wait, 0.05)))
            for fd in ready:
                k, s = socks[fd]
                while True:
                    try:
                        data = s.recv(4096)
                    except (BlockingIOError, ConnectionRefusedError):
                        break
                    if len(data) < 12:
                        continue
                    got = pending.pop((k, struct.unpack(">H", data[:2])[0]), None)
                    if got is None:
                        continue
                    smp, at = got
                    smp.latency = time.monotonic() - at
                    smp.rcode = data[3] & 0x0F
                    try:
                        smp.addrs = parse_answers(data)
                    except (IndexError, struct.error):
                        smp.addrs = []
            now = time.monotonic()
            for key in [key for key, (smp, at) in pending.items() if now - at > TIMEOUT]:
                del pending[key]
    finally:
        th.join()
        for _, s in socks.values():
            s.close()
    if errors:
        raise errors[0]
    return out
