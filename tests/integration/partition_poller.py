"""Polls every dnsd's _sentinel TXT record (UDP, one query per node per round) and appends
one JSON line per answer to a file: {"t": wall time, "node", "epoch", "master"}. Run by
scripts/partitions inside its observer namespace (never partitioned); stops on SIGTERM.

  partition_poller.py OUT ZONE INTERVAL_S NAME=IP:PORT...
"""
import json
import os
import random
import signal
import socket
import struct
import sys
import time


def query(name, qtype=16):
    qid = random.randrange(1 << 16)
    q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return qid, q + b"\x00" + struct.pack(">HH", qtype, 1)


def skip_name(msg, p):
    while True:
        n = msg[p]
        if n == 0:
            return p + 1
        if n & 0xC0 == 0xC0:
            return p + 2
        p += 1 + n


def txt_strings(msg, qid):
    """The character-strings of every TXT answer, or None when the reply is not usable."""
    if len(msg) < 12:
        return None
    rid, flags, qd, an = struct.unpack(">HHHH", msg[:8])
    if rid != qid or flags & 0x000F != 0:
        return None
    p = 12
    for _ in range(qd):
        p = skip_name(msg, p) + 4
    out = []
    for _ in range(an):
        p = skip_name(msg, p)
        rtype, _, _, rdlen = struct.unpack(">HHIH", msg[p:p + 10])
        p += 10
        rd, end = p, p + rdlen
        if rtype == 16:
            while rd < end:
                n = msg[rd]
                out.append(msg[rd + 1:rd + 1 + n].decode(errors="replace"))
                rd += 1 + n
        p = end
    return out


def main():
    out_path, zone, interval = sys.argv[1], sys.argv[2], float(sys.argv[3])
    targets = []
    for arg in sys.argv[4:]:
        name, addr = arg.split("=", 1)
        host, port = addr.rsplit(":", 1)
        targets.append((name, host, int(port)))
    running = [True]
    signal.signal(signal.SIGTERM, lambda *_: running.__setitem__(0, False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(0.15)
    with open(out_path, "a") as out:
        while running[0]:
            for name, host, port in targets:
                qid, q = query("_sentinel." + zone)
                try:
                    sock.sendto(q, (host, port))
                    deadline = time.time() + 0.15
                    strings = None
                    while strings is None and time.time() < deadline:
                        msg, _ = sock.recvfrom(65535)
                        strings = txt_strings(msg, qid)
                except (socket.timeout, OSError):
                    continue
                fields = dict(s.split("=", 1) for s in strings or [] if "=" in s)
                if "epoch" in fields and fields["epoch"].isdigit():
                    out.write(json.dumps({"t": time.time(), "node": name, "epoch": int(fields["epoch"]),
                                          "master": fields.get("master", "")}) + "\n")
                    out.flush()
            time.sleep(interval)
    os._exit(0)


if __name__ == "__main__":
    main()
