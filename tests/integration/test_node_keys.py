"""Per-node keys: sentinel signs each node's updates with that node's own key, so a key
stolen from one node cannot change another; revoking a key refuses its updates; a key
rolls with no failed update; and a leaked key can neither rewind nor freeze the _sentinel
epoch on its own node (dnsd's epoch guard)."""
import base64
import os
import re
import signal
import unittest

import dnsd_harness
from dnsd_harness import nsupdate
from sentinel_harness import ZONE, Cluster, wait_until


class NodeKeys(unittest.TestCase):

    def setUp(self):
        self.c = Cluster(n=3, per_node_keys=True).start()  # lb1 published everywhere
        self.addCleanup(self.c.stop)

    def key(self, name):
        return "hmac-sha256:%s:%s" % (name, self.c.sentinel_keys.get(name) or self.secrets[name])

    def update(self, nd, key, *commands):
        return nsupdate(nd.host, nd.port, ["zone " + ZONE] + list(commands) + ["send"], key=key)

    def reload(self, nd):
        done = nd.read_log().count("reload ok")
        nd.write_config()
        nd.signal(signal.SIGHUP)
        wait_until(lambda: nd.read_log().count("reload ok") > done, 10, what="reload of " + nd.name)

    def publish_everywhere(self, i):
        """A sentinel decision (drain/undrain lb3) that must reach every node."""
        verb = "drain" if i % 2 == 0 else "undrain"
        r = self.c.cli(verb, "lb3")
        self.assertEqual(r.returncode, 0, r.stderr)
        want = '"drained=lb3"' if verb == "drain" else '"drained="'
        for nd in self.c.nodes:
            wait_until(lambda nd=nd: self.c.txt(nd).endswith(want), 10,
                       what="%s lb3 served by %s" % (verb, nd.name))
        self.assertEqual(self.c.status()["published"], "published on 3/3", self.c.read_log()[-1500:])

    def test_a_node_key_cannot_change_another_node(self):
        lb1, lb2 = self.c.node("lb1"), self.c.node("lb2")
        before = lb2.short("master", "A")
        p = self.update(lb2, self.key("lb1.sentinel"),
                        "update delete master.%s A" % ZONE, "update add master.%s 30 A 192.0.2.66" % ZONE)
        self.assertNotEqual(p.returncode, 0)
        self.assertRegex(p.stdout + p.stderr, "BADKEY|NOTAUTH|REFUSED")
        self.assertEqual(lb2.short("master", "A"), before, "nothing changed on lb2")
        self.assertIn("TSIG failed", lb2.read_log())
        # The same key does update its own node (as sentinel does).
        p = self.update(lb1, self.key("lb1.sentinel"), "update add note.%s 30 TXT mine" % ZONE)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_a_leaked_key_can_neither_rewind_nor_freeze_the_epoch(self):
        lb2 = self.c.node("lb2")
        txt = self.c.txt(lb2)
        epoch = int(re.search(r"epoch=(\d+)", txt).group(1))
        for bad in (epoch + 5000, epoch - 1):
            p = self.update(lb2, self.key("lb2.sentinel"),
                            "update delete _sentinel.%s TXT" % ZONE,
                            'update add _sentinel.%s 30 TXT "epoch=%d" "master=lb3" "by=evil" "drained="'
                            % (ZONE, bad))
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn("REFUSED", p.stdout + p.stderr, bad)
        p = self.update(lb2, self.key("lb2.sentinel"), "update delete _sentinel.%s TXT" % ZONE)
        self.assertIn("REFUSED", p.stdout + p.stderr, "removing the epoch")
        self.assertEqual(self.c.txt(lb2), txt, "the epoch lb2 serves is unchanged")
        log = lb2.read_log()
        self.assertIn("more than epoch_max_step = 1000", log)
        self.assertIn("would lower the _sentinel epoch", log)
        # sentinel still manages lb2.
        self.publish_everywhere(0)

    def test_revoking_a_node_key_refuses_its_updates(self):
        lb3 = self.c.node("lb3")
        revoked = self.key("lb3.sentinel")
        lb3.keys, lb3.update_keys, lb3.transfer_keys = {}, [], []
        self.reload(lb3)
        p = self.update(lb3, revoked, "update add note.%s 30 TXT revoked" % ZONE)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(lb3.short("note", "TXT"), [])
        r = self.c.cli("drain", "lb2")
        self.assertEqual(r.returncode, 0, r.stderr)
        wait_until(lambda: self.c.txt(self.c.node("lb1")).endswith('"drained=lb2"'), 10, what="drain on lb1")
        self.assertFalse(self.c.txt(lb3).endswith('"drained=lb2"'), "sentinel cannot update lb3 any more")

    def test_a_key_roll_with_no_failed_update(self):
        lb2 = self.c.node("lb2")
        old, new = "lb2.sentinel", "lb2.sentinel-next"
        self.secrets = {old: self.c.sentinel_keys[old], new: base64.b64encode(os.urandom(32)).decode()}
        self.publish_everywhere(0)
        # 1. lb2 accepts the old and the new key.
        lb2.keys[new] = self.secrets[new]
        lb2.update_keys = [old, new]
        self.reload(lb2)
        self.publish_everywhere(1)
        # 2. sentinel signs lb2's updates with the new key (a restart; DNS is served meanwhile).
        self.c.node_update_key["lb2"] = new
        self.c.sentinel_keys[new] = self.secrets[new]
        del self.c.sentinel_keys[old]
        self.c.write_config()
        self.c.stop_sentinel()
        self.c.start_sentinel()
        self.publish_everywhere(2)
        # 3. lb2 drops the old key: it no longer works, sentinel's updates still do.
        del lb2.keys[old]
        lb2.update_keys, lb2.transfer_keys = [new], [new]
        self.reload(lb2)
        self.publish_everywhere(3)
        p = self.update(lb2, self.key(old), "update add note.%s 30 TXT old" % ZONE)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("-fenced", [e["event"] for e in self.c.history()])


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate"])
    dnsd_harness.main()
