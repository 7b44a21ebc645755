#!/usr/bin/env python3
"""node_responder.py ADDRESSES DNS_PORT TCP_PORT HTTP_PORT ZONE: fake nodes for
scripts/bench --sentinel. One process, one thread, epoll: for each address in the file
ADDRESSES, a UDP socket on DNS_PORT answering the SOA of ZONE with AA (REFUSED to anything
else), a TCP listener on TCP_PORT that accepts and closes, and an HTTP listener on
HTTP_PORT that answers "200 OK" to one request and closes.

Prints "ready" once every socket is bound. Commands on stdin, one per line:
  kill I         close node I's three sockets (its checks then fail)
  arrivals on    start recording when probes arrive (accepts and queries)
  arrivals off   stop, and print "spread BINS MAX MEAN": arrivals per 10 ms bin
"""
import resource
import selectors
import socket
import struct
import sys
import time


def soa_answer(query, zone_wire):
    if len(query) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", query[:6])
    if flags & 0x8000 or qd != 1:
        return None
    end = 12
    while end < len(query) and query[end] != 0:
        end += 1 + query[end]
    end += 1
    if end + 4 > len(query):
        return None
    qname, (qtype, qclass) = query[12:end], struct.unpack("!HH", query[end:end + 4])
    question = query[12:end + 4]
    opcode = (flags >> 11) & 0xF
    rd = flags & 0x0100
    if opcode != 0 or qtype != 6 or qname.lower() != zone_wire:
        return struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x7900) | 5, 1, 0, 0, 0) + question  # REFUSED
    rdata = b"\x02ns\xc0\x0c\x01h\xc0\x0c" + struct.pack("!IIIII", 1, 3600, 600, 86400, 60)
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, 300, len(rdata)) + rdata
    return struct.pack("!HHHHHH", qid, 0x8400 | rd, 1, 1, 0, 0) + question + rr


def main():
    path, dns_port, tcp_port, http_port, zone = sys.argv[1], *map(int, sys.argv[2:5]), sys.argv[5]
    zone_wire = b"".join(bytes([len(l)]) + l.encode() for l in zone.strip(".").lower().split(".")) + b"\0"
    addrs = [l.strip() for l in open(path) if l.strip()]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 3 * len(addrs) + 1024)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    sel = selectors.DefaultSelector()
    nodes = []
    for ad in addrs:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((ad, dns_port))
        u.setblocking(False)
        t = socket.socket()
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((ad, tcp_port))
        t.listen(256)
        t.setblocking(False)
        h = socket.socket()
        h.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        h.bind((ad, http_port))
        h.listen(256)
        h.setblocking(False)
        sel.register(u, selectors.EVENT_READ, "dns")
        sel.register(t, selectors.EVENT_READ, "tcp")
        sel.register(h, selectors.EVENT_READ, "http")
        nodes.append((u, t, h))
    sel.register(sys.stdin, selectors.EVENT_READ, "control")
    print("ready", flush=True)
    arrivals = None
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    while True:
        for key, _ in sel.select():
            kind, s = key.data, key.fileobj
            if kind != "control" and s.fileno() < 0:
                continue  # killed earlier in this round of events
            if kind == "dns":
                try:
                    q, peer = s.recvfrom(4096)
                except OSError:
                    continue
                if arrivals is not None:
                    arrivals.append(time.monotonic())
                r = soa_answer(q, zone_wire)
                if r:
                    s.sendto(r, peer)
            elif kind in ("tcp", "http"):
                try:
                    c, _ = s.accept()
                except OSError:
                    continue
                if arrivals is not None:
                    arrivals.append(time.monotonic())
                if kind == "tcp":
                    c.close()
                else:
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, "request")
            elif kind == "request":
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                sel.unregister(s)
                if data:
                    try:
                        s.send(response)
                    except OSError:
                        pass
                s.close()
            elif kind == "control":
                line = sys.stdin.readline()
                if not line:
                    return
                cmd = line.split()
                if cmd[:1] == ["kill"] and len(cmd) == 2 and 0 <= int(cmd[1]) < len(nodes):
                    for sock in nodes[int(cmd[1])]:
                        if sock.fileno() >= 0:
                            sel.unregister(sock)
                            sock.close()
                elif cmd == ["arrivals", "on"]:
                    arrivals = []
                elif cmd == ["arrivals", "off"] and arrivals is not None:
                    bins = {}
                    for t in arrivals:
                        bins[int(t * 100)] = bins.get(int(t * 100), 0) + 1
                    if bins:
                        span = max(bins) - min(bins) + 1
                        print("spread %d %d %.2f" % (span, max(bins.values()), len(arrivals) / span), flush=True)
                    else:
                        print("spread 0 0 0", flush=True)
                    arrivals = None


if __name__ == "__main__":
    main()
