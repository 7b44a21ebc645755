"""sentinel/coord's etcd client against real etcd 3.4 members (etcd_harness.py): keys,
prefixes, the leader-key transaction, leases, endpoint fail-over, members stopped while
the client runs, and a fake server answering garbage. The client runs in etcd_client_repl
(one client for the whole test, one JSON command per line)."""
import json
import os
import socket
import subprocess
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from dnsd_harness import free_address, main, require, wait_for
from etcd_harness import EtcdCluster, free_port

REPL = os.environ.get("ETCD_CLIENT_REPL", "build/tests/integration/etcd_client_repl")


class Repl:
    def __init__(self, endpoints, timeout_ms=1000):
        self.proc = subprocess.Popen([REPL, str(timeout_ms)] + list(endpoints), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def __call__(self, op, **args):
        args["op"] = op
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError("etcd_client_repl died (rc %s): %s" % (
                self.proc.wait(timeout=5), self.proc.stderr.read()))
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        rc = self.proc.wait(timeout=10)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        if rc != 0 or "Sanitizer" in err:
            raise AssertionError("etcd_client_repl exited %d: %s" % (rc, err))


class EtcdClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.etcd = EtcdCluster(3).start()

    @classmethod
    def tearDownClass(cls):
        cls.etcd.stop()

    def setUp(self):
        self.etcd.start(wait=True)  # a test may have stopped a member
        self.repl = Repl(self.etcd.endpoints())

    def tearDown(self):
        self.repl.close()

    def ok(self, reply):
        self.assertTrue(reply["ok"], reply)
        return reply

    def test_put_range_and_prefix(self):
        r1 = self.ok(self.repl("put", key="/p/a", value="1"))
        self.ok(self.repl("put", key="/p/b", value="2"))
        self.ok(self.repl("put", key="/q/x", value="3"))
        got = self.ok(self.repl("range", key="/p/a"))
        self.assertEqual([(k["key"], k["value"]) for k in got["kvs"]], [("/p/a", "1")])
        self.assertGreaterEqual(got["revision"], r1["revision"])
        self.assertEqual(got["kvs"][0]["version"], 1)
        pre = self.ok(self.repl("range", key="/p/", prefix=True))
        self.assertEqual(sorted(k["key"] for k in pre["kvs"]), ["/p/a", "/p/b"])
        self.assertEqual(self.ok(self.repl("range", key="/none"))["kvs"], [])
        self.ok(self.repl("delete", key="/p/", prefix=True))
        self.assertEqual(self.ok(self.repl("range", key="/p/", prefix=True))["kvs"], [])
        self.assertEqual(self.etcd.get("/q/x"), "3")

    def test_leader_key_created_once(self):
        first = self.ok(self.repl("create", key="/leader1", value="s1"))
        self.assertTrue(first["succeeded"], first)
        second = self.ok(self.repl("create", key="/leader1", value="s2"))
        self.assertFalse(second["succeeded"], second)
        self.assertEqual([k["value"] for k in second["ranges"][0]], ["s1"])
        self.assertEqual(self.etcd.get("/leader1"), "s1")

    def test_lease_keepalive_and_expiry(self):
        lease = self.ok(self.repl("grant", ttl=2))["lease"]
        self.assertTrue(self.ok(self.repl("create", key="/leased", value="s1", lease=lease))["succeeded"])
        kv = self.ok(self.repl("range", key="/leased"))["kvs"][0]
        self.assertEqual(kv["lease"], lease)
        for _ in range(8):  # kept alive past its TTL
            self.assertGreater(self.ok(self.repl("keepalive", lease=lease))["ttl"], 0)
            time.sleep(0.3)
        self.assertEqual(self.etcd.get("/leased"), "s1")
        wait_for(lambda: self.etcd.get("/leased") is None, 10, "the leased key to vanish")
        self.assertEqual(self.ok(self.repl("keepalive", lease=lease))["ttl"], 0)
        # The key is free again: the next leader can create it.
        self.assertTrue(self.ok(self.repl("create", key="/leased", value="s2"))["succeeded"])

    def news(self, *kinds, since=0):
        """The watch's news after the first `since`, once it includes every kind in order."""
        def got():
            seen = self.ok(self.repl("watch_news"))["news"][since:]
            names, want = [n["news"] for n in seen], list(kinds)
            for n in names:
                if want and n == want[0]:
                    want.pop(0)
            return seen if not want else None
        deadline = time.time() + 10
        while time.time() < deadline:
            seen = got()
            if seen is not None:
                return seen
            time.sleep(0.02)
        raise AssertionError("no watch news %s in 10 s: %s" % (kinds, self.repl("watch_news")))

    def test_watch_sees_put_and_delete_and_stops_at_once(self):
        self.ok(self.repl("watch_start", key="/w/leader"))
        self.news("established")
        self.ok(self.repl("put", key="/w/other", value="x"))  # another key: no news
        self.ok(self.repl("put", key="/w/leader", value="s1"))
        self.ok(self.repl("delete", key="/w/leader"))
        seen = self.news("established", "put", "deleted")
        self.assertEqual([n["news"] for n in seen], ["established", "put", "deleted"], seen)
        # The deletion by the lease's expiry is seen too, soon after the key goes.
        lease = self.ok(self.repl("grant", ttl=1))["lease"]
        self.ok(self.repl("put", key="/w/leader", value="s2", lease=lease))
        wait_for(lambda: self.etcd.get("/w/leader") is None, 10, "the leased key to expire")
        gone = time.time()
        seen = self.news("put", "deleted", since=3)
        self.assertLess(seen[-1]["at_ms"] / 1000.0 - gone, 0.5, seen)
        # stop() ends the blocked stream at once, not at a poll timeout.
        self.assertLess(self.ok(self.repl("watch_stop"))["stop_ms"], 300)

    def test_watch_reopens_on_another_member(self):
        self.ok(self.repl("watch_start", key="/w2/leader"))
        first = self.news("established")[0]["detail"]
        i = self.etcd.endpoints().index(first)
        self.etcd.stop_member(i)
        seen = self.news("established", "broken", "established")
        self.assertIn(first, seen[1]["detail"])
        self.assertNotEqual(seen[2]["detail"], first)
        self.ok(self.repl("delete", key="/w2/leader"))  # nothing to delete: no event
        self.ok(self.repl("put", key="/w2/leader", value="s3"))
        self.news("established", "broken", "established", "put")
        self.ok(self.repl("watch_stop"))

    def test_revoke(self):
        lease = self.ok(self.repl("grant", ttl=30))["lease"]
        self.ok(self.repl("put", key="/revoked", value="x", lease=lease))
        self.assertTrue(self.ok(self.repl("revoke", lease=lease))["revoked"])
        self.assertIsNone(self.etcd.get("/revoked"))
        self.assertFalse(self.ok(self.repl("revoke", lease=lease))["revoked"])
        self.assertEqual(self.ok(self.repl("keepalive", lease=lease))["ttl"], 0)

    def test_first_endpoint_dead_falls_over(self):
        host, _ = free_address()
        refused = "http://%s:%d" % (host, free_port(host))
        # A member that accepts connections and never answers (what a silent partition looks like).
        silent = socket.socket()
        silent.bind((free_address()[0], 0))
        silent.listen(16)
        try:
            for dead in (refused, "http://%s:%d" % silent.getsockname()):
                repl = Repl([dead] + self.etcd.endpoints()[:1], timeout_ms=1500)
                try:
                    r = self.ok(repl("put", key="/fo", value=dead))
                    self.assertEqual(r["endpoint"], self.etcd.endpoints()[0])
                    self.assertLess(r["ms"], 1500)
                    # The endpoint that worked is remembered: the next call goes there first
                    # (else it would wait out the silent one's share, 750 ms, before).
                    r = self.ok(repl("range", key="/fo"))
                    self.assertEqual(r["endpoint"], self.etcd.endpoints()[0])
                    self.assertLess(r["ms"], 740)
                finally:
                    repl.close()
            only_dead = Repl([refused], timeout_ms=500)
            try:
                r = only_dead("put", key="/fo", value="x")
                self.assertEqual((r["ok"], r["kind"]), (False, "Unreachable"), r)
                self.assertIn(refused, r["detail"])
            finally:
                only_dead.close()
            only_silent = Repl(["http://%s:%d" % silent.getsockname()], timeout_ms=400)
            try:
                r = only_silent("range", key="/fo")
                self.assertEqual((r["ok"], r["kind"]), (False, "Timeout"), r)
                self.assertLess(r["ms"], 1400)
            finally:
                only_silent.close()
        finally:
            silent.close()

    def test_member_stopped_mid_way(self):
        r = self.ok(self.repl("put", key="/mid", value="1"))
        used = self.etcd.endpoints().index(r["endpoint"])
        self.etcd.stop_member(used)
        # The others elect a leader within a second; until then a call may fail, as a value.
        results = []

        def works():
            results.append(self.repl("put", key="/mid", value="2"))
            return results[-1]["ok"]
        wait_for(works, 10, "a put through the remaining members")
        self.assertNotEqual(results[-1]["endpoint"], r["endpoint"])
        for bad in results[:-1]:
            self.assertIn(bad["kind"], ("Unreachable", "Timeout", "NoLeader"), bad)
        # A client that only knows the stopped member gets Unreachable.
        lone = Repl([r["endpoint"]], timeout_ms=500)
        try:
            got = lone("range", key="/mid")
            self.assertEqual((got["ok"], got["kind"]), (False, "Unreachable"), got)
        finally:
            lone.close()
        # With a second member gone the last one has no quorum: no answer, a value, in time.
        other = next(i for i in range(3) if i != used and self.etcd.members[i].alive())
        last = next(i for i in range(3) if i not in (used, other))
        self.etcd.stop_member(other)
        minority = Repl([self.etcd.members[last].client_url], timeout_ms=1000)
        try:
            got = minority("put", key="/mid", value="3")
            self.assertFalse(got["ok"], got)
            self.assertIn(got["kind"], ("Timeout", "NoLeader"), got)
            self.assertLess(got["ms"], 2000)
        finally:
            minority.close()


class GarbageServerTest(unittest.TestCase):
    """A server that is not etcd: its replies are BadResponse (or Http), never a crash."""

    REPLIES = {
        "/v3/kv/put": (200, b"this is not json"),
        "/v3/kv/range": (200, b'{"header":{"revision":"3"},"kvs":[{"key":"%%%"}]}'),
        "/v3/kv/txn": (200, b'{"header":{"revision":"3"},"succeeded":"maybe"}'),
        "/v3/lease/grant": (200, b'[]'),
        "/v3/lease/keepalive": (200, b'{"header":{"revision":"3"}}'),
        "/v3/lease/revoke": (404, b"<html>not found</html>"),
    }

    def setUp(self):
        replies = self.REPLIES

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                code, body = replies.get(self.path, (500, b"?"))
                self.send_response(code)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        host, port = free_address()
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = "http://%s:%d" % (host, port)

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_garbage_is_bad_response(self):
        repl = Repl([self.url], timeout_ms=1000)
        try:
            cases = [
                (("put", dict(key="/k", value="v")), "BadResponse", "not JSON"),
                (("range", dict(key="/k")), "BadResponse", "not base64"),
                (("create", dict(key="/k", value="v")), "BadResponse", "succeeded"),
                (("grant", dict(ttl=2)), "BadResponse", "not an object"),
                (("keepalive", dict(lease=5)), "BadResponse", "result"),
                (("revoke", dict(lease=5)), "Http", "HTTP 404"),
            ]
            for (op, args), kind, says in cases:
                r = repl(op, **args)
                self.assertEqual((r["ok"], r["kind"]), (False, kind), r)
                self.assertIn(says, r["detail"])
                self.assertIn(self.url, r["detail"])
        finally:
            repl.close()


if __name__ == "__main__":
    require(["etcd"])
    main()
