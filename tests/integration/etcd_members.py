"""Real etcd members for the quorum tests: N members on loopback with fast election settings,
their data in the test's temp dir, each started and stopped by its PID (never by name)."""
import base64
import json
import os
import subprocess
import urllib.request

from sentinel_harness import free_tcp_port, wait_until

ETCD = os.environ.get("ETCD", "etcd")


class EtcdMembers:
    def __init__(self, workdir, n=3, host="127.0.0.1"):
        self.dir = os.path.join(workdir, "etcd")
        self.host = host
        self.members = []
        for i in range(n):
            self.members.append({"name": "m%d" % (i + 1), "client": free_tcp_port(host),
                                 "peer": free_tcp_port(host), "proc": None, "log": None})
        self.cluster = ",".join("%s=http://%s:%d" % (m["name"], host, m["peer"]) for m in self.members)
        self.started_once = False

    def endpoints(self):
        return ["http://%s:%d" % (self.host, m["client"]) for m in self.members]

    def start(self):
        state = "existing" if self.started_once else "new"
        for m in self.members:
            if m["proc"] and m["proc"].poll() is None:
                continue
            data = os.path.join(self.dir, m["name"])
            os.makedirs(data, exist_ok=True)
            m["log"] = open(os.path.join(self.dir, m["name"] + ".log"), "a")
            client = "http://%s:%d" % (self.host, m["client"])
            peer = "http://%s:%d" % (self.host, m["peer"])
            m["proc"] = subprocess.Popen(
                [ETCD, "--name", m["name"], "--data-dir", data,
                 "--listen-client-urls", client, "--advertise-client-urls", client,
                 "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                 "--initial-cluster", self.cluster, "--initial-cluster-state", state,
                 "--initial-cluster-token", "quorum-it", "--heartbeat-interval", "50",
                 "--election-timeout", "500", "--log-level", "warn"],
                stdout=m["log"], stderr=subprocess.STDOUT)
        self.started_once = True
        wait_until(self.healthy, 30, step=0.1, what="an etcd leader")
        return self

    def healthy(self):
        """A majority of the members answer a read (so there is a leader). Not all: after a
        restart a member's port may have been taken meanwhile by another test on this machine,
        and the quorum tests only need etcd to have a majority."""
        answered = 0
        for url in self.endpoints():
            try:
                req = urllib.request.Request(url + "/v3/kv/range", data=b'{"key":"AA=="}',
                                             headers={"Content-Type": "application/json"})
                body = json.loads(urllib.request.urlopen(req, timeout=1).read())
                answered += "header" in body
            except (OSError, ValueError):
                pass
        return answered > len(self.members) // 2

    def stop(self):
        for m in self.members:
            p = m["proc"]
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            if m["log"]:
                m["log"].close()
                m["log"] = None

    def get(self, key):
        """The value at `key` (str) or None, read straight from etcd's JSON gateway."""
        req = urllib.request.Request(
            self.endpoints()[0] + "/v3/kv/range",
            data=json.dumps({"key": base64.b64encode(key.encode()).decode()}).encode(),
            headers={"Content-Type": "application/json"})
        body = json.loads(urllib.request.urlopen(req, timeout=2).read())
        kvs = body.get("kvs", [])
        return base64.b64decode(kvs[0]["value"]).decode() if kvs and "value" in kvs[0] else None

    def put(self, key, value):
        req = urllib.request.Request(
            self.endpoints()[0] + "/v3/kv/put",
            data=json.dumps({"key": base64.b64encode(key.encode()).decode(),
                             "value": base64.b64encode(value.encode()).decode()}).encode(),
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=2).read()

