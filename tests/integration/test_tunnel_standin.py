"""scripts/tunnel-standin as the partition tests rely on it: it refuses a promote with an
epoch lower than one it accepted (409, logged as stale), also after a restart (it replays
its log), and it refuses unsigned calls."""
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request

from dnsd_harness import free_address, main, temp_dir, wait_for
from sentinel_harness import STANDIN

SECRET = "standin-test-secret-0123456789ab"


class StandinTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir("standin-it-")
        self.key = os.path.join(self.dir, "tunnel.key")
        with open(self.key, "w") as f:
            f.write(SECRET + "\n")
        self.log = os.path.join(self.dir, "lb2-tunnel.jsonl")
        self.host, self.port = free_address()
        self.proc = None

    def tearDown(self):
        self.stop()

    def start(self):
        self.proc = subprocess.Popen([sys.executable, STANDIN, "--listen", "%s:%d" % (self.host, self.port),
                                      "--secret-file", self.key, "--node", "lb2", "--log", self.log],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.role() is not None, 10, "the stand-in")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def role(self):
        try:
            with urllib.request.urlopen("http://%s:%d/role" % (self.host, self.port), timeout=1) as r:
                return json.loads(r.read())
        except OSError:
            return None

    def call(self, event, epoch, signed=True):
        body = json.dumps({"event": event, "node": "lb2", "master": "lb2", "epoch": epoch,
                           "zone": "api.example.test", "ts": int(time.time())}).encode()
        ts = str(int(time.time()))
        sig = "sha256=" + hmac.new(SECRET.encode() if signed else b"wrong", ts.encode() + b"." + body,
                                   hashlib.sha256).hexdigest()
        req = urllib.request.Request("http://%s:%d/replication" % (self.host, self.port), data=body,
                                     headers={"X-Sentinel-Timestamp": ts, "X-Sentinel-Signature": sig})
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def test_lower_epoch_refused_also_after_a_restart(self):
        self.start()
        self.assertEqual(self.call("promote", 5), 200)
        self.assertEqual(self.call("promote", 3), 409)
        self.assertEqual(self.call("promote", 6, signed=False), 401)
        self.stop()
        self.start()  # a new process: only its log remembers epoch 5
        self.assertEqual(self.role()["epoch"], 5)
        self.assertEqual(self.role()["role"], "master")
        self.assertEqual(self.call("promote", 4), 409)
        self.assertEqual(self.call("demote", 6), 200)
        self.assertEqual(self.call("promote", 5), 409)
        with open(self.log) as f:
            lines = [json.loads(line) for line in f]
        self.assertEqual([(e["event"], e["epoch"]) for e in lines if "event" in e],
                         [("promote", 5), ("demote", 6)])
        self.assertEqual([e["stale"]["epoch"] for e in lines if "stale" in e], [3, 4, 5])


if __name__ == "__main__":
    main()
