"""SIGHUP applies every key the dnsd.toml key table marks reloadable. The list comes from
`dnsd --keys`; each reloadable key needs a case_<section>_<name> here that changes it in
the file, sends SIGHUP and observes the new behaviour, so a key newly marked reloadable
fails this test until it has one."""
import json
import os
import re
import signal
import socket
import struct
import subprocess
import time
import unittest

import dnsd_harness
import replication_harness
from dnsd_harness import wait_for, DNSD, KEY_SECRET, OTHER_SECRET, ZONE, Dnsd, free_address, nsupdate

SELF_V4, SELF_V4_NEW = "192.0.2.201", "192.0.2.202"
SELF_V6, SELF_V6_NEW = "2001:db8::201", "2001:db8::202"
SENTINEL_TXT = '_sentinel TXT "epoch=1" "master=lb1" "by=s1" "drained=lb2"\n'


def reloadable_keys():
    out = subprocess.run([DNSD, "--keys"], capture_output=True, text=True, timeout=10, check=True)
    return [line.split()[0] for line in out.stdout.splitlines() if line.split()[1] == "reload"]


class Node(Dnsd):
    """A dnsd whose dnsd.toml is rendered from `self.cfg` ({section: {key: TOML text}}),
    with a marker record bumped on each reload so the test knows the reload finished."""

    def __init__(self, ns_ttl=None, **overrides):
        self.marker = 0
        self.ns_ttl = ns_ttl
        Dnsd.__init__(self)
        self.cfg = {
            "server": {"identity": '"it1"', "udp_payload": "1232", "stop_grace": '"0s"',
                       "stop_answer": '"refused"'},
            "node": {"name": '"lb1"', "ipv4": '["%s"]' % SELF_V4, "ipv6": '["%s"]' % SELF_V6},
            "zone": {"name": '"example.com"', "file": '"%s"' % self.zone_file("example.com"),
                     "self": '["self"]', "self_ttl": "30", "update_keys": "[]",
                     "transfer_keys": "[]", "notify": "[]", "epoch_max_step": None,
                     "epoch_override_keys": None},
            "key": {"name": '"sentinel"', "algorithm": '"hmac-sha256"', "secret": '"%s"' % KEY_SECRET},
            "log": {"level": '"info"', "queries": "false", "queries_per_second": "100"},
        }
        for dotted, value in overrides.items():
            section, key = dotted.split(".")
            self.cfg[section][key] = value
        self.render()

    def zone_file(self, origin):
        return os.path.join(self.dir, origin + ".zone")

    def origin(self):
        return self.cfg["zone"]["name"].strip('"')

    def write_zone_file(self, path=None, origin=None):
        origin = origin or self.origin()
        text = ZONE.replace("example.com", origin) + SENTINEL_TXT + 'marker TXT "%d"\n' % self.marker
        if self.ns_ttl is not None:  # the apex NS set's TTL (case_server_stop_leave_wait)
            text = re.sub(r"^@(\s+)NS", "@ %d NS" % self.ns_ttl, text, flags=re.M)
        with open(path or self.cfg["zone"]["file"].strip('"'), "w") as f:
            f.write(text)

    def write_config(self):
        pass  # Dnsd.__init__ calls it before cfg exists: render() writes the file

    def render(self):
        self.write_zone_file()
        lines = ["[server]", 'listen = ["%s:%d"]' % (self.host, self.port),
                 'state_dir = "%s"' % os.path.join(self.dir, "state")]
        for section, table in (("server", None), ("node", None), ("[zone]", "zone"), ("[key]", "key"),
                               ("log", None)):
            name = table or section
            if section != "server":
                lines.append("[%s]" % section)
            lines += ["%s = %s" % (k, v) for k, v in self.cfg[name].items() if v is not None]
        lines += ["[metrics]", 'listen = ""']
        self.config = os.path.join(self.dir, "dnsd.toml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    def reload(self, **changes):
        """Sets each dotted key (None removes it), rewrites the files, sends SIGHUP and waits
        until the new zone (with the next marker) is served: the catalog is swapped and, as
        the loop thread finishes the reload before it handles another signal, the rest too."""
        for dotted, value in changes.items():
            section, key = dotted.split(".")
            self.cfg[section][key] = value
        self.marker += 1
        self.render()
        self.signal(signal.SIGHUP)
        want = '"%d"' % self.marker
        wait_for(lambda: self.dig("marker." + self.origin(), "TXT").rdata() == [want], 10,
                 "the reload (marker %s): %s" % (want, self.read_log()[-2000:]))

    def short(self, name, qtype, *args):
        r = self.dig(name + "." + self.origin(), qtype, *args)
        return r.status, r.rdata(), r

    def update(self, key, name="up"):
        return nsupdate(self.host, self.port, ["zone " + self.origin(),
                                               "update add %s.%s 60 A 192.0.2.77" % (name, self.origin()),
                                               "send"], key=key)


SHA256 = "hmac-sha256:sentinel:" + KEY_SECRET


class ReloadEveryReloadableKey(unittest.TestCase):

    def test_every_reloadable_key_is_applied_by_sighup(self):
        keys = reloadable_keys()
        self.assertIn("server.stop_grace", keys)  # the table is being read
        missing = [k for k in keys if not hasattr(self, "case_" + k.replace(".", "_"))]
        self.assertEqual(missing, [], "marked reloadable in dnsd/config/config_schema.cc but no "
                                      "case_<section>_<name> in test_reload.py")
        for key in keys:
            with self.subTest(key=key):
                getattr(self, "case_" + key.replace(".", "_"))()

    def node(self, **overrides):
        d = Node(**overrides).start()
        self.addCleanup(d.stop)
        return d

    # --- [server] ----------------------------------------------------------------------
    def case_server_identity(self):
        d = self.node()
        self.assertEqual(d.dig("www.example.com", "A", "+nsid").nsid, "it1")
        d.reload(**{"server.identity": '"it2"'})
        self.assertEqual(d.dig("www.example.com", "A", "+nsid").nsid, "it2")

    def case_server_udp_payload(self):
        d = self.node()
        self.assertIn("tc", d.dig("big.example.com", "TXT", "+bufsize=4096", "+ignore").flags)
        d.reload(**{"server.udp_payload": "4096"})
        r = d.dig("big.example.com", "TXT", "+bufsize=4096", "+ignore")
        self.assertNotIn("tc", r.flags)
        self.assertEqual(len(r.rrs()), 40)

    def case_server_stop_grace(self):
        d = self.node()
        d.reload(**{"server.stop_grace": '"1s"'})
        t0 = time.time()
        d.signal(signal.SIGTERM)
        wait_for(lambda: d.dig("www.example.com", "A").status == "REFUSED", 0.9,
                 "REFUSED in the new 1 s grace window")
        self.assertEqual(d.proc.wait(timeout=10), 0)
        self.assertGreaterEqual(time.time() - t0, 0.9)
        self.assertIn("REFUSED for 1000 ms", d.read_log())

    def case_server_stop_leave_wait(self):
        # [node] ipv4 is ns1's glue, so the apex NS set (TTL 1 s) names this node; a signed
        # UPDATE in the stop window takes it out. With the reloaded 1 s the window ends
        # max(1 s, 1 s) + 1 s later; with the 25 s the file started with, after 26 s.
        d = Node(ns_ttl=1, **{"node.ipv4": '["192.0.2.1"]', "zone.update_keys": '["sentinel"]',
                              "server.stop_grace": '"40s"', "server.stop_leave_wait": '"25s"'}).start()
        self.addCleanup(d.stop)
        d.reload(**{"server.stop_leave_wait": '"1s"'})
        d.signal(signal.SIGTERM)
        wait_for(lambda: d.dig("www.example.com", "A").status == "REFUSED", 5, "the stop window")
        p = nsupdate(d.host, d.port, ["zone example.com", "update delete example.com. NS ns1.example.com.",
                                      "send"], key=SHA256)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        t = time.time()
        self.assertEqual(d.proc.wait(timeout=15), 0)
        self.assertGreaterEqual(time.time() - t, 1.8)
        self.assertIn("waited max(1 s, 1 s) + 1 s", d.read_log())

    def case_node_ns(self):
        # The zone's NS names are out of the zone for this node until [node] ns names one:
        # then an update taking ns2 out ends the stop window early (max(1 s, 0 s) + 1 s),
        # where without it the window lasts its 40 s.
        d = Node(ns_ttl=1, **{"zone.update_keys": '["sentinel"]', "server.stop_grace": '"40s"',
                              "server.stop_leave_wait": '"0s"'}).start()
        self.addCleanup(d.stop)
        d.reload(**{"node.ns": '["NS2.example.com"]'})
        d.signal(signal.SIGTERM)
        wait_for(lambda: d.dig("www.example.com", "A").status == "REFUSED", 5, "the stop window")
        p = nsupdate(d.host, d.port, ["zone example.com", "update delete example.com. NS ns2.example.com.",
                                      "send"], key=SHA256)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(d.proc.wait(timeout=15), 0)
        self.assertIn("waited max(1 s, 0 s) + 1 s", d.read_log())

    def case_server_journal_compact_after(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        snapshot = os.path.join(d.dir, "state", d.origin() + ".snapshot")
        d.reload(**{"server.journal_compact_after": "2"})
        for i in range(2):
            p = d.update(SHA256, name="c%d" % i)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        wait_for(lambda: os.path.exists(snapshot), 5, "a compaction after 2 updates")
        self.assertIn("journal compacted", d.read_log())

    def case_server_cookie_secret_file(self):
        d = self.node()
        secret = os.path.join(d.dir, "cookie.secret")
        with open(secret, "w") as f:
            f.write("0123456789abcdef0123456789abcdef\n")
        other = Dnsd(server_extra='cookie_secret_file = "%s"' % secret).start()
        self.addCleanup(other.stop)

        def cookie(node, sent):
            r = node.dig("www.example.com", "A", "+cookie=" + sent, "-b", "127.0.0.1")
            m = re.search(r"; COOKIE: ([0-9a-f]+)", r.text)
            return m.group(1) if m else None
        c0 = cookie(d, "0102030405060708")  # made with dnsd's own random secret
        self.assertNotEqual(cookie(other, c0), c0, "another secret: not accepted")
        d.reload(**{"server.cookie_secret_file": '"%s"' % secret})
        c1 = cookie(d, c0)
        self.assertNotEqual(c1, c0)
        self.assertEqual(cookie(other, c1), c1, "the shared secret is in use after SIGHUP")

    def case_server_stop_answer(self):
        d = self.node(**{"server.stop_grace": '"2s"'})
        d.reload(**{"server.stop_answer": '"lame"'})
        d.signal(signal.SIGTERM)

        def lame():
            r = d.dig("www.example.com", "A")
            return r.status == "NOERROR" and "aa" not in r.flags
        wait_for(lame, 1.5, "a lame (NOERROR, not authoritative) answer in the grace window")
        self.assertEqual(d.proc.wait(timeout=10), 0)
        self.assertIn("answering lame", d.read_log())

    # --- [node] ------------------------------------------------------------------------
    def case_node_name(self):
        d = self.node()
        self.assertEqual(d.short("self", "A")[:2], ("NOERROR", [SELF_V4]))
        d.reload(**{"node.name": '"lb2"'})  # the zone's _sentinel TXT says drained=lb2
        self.assertEqual(d.short("self", "A")[0], "REFUSED")

    def case_node_ipv4(self):
        d = self.node()
        self.assertEqual(d.short("self", "A")[1], [SELF_V4])
        d.reload(**{"node.ipv4": '["%s"]' % SELF_V4_NEW})
        self.assertEqual(d.short("self", "A")[1], [SELF_V4_NEW])

    def case_node_ipv6(self):
        d = self.node()
        self.assertEqual(d.short("self", "AAAA")[1], [SELF_V6])
        d.reload(**{"node.ipv6": '["%s"]' % SELF_V6_NEW})
        self.assertEqual(d.short("self", "AAAA")[1], [SELF_V6_NEW])

    # --- [[zone]] ----------------------------------------------------------------------
    def case_zone_name(self):
        d = self.node()
        self.assertEqual(d.dig("www.example.net", "A").status, "REFUSED")
        # The file's records follow the zone's new name (the same file, rewritten).
        d.reload(**{"zone.name": '"example.net"'})
        self.assertEqual(d.dig("www.example.net", "A").rdata(), ["192.0.2.10"])
        self.assertEqual(d.dig("www.example.com", "A").status, "REFUSED")

    def case_zone_file(self):
        d = self.node()
        self.assertEqual(d.dig("fromother.example.com", "A").status, "NXDOMAIN")
        write = d.write_zone_file

        def write_with_extra(path=None, origin=None):  # the other file has one more record
            write(path, origin)
            if d.cfg["zone"]["file"] == '"%s"' % other:
                with open(other, "a") as f:
                    f.write("fromother A 192.0.2.88\n")
        other = d.zone_file("other")
        d.write_zone_file = write_with_extra
        d.reload(**{"zone.file": '"%s"' % other})
        self.assertEqual(d.dig("fromother.example.com", "A").rdata(), ["192.0.2.88"])

    def case_zone_self(self):
        d = self.node()
        self.assertEqual(d.short("self2", "A")[0], "NXDOMAIN")
        d.reload(**{"zone.self": '["self", "self2"]'})
        self.assertEqual(d.short("self2", "A")[:2], ("NOERROR", [SELF_V4]))

    def case_zone_self_ttl(self):
        d = self.node()
        self.assertEqual(d.short("self", "A")[2].rrs()[0][1], "30")
        d.reload(**{"zone.self_ttl": "77"})
        self.assertEqual(d.short("self", "A")[2].rrs()[0][1], "77")

    def case_zone_update_keys(self):
        d = self.node()
        self.assertNotEqual(d.update(SHA256).returncode, 0)
        d.reload(**{"zone.update_keys": '["sentinel"]'})
        p = d.update(SHA256)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(d.short("up", "A")[1], ["192.0.2.77"])

    def set_epoch(self, d, epoch):
        return nsupdate(d.host, d.port, [
            "zone " + d.origin(), "update delete _sentinel.%s TXT" % d.origin(),
            'update add _sentinel.%s 30 TXT "epoch=%d" "master=lb1" "by=s1" "drained="' % (d.origin(), epoch),
            "send"], key=SHA256)

    def case_zone_epoch_max_step(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]', "zone.epoch_max_step": "10"})
        self.assertIn("REFUSED", self.set_epoch(d, 50).stderr + self.set_epoch(d, 50).stdout)
        d.reload(**{"zone.epoch_max_step": "100"})
        p = self.set_epoch(d, 50)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def case_zone_epoch_override_keys(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        p = self.set_epoch(d, 0)  # lower than the file's epoch=1
        self.assertIn("REFUSED", p.stdout + p.stderr)
        d.reload(**{"zone.epoch_override_keys": '["sentinel"]'})
        p = self.set_epoch(d, 0)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("allowed for override key", d.read_log())

    def case_zone_transfer_keys(self):
        d = self.node()
        self.assertIn("Transfer failed", d.dig("example.com", "AXFR", "-y", SHA256).text)
        d.reload(**{"zone.transfer_keys": '["sentinel"]'})
        r = d.dig("example.com", "AXFR", "-y", SHA256)
        self.assertNotIn("Transfer failed", r.text)
        self.assertIn("www.example.com.", r.text)

    def case_zone_notify(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        host, port = free_address()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, port))
        self.addCleanup(s.close)
        d.reload(**{"zone.notify": '["%s:%d"]' % (host, port)})
        p = d.update(SHA256)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        s.settimeout(10)
        msg, _ = s.recvfrom(4096)  # socket.timeout: no NOTIFY sent to the new secondary
        self.assertEqual((struct.unpack(">H", msg[2:4])[0] >> 11) & 0xF, 4)  # opcode NOTIFY

    def case_zone_notify_source(self):
        host, port = free_address()
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((host, port))
        self.addCleanup(s.close)
        s.settimeout(10)
        d = self.node(**{"zone.update_keys": '["sentinel"]', "zone.notify": '["%s:%d"]' % (host, port)})
        _, sender = s.recvfrom(4096)  # the start's NOTIFY: from the listen address by default
        self.assertEqual(sender[0], d.host)
        source, _ = free_address()
        while source in (d.host, "127.0.0.1"):
            source, _ = free_address()
        d.reload(**{"zone.notify_source": '["%s"]' % source})
        p = d.update(SHA256)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        senders = []
        while source not in senders:  # socket.timeout: never from the new notify_source
            senders.append(s.recvfrom(4096)[1][0])  # (retries of the first may come before)
        self.assertLessEqual(set(senders), {d.host, source})

    # --- [[zone]] replication: three nodes (replication_harness.py) -------------------
    def cluster(self, **kw):
        c = replication_harness.Cluster(**kw).start()
        self.addCleanup(c.stop)
        return c

    def case_zone_replicas(self):
        c = self.cluster(ack="all", timeout="1s")
        self.assertEqual(c[0].update("update add r1.example.com 60 TXT a").returncode, 0)
        host, port = free_address()  # nothing listens there
        c[0].reload(replicas_override='"lb1=%s:%d", "lb2=%s:%d", "lb3=%s:%d"' % (
            c[0].host, c[0].port, c[1].host, c[1].port, host, port))
        p = c[0].update("update add r2.example.com 60 TXT b")
        self.assertIn("SERVFAIL", p.stdout + p.stderr)

    def case_zone_update_primary(self):
        c = self.cluster()
        for n in c.nodes:
            n.reload(primary="lb2")
        self.assertEqual(c[0].update("update add p1.example.com 60 TXT a").returncode, 0)
        self.assertIn("forwarded to the primary %s:%d" % (c[1].host, c[1].port), c[0].read_log())

    def case_zone_replicated_update_keys(self):
        c = self.cluster()
        self.assertEqual(c[1].update("update add k1.example.com 60 TXT a").returncode, 0)
        self.assertEqual(c[0].txt("k1"), ['"a"'])
        for n in c.nodes:
            n.reload(replicated='["sentinel"]')
        self.assertEqual(c[1].update("update add k2.example.com 60 TXT b").returncode, 0)
        self.assertEqual(c[1].txt("k2"), ['"b"'])
        self.assertEqual(c[0].txt("k2"), [])  # acme's updates are node-local now

    def case_zone_replication_key(self):
        c = self.cluster(timeout="1s")
        self.assertEqual(c[1].update("update add q1.example.com 60 TXT a").returncode, 0)
        c[0].reload(replication_key="replication2")  # the others do not take it
        p = c[1].update("update add q2.example.com 60 TXT b")
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        self.assertIn("refused entry", c[0].read_log())

    def case_zone_replication_ack(self):
        c = self.cluster(timeout="1s")
        c[2].stop()
        self.assertEqual(c[1].update("update add a1.example.com 60 TXT a").returncode, 0)
        c[0].reload(ack="all")
        p = c[1].update("update add a2.example.com 60 TXT b")
        self.assertIn("SERVFAIL", p.stdout + p.stderr)

    def case_zone_replication_timeout(self):
        c = self.cluster()
        hole = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # accepts, never answers
        host, port = free_address()
        hole.bind((host, port))
        hole.listen(16)
        self.addCleanup(hole.close)
        replicas = '"lb1=%s:%d", "lb2=%s:%d", "lb3=%s:%d"' % (host, port, c[1].host, c[1].port, c[2].host, c[2].port)
        # Below nsupdate's 3 s UDP retry, so no retransmission queues behind it.
        c[1].reload(replicas_override=replicas, timeout="1s")
        t0 = time.time()
        p = c[1].update("update add t1.example.com 60 TXT a")
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        self.assertGreater(time.time() - t0, 1.8)  # replication_timeout + 1 s
        c[1].reload(timeout="100ms")
        t0 = time.time()
        p = c[1].update("update add t2.example.com 60 TXT b")
        self.assertIn("SERVFAIL", p.stdout + p.stderr)
        self.assertLess(time.time() - t0, 1.7)

    # --- [[key]] -----------------------------------------------------------------------
    def case_key_name(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        renamed = "hmac-sha256:sentinel2:" + KEY_SECRET
        self.assertNotEqual(d.update(renamed).returncode, 0)
        # The zone's reference follows the new name, or the file would not load.
        d.reload(**{"key.name": '"sentinel2"', "zone.update_keys": '["sentinel2"]'})
        p = d.update(renamed)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def case_key_algorithm(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        sha512 = "hmac-sha512:sentinel:" + KEY_SECRET
        self.assertNotEqual(d.update(sha512).returncode, 0)
        d.reload(**{"key.algorithm": '"hmac-sha512"'})
        p = d.update(sha512)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotEqual(d.update(SHA256, name="up2").returncode, 0)

    def case_key_secret(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        other = "hmac-sha256:sentinel:" + OTHER_SECRET
        self.assertNotEqual(d.update(other).returncode, 0)
        d.reload(**{"key.secret": '"%s"' % OTHER_SECRET})
        p = d.update(other)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def case_key_secret_file(self):
        d = self.node(**{"zone.update_keys": '["sentinel"]'})
        path = os.path.join(d.dir, "sentinel.key")
        with open(path, "w") as f:
            f.write(OTHER_SECRET + "\n")
        os.chmod(path, 0o600)
        other = "hmac-sha256:sentinel:" + OTHER_SECRET
        self.assertNotEqual(d.update(other).returncode, 0)
        d.reload(**{"key.secret": None, "key.secret_file": '"%s"' % path})
        p = d.update(other)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr + d.read_log()[-1000:])

    # --- [log] -------------------------------------------------------------------------
    def case_log_level(self):
        d = self.node()
        self.assertIn("dnsd ready", d.read_log())  # info lines are logged ...
        d.reload(**{"log.level": '"warn"'})
        d.signal(signal.SIGTERM)
        self.assertEqual(d.proc.wait(timeout=10), 0)
        after = d.read_log().split("SIGHUP: reloading")[-1]
        self.assertNotIn("dnsd stopped", after)  # ... and no longer after the reload

    def case_log_format(self):
        d = self.node()
        d.reload(**{"log.format": '"json"'})
        d.signal(signal.SIGTERM)
        self.assertEqual(d.proc.wait(timeout=10), 0)
        lines = d.read_log().splitlines()
        first = [i for i, line in enumerate(lines) if '"msg":"reload ok' in line]
        self.assertTrue(first, "no JSON 'reload ok' line:\n" + "\n".join(lines[-10:]))
        for line in lines[first[0]:]:  # from there on, every line is one JSON object
            self.assertIn(json.loads(line)["level"], ("info", "warning", "error"), line)

    def case_log_queries(self):
        d = self.node()
        d.dig("www." + d.origin(), "A")
        self.assertNotIn("query client=", d.read_log())
        d.reload(**{"log.queries": "true"})
        d.dig("www." + d.origin(), "AAAA")
        wait_for(lambda: re.search(r"query client=\S+ qname=www\.%s\. qtype=AAAA rcode=NOERROR"
                                   % re.escape(d.origin()), d.read_log()), 5,
                 "a query log line after log.queries was turned on")

    def case_log_queries_per_second(self):
        d = self.node(**{"log.queries": "true", "log.queries_per_second": "1000"})
        for _ in range(20):
            d.udp(dnsd_harness.build_query("www." + d.origin()))
        self.assertNotIn("not logged", d.read_log())  # 20 lines are under 1000 a second
        d.reload(**{"log.queries_per_second": "1"})
        for _ in range(20):
            d.udp(dnsd_harness.build_query("www." + d.origin()))
        wait_for(lambda: "not logged" in d.read_log().split("SIGHUP: reloading")[-1], 5,
                 "the summary of the query log lines over the new cap of 1")

if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
