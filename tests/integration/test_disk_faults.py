"""The real dnsd under strace's syscall fault injection: EIO from write and from fdatasync on
the journal, and a failure at each durability step of a compaction, each followed by
kill -9 and a restart. Every acknowledged update must be served after the restart, none
that was refused half-applied, the serial never below one a client saw."""
import os
import signal
import time
import unittest

import dnsd_harness
from durability_harness import FaultyDnsd, Ledger, strace_inject

UPDATES = 8


class DiskFaults(unittest.TestCase):

    def run_case(self, what, paths, injections, compact_after=None, updates=UPDATES):
        d = FaultyDnsd(server_extra="journal_compact_after = %d" % compact_after if compact_after else "")
        self.addCleanup(d.stop)
        d.start()
        d.stop()  # the journal now exists: no start-up file writes under strace
        d.start_under(strace_inject(paths(d), *injections))
        ledger = Ledger(d)
        for _ in range(updates):
            ledger.update()
        self.during(d, ledger)
        d.kill9()
        d.start()
        ledger.check_after_restart(self, what)
        self.assertTrue(ledger.update(), "an update after the restart is acknowledged")
        return d, ledger

    def during(self, d, ledger):
        """Checks made while the fault is still in place (queries are always answered)."""
        self.assertEqual(d.dig("www.example.com", "A").status, "NOERROR")
        self.reload_must_not_bring_refused_updates_back(d, ledger)

    def test_eio_on_fdatasync_refuses_that_update_then_the_journal_is_rewritten(self):
        d, ledger = self.run_case("EIO on fdatasync", lambda d: [d.journal()],
                                  ["fdatasync:error=EIO:when=3"])
        self.assertEqual(ledger.refused, [2])
        log = d.read_log()
        self.assertIn("journal untrusted", log)
        self.assertIn("rewritten from memory", log)

    def test_eio_on_write_refuses_that_update_and_cuts_it_back(self):
        d, ledger = self.run_case("EIO on write", lambda d: [d.journal()],
                                  ["write:error=EIO:when=3"])
        self.assertEqual(ledger.refused, [2])
        self.assertIn("not durable, not applied, SERVFAIL", d.read_log())
        self.assertNotIn("torn", d.read_log(), "nothing partial was left for the restart")

    def test_enospc_on_write(self):
        d, ledger = self.run_case("ENOSPC on write", lambda d: [d.journal()],
                                  ["write:error=ENOSPC:when=2"])
        self.assertEqual(ledger.refused, [1])

    def test_a_journal_that_cannot_be_rewritten_refuses_updates_and_answers_queries(self):
        d, ledger = self.run_case(
            "EIO on fdatasync and on every rewrite",
            lambda d: [d.journal(), d.journal() + ".tmp"],
            ["fdatasync:error=EIO:when=2+", "fsync:error=EIO:when=1+"])
        self.assertEqual(ledger.acked[:1], [0])
        self.assertEqual(ledger.refused, list(range(1, UPDATES)))
        self.assertIn("still untrusted", d.read_log())
        self.assertIn("not reloaded, so no update that got SERVFAIL can come back", d.read_log())

    def reload_must_not_bring_refused_updates_back(self, d, ledger):
        if ledger.refused and "still untrusted" in d.read_log():
            # A reload must not read back the refused update the journal may hold.
            done = d.read_log().count("reload failed")
            os.kill(d.dnsd_pid, signal.SIGHUP)  # dnsd itself, not its strace
            deadline = time.time() + 10
            while d.read_log().count("reload failed") == done and time.time() < deadline:
                time.sleep(0.02)
            for i in ledger.refused:
                self.assertEqual(ledger.present(i), (False, False), "refused update %d served" % i)

    # Compaction after every 3 updates; the fault hits the first one (the second rewrite of
    # the state: the first is the base snapshot written before the fresh journal's first
    # entry). The update that triggered it is already durable in the journal, so every
    # update is acknowledged.
    def compaction_case(self, what, paths, injection):
        d, ledger = self.run_case(what, paths, [injection], compact_after=3)
        self.assertEqual(ledger.refused, [])
        self.assertIn("journal compaction failed", d.read_log())
        return d

    def test_compaction_snapshot_fsync_fails(self):
        self.compaction_case("compaction: snapshot fsync",
                             lambda d: [d.journal().replace("journal", "snapshot.tmp")],
                             "fsync:error=EIO:when=2")

    def test_compaction_snapshot_rename_fails(self):
        self.compaction_case("compaction: snapshot rename",
                             lambda d: [d.journal().replace("journal", "snapshot.tmp")],
                             "rename:error=EIO:when=2")

    def test_compaction_folder_fsync_after_the_snapshot_rename_fails(self):
        self.compaction_case("compaction: folder fsync after the snapshot",
                             lambda d: [d.state_dir], "fsync:error=EIO:when=3")

    def test_compaction_journal_fsync_fails(self):
        self.compaction_case("compaction: new journal fsync",
                             lambda d: [d.journal() + ".tmp"], "fsync:error=EIO:when=2")

    def test_compaction_folder_fsync_after_the_journal_rename_fails(self):
        d = self.compaction_case("compaction: folder fsync after the new journal",
                                 lambda d: [d.state_dir], "fsync:error=EIO:when=4")
        self.assertIn("rewritten from memory", d.read_log())

    def test_base_snapshot_fsync_fails(self):
        # The base snapshot is a fallback for a refused zone file, not part of an update's
        # durability: the update is appended and acknowledged all the same.
        d, ledger = self.run_case("base snapshot fsync",
                                  lambda d: [d.journal().replace("journal", "snapshot.tmp")],
                                  ["fsync:error=EIO:when=1"])
        self.assertEqual(ledger.refused, [])
        self.assertIn("base snapshot not written", d.read_log())


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate", "strace"])
    dnsd_harness.main()
