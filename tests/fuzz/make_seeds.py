#!/usr/bin/env python3
"""Regenerates the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from real
material: queries as dig and our harness send them, TSIG-signed updates as nsupdate sends
them (captured on a loopback socket), a journal written by a real dnsd, the shipped config
and zone files, a SOA response from a real dnsd and a sentinel state file.
  DNSD=build/dnsd/dnsd python3 tests/fuzz/make_seeds.py"""
import glob
import os
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from dnsd_harness import KEY_NAME, KEY_SECRET, SELF_ZONE, Dnsd, build_query  # noqa: E402

CORPUS = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def edns(q, payload=1232, nsid=False, version=0, do=False):
    opt = b"\x00" + struct.pack(">HHBBHH", 41, payload, 0, version, 0x8000 if do else 0, 4 if nsid else 0)
    if nsid:
        opt += struct.pack(">HH", 3, 0)
    return q[:10] + struct.pack(">H", struct.unpack(">H", q[10:12])[0] + 1) + q[12:] + opt


def capture_nsupdate(commands):
    """The bytes nsupdate sends for `commands`, captured on a loopback UDP socket."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.settimeout(5)
    script = "server 127.0.0.1 %d\n%s\nsend\n" % (port, "\n".join(commands))
    p = subprocess.Popen(["nsupdate", "-y", "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET), "-t", "2"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.stdin.write(script.encode())
    p.stdin.close()
    data, _ = s.recvfrom(65535)
    p.kill()
    p.wait()
    return data


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    # answer: queries of every shape the hot path sees
    names = [("api.example.test", 1), ("www.api.example.test", 1), ("x.wild.api.example.test", 28),
             ("_tunnel._tcp.api.example.test", 33), ("nope.api.example.test", 1),
             ("a.b.c.api.example.test", 16), ("in.legacy.api.example.test", 1),
             ("example.org", 1), ("api.example.test", 255), ("api.example.test", 252)]
    for i, (n, t) in enumerate(names):
        q = build_query(n, t, qid=i + 1)
        put("answer", "q%02d" % i, q)
        put("answer", "q%02d-edns" % i, edns(q, nsid=(i % 2 == 0), do=(i % 3 == 0)))
    put("answer", "chaos-id", build_query("id.server", 16, qclass=3))
    put("answer", "badvers", edns(build_query("api.example.test", 1), version=1))
    upd = capture_nsupdate(["zone api.example.test", "update delete master.api.example.test A",
                            "update add master.api.example.test 30 A 192.0.2.12"])
    put("answer", "signed-update", upd)
    # update: signed updates with prerequisites, deletes and adds
    put("update", "replace-master", upd)
    put("update", "prereq-txt", capture_nsupdate([
        "zone api.example.test", 'prereq yxrrset _sentinel.api.example.test TXT "epoch=3" "master=lb1" "by=s1" "drained=lb2"',
        "update delete _tunnel._tcp.api.example.test SRV",
        "update add _tunnel._tcp.api.example.test 30 SRV 0 100 443 lb2.api.example.test."]))
    put("update", "nxdomain-prereq", capture_nsupdate([
        "zone api.example.test", "prereq nxdomain new.api.example.test",
        "update add new.api.example.test 60 TXT hello", "update delete mail.api.example.test"]))
    # zone_file: the shipped zone files and the fixture
    for path in glob.glob(os.path.join(ROOT, "zones", "*.zone")):
        put("zone_file", os.path.basename(path), open(path, "rb").read())
    put("zone_file", "self-zone", SELF_ZONE)
    # dnsd_config / sentinel_config: the shipped configs
    for path in glob.glob(os.path.join(ROOT, "conf", "*.toml")) + glob.glob(os.path.join(ROOT, "conf", "demo", "*.toml")):
        target = "sentinel_config" if "sentinel" in os.path.basename(path) else "dnsd_config"
        put(target, os.path.basename(path), open(path, "rb").read())
    # journal + probe_response: from a real dnsd
    d = Dnsd(zones=[("api.example.test", SELF_ZONE, [])],
             zone_extra='update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]',
             tail='[[key]]\nname = "sentinel"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n' % KEY_SECRET).start()
    try:
        for i in range(3):
            subprocess.run(["nsupdate", "-y", "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)],
                           input="server %s %d\nzone api.example.test\nupdate add n%d.api.example.test 60 A 192.0.2.%d\nsend\n"
                           % (d.host, d.port, i, i + 1), text=True, check=True, timeout=20)
        soa = d.udp(build_query("api.example.test", 6, qid=0x4242))
        put("probe_response", "soa-aa", soa)
        put("probe_response", "refused", d.udp(build_query("example.org", 6, qid=0x4243)))
    finally:
        d.stop()
    for path in glob.glob(os.path.join(d.dir, "state", "*.journal")):
        data = open(path, "rb").read()
        put("journal", "three-updates", data)
        put("journal", "torn-tail", data[:-5])
    put("probe_response", "state.json", '{"version":1,"epoch":4,"master":"lb2","drained":["lb3"],'
        '"last_failover_ms":1,"retry_after_ms":0,"owed_demotes":{"lb1":4},"pending":{"kind":"failover",'
        '"reason":"x","epoch":4,"old_master":"lb1","demote":[],"candidates":["lb2"],"promoted":true},'
        '"history":[{"at_ms":1,"event":"+down","node":"lb1","epoch":3,"detail":""}]}')
    put("probe_response", "txt", '"epoch=7" "master=lb2" "by=s1" "drained=lb3"')
    for t in sorted(os.listdir(CORPUS)):
        print("%-16s %d seeds" % (t, len(os.listdir(os.path.join(CORPUS, t)))))


if __name__ == "__main__":
    main()
