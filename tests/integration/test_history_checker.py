"""history_checker on synthetic histories: a clean run passes, and a history that breaks
each invariant is caught (the checker of scripts/partitions must be able to fail); also on
a recorded history, and the partition poller's reply parsing."""
import copy
import json
import os
import struct
import unittest

import history_checker as hc
import partition_poller
from dnsd_harness import main

NODES = ["lb1", "lb2", "lb3"]


def ha_config(**over):
    cfg = {"mode": "ha", "sentinels": ["s1", "s2", "s3"], "quorum": 2, "etcd": ["e0", "e1", "e2"],
           "nodes": NODES, "window": 4.0, "deadline": 4.0, "grace": 1.0}
    cfg.update(over)
    return cfg


def dns(t, epoch, master, nodes=NODES):
    return [{"t": t, "node": n, "epoch": epoch, "master": master} for n in nodes]


def clean_failover():
    """lb1 (epoch 1) dies at 10s; lb2 is promoted with epoch 2 at 11.5s and served at 12s."""
    return {
        "config": ha_config(),
        "faults": [{"t": 10.0, "op": "kill", "proc": "lb1"}, {"t": 10.0, "op": "kill", "proc": "lb1t"},
                   {"t": 20.0, "op": "start", "proc": "lb1"}, {"t": 20.0, "op": "start", "proc": "lb1t"}],
        "dns": dns(1.0, 1, "lb1") + dns(9.0, 1, "lb1") + dns(12.0, 2, "lb2", ["lb2", "lb3"])
               + dns(22.0, 2, "lb2"),
        "hooks": [{"t": 0.5, "receiver": "lb1", "event": "promote", "epoch": 1, "accepted": True},
                  {"t": 11.5, "receiver": "lb2", "event": "promote", "epoch": 2, "accepted": True},
                  {"t": 21.0, "receiver": "lb1", "event": "demote", "epoch": 2, "accepted": True}],
        "end": 25.0,
    }


def invariants(history):
    return sorted({v["invariant"] for v in hc.check(history)})


class CheckerTest(unittest.TestCase):
    def test_clean_failover_passes(self):
        h = clean_failover()
        self.assertEqual(hc.check(h), [])
        self.assertEqual(hc.failovers(h), [{"t": 11.5, "epoch": 2, "from": "lb1", "to": "lb2"}])
        self.assertEqual(hc.summary(h)["false_failovers"], 0)

    def test_two_masters_in_one_epoch(self):
        h = clean_failover()
        h["dns"] += [{"t": 12.5, "node": "lb3", "epoch": 2, "master": "lb3"}]
        self.assertIn("one_master_per_epoch", invariants(h))

    def test_two_masters_flapping_in_one_epoch_is_one_report(self):
        h = clean_failover()
        for i in range(5):
            h["dns"] += [{"t": 12.5 + i * 0.1, "node": "lb3", "epoch": 2, "master": "lb3" if i % 2 else "lb2"}]
        self.assertEqual([v["invariant"] for v in hc.check(h)], ["one_master_per_epoch"])

    def test_promote_hook_disagreeing_with_dns(self):
        h = clean_failover()
        h["hooks"].append({"t": 11.6, "receiver": "lb3", "event": "promote", "epoch": 2, "accepted": True})
        self.assertIn("one_master_per_epoch", invariants(h))

    def test_dnsd_epoch_going_back(self):
        h = clean_failover()
        h["dns"].append({"t": 23.0, "node": "lb1", "epoch": 1, "master": "lb1"})
        self.assertIn("epoch_monotonic", invariants(h))

    def test_receiver_accepting_a_lower_promote(self):
        h = clean_failover()
        h["hooks"].append({"t": 23.0, "receiver": "lb1", "event": "promote", "epoch": 1, "accepted": True})
        self.assertIn("receiver_monotonic", invariants(h))
        # Refused, the same call is fine: that is what a receiver must do.
        h["hooks"][-1]["accepted"] = False
        self.assertEqual(hc.check(h), [])

    def test_failover_when_only_a_minority_lost_the_master(self):
        h = clean_failover()
        h["faults"] = [{"t": 10.0, "op": "cut", "a": "s1", "b": "lb1"}]
        h["dns"] = dns(1.0, 1, "lb1") + dns(12.0, 2, "lb2")
        self.assertEqual(invariants(h), ["no_minority_failover"])
        self.assertEqual(hc.summary(h)["false_failovers"], 1)
        # Two of three sentinels cut off: allowed (a quorum), though still a false failover.
        h["faults"].append({"t": 10.0, "op": "cut", "a": "s2", "b": "lb1t"})
        self.assertEqual(hc.check(h), [])
        self.assertEqual(hc.summary(h)["false_failovers"], 1)

    def test_single_sentinel_cut_off_alone_counts_a_false_failover(self):
        h = clean_failover()
        h["config"] = ha_config(mode="single", sentinels=["s1"], quorum=1, etcd=[])
        h["faults"] = [{"t": 10.0, "op": "cut", "a": "s1", "b": "lb1"}]
        h["dns"] = dns(1.0, 1, "lb1") + dns(12.0, 2, "lb2")
        self.assertEqual(hc.check(h), [])
        self.assertEqual(hc.summary(h)["false_failovers"], 1)

    def test_no_failover_although_due(self):
        h = clean_failover()
        h["dns"] = dns(1.0, 1, "lb1") + dns(22.0, 1, "lb1")
        h["hooks"] = h["hooks"][:1]
        self.assertEqual(invariants(h), ["failover_completes"])
        self.assertEqual(len(hc.check(h)), 1)  # one outage, one report

    def test_late_failover(self):
        h = clean_failover()
        h["hooks"][1]["t"] = 16.0
        h["dns"] = dns(1.0, 1, "lb1") + dns(16.5, 2, "lb2", ["lb2", "lb3"])
        self.assertEqual(invariants(h), ["failover_completes"])

    def test_not_due_without_an_etcd_majority_or_a_quorum(self):
        h = clean_failover()
        h["dns"] = dns(1.0, 1, "lb1")
        h["hooks"] = h["hooks"][:1]
        no_etcd = copy.deepcopy(h)
        no_etcd["faults"] += [{"t": 9.0, "op": "kill", "proc": "e0"}, {"t": 9.0, "op": "kill", "proc": "e1"}]
        self.assertEqual(hc.check(no_etcd), [])
        etcd_split = copy.deepcopy(h)  # e0 up, but cut from both others: no majority
        etcd_split["faults"] += [{"t": 9.0, "op": "isolate", "a": "e0"},
                                 {"t": 9.0, "op": "cut", "a": "e1", "b": "e2"}]
        self.assertEqual(hc.check(etcd_split), [])
        two_sentinels_dead = copy.deepcopy(h)
        two_sentinels_dead["faults"] += [{"t": 9.0, "op": "kill", "proc": "s2"},
                                         {"t": 9.0, "op": "kill", "proc": "s3"}]
        self.assertEqual(hc.check(two_sentinels_dead), [])
        no_candidate = copy.deepcopy(h)
        no_candidate["faults"] += [{"t": 9.0, "op": "kill", "proc": "lb2t"},
                                   {"t": 9.0, "op": "kill", "proc": "lb3"}]
        self.assertEqual(hc.check(no_candidate), [])
        # The same outage with etcd whole is due: the checker does fail it.
        self.assertEqual(invariants(h), ["failover_completes"])

    def test_a_master_just_restarted_may_be_seen_down(self):
        # The sentinel comes back with the master, which is not answering yet: a failover
        # then is no minority failover (seen in scripts/partitions --single, seed 203).
        h = clean_failover()
        h["faults"] = [{"t": 2.0, "op": "kill", "proc": "s1"}, {"t": 2.0, "op": "kill", "proc": "s2"},
                       {"t": 10.0, "op": "kill", "proc": "lb1"}, {"t": 10.0, "op": "kill", "proc": "lb1t"},
                       {"t": 12.7, "op": "start", "proc": "lb1"}, {"t": 12.7, "op": "start", "proc": "lb1t"},
                       {"t": 12.7, "op": "start", "proc": "s1"}, {"t": 12.7, "op": "start", "proc": "s2"}]
        h["hooks"] = [{"t": 13.4, "receiver": "lb2", "event": "promote", "epoch": 2, "accepted": True}]
        h["dns"] = dns(1.0, 1, "lb1") + dns(13.5, 2, "lb2")
        self.assertEqual(hc.check(h), [])
        # Once the restarted master is up (13.7s) for a whole window, a failover is flagged.
        h["hooks"][0]["t"] = 18.0
        h["dns"] = dns(1.0, 1, "lb1") + dns(18.1, 2, "lb2")
        self.assertIn("no_minority_failover", invariants(h))
        # Nor is a failover owed while the dead master's sentinels are still starting.
        h["hooks"], h["dns"] = [], dns(1.0, 1, "lb1")
        h["faults"] = h["faults"][:4] + [{"t": 12.0, "op": "start", "proc": "s1"},
                                         {"t": 12.0, "op": "start", "proc": "s2"}]
        h["end"] = 12.0 + 1.0 + 4.0 + 0.5  # the start-up grace + the deadline, not the grace twice
        self.assertEqual(hc.check(h), [])
        h["end"] = 25.0
        self.assertIn("failover_completes", invariants(h))

    def test_heal_restores_reachability(self):
        w = hc.World([{"t": 1.0, "op": "cut", "a": "s1", "b": "lb1"}, {"t": 2.0, "op": "isolate", "a": "e0"},
                      {"t": 3.0, "op": "heal"}])
        self.assertTrue(w.state(0.5).reach("s1", "lb1"))
        self.assertFalse(w.state(1.5).reach("lb1", "s1"))
        self.assertFalse(w.state(2.5).reach("e1", "e0"))
        self.assertTrue(w.state(3.5).reach("s1", "lb1") and w.state(3.5).reach("e0", "e1"))


def reply(qid, rcode, txts):
    """A DNS reply to _sentinel.api.example.test TXT with one TXT answer per string list."""
    q = b"".join(bytes([len(l)]) + l.encode() for l in "_sentinel.api.example.test".split(".")) + b"\0"
    msg = struct.pack(">HHHHHH", qid, 0x8400 | rcode, 1, len(txts), 0, 0) + q + struct.pack(">HH", 16, 1)
    for strings in txts:
        rdata = b"".join(bytes([len(x)]) + x.encode() for x in strings)
        msg += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 30, len(rdata)) + rdata
    return msg


HISTORIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "histories")


class RecordedHistoryTest(unittest.TestCase):
    """Histories recorded by scripts/partitions (replay one with --replay FILE)."""

    def test_resumed_failover_of_a_restarted_single_sentinel_is_flagged(self):
        with open(os.path.join(HISTORIES, "single-resumed-failover.json")) as f:
            h = json.load(f)
        v = hc.check(h)
        self.assertEqual([x["invariant"] for x in v], ["no_minority_failover"])
        self.assertIn("lb1 -> lb2 (epoch 2)", v[0]["detail"])
        self.assertEqual(hc.summary(h)["false_failovers"], 1)


class PollerParseTest(unittest.TestCase):
    """The recording side: the poller reads epoch and master out of _sentinel TXT replies."""

    def test_txt_strings(self):
        ok = reply(7, 0, [["epoch=3", "master=lb2", "by=s1", "drained="]])
        self.assertEqual(partition_poller.txt_strings(ok, 7), ["epoch=3", "master=lb2", "by=s1", "drained="])
        self.assertIsNone(partition_poller.txt_strings(ok, 8))              # not our query
        self.assertIsNone(partition_poller.txt_strings(reply(7, 3, []), 7))  # NXDOMAIN
        self.assertIsNone(partition_poller.txt_strings(b"\x00\x07", 7))      # truncated
        self.assertEqual(partition_poller.txt_strings(reply(7, 0, []), 7), [])


if __name__ == "__main__":
    main()
