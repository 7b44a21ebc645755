"""The issue's reproduction on a real full filesystem: state_dir on a small tmpfs, signed
updates until the disk is full (SERVFAIL), space freed, more updates (acknowledged), then
kill -9 and a restart: every acknowledged update is served, the serial never goes back.
Compaction runs every 4 updates, so snapshots fail with ENOSPC too. Needs root (mount)."""
import errno
import os
import subprocess
import sys
import tempfile
import unittest

import dnsd_harness
from durability_harness import FaultyDnsd, Ledger


def mount_tmpfs(size):
    path = tempfile.mkdtemp(prefix="dnsd-fulldisk-")
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                       capture_output=True, text=True)
    if p.returncode != 0:
        os.rmdir(path)
        return None, p.stderr.strip()
    return path, ""


def umount(path):
    subprocess.run(["umount", path], capture_output=True)
    os.rmdir(path)


def fill(path, leave):
    """Fills the filesystem of `path` with one file, then gives `leave` bytes back."""
    filler = os.path.join(path, "filler")
    chunk = b"\0" * 4096
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for _ in range(1 << 20):  # bounded: 4 GiB at most
            os.write(fd, chunk)
    except OSError as e:
        if e.errno != errno.ENOSPC:
            raise
    finally:
        os.close(fd)
    size = os.path.getsize(filler)
    os.truncate(filler, max(0, size - leave))
    return filler


class FullDisk(unittest.TestCase):

    def test_full_disk_then_space_freed_loses_nothing_acknowledged(self):
        mnt, why = mount_tmpfs("2m")
        self.assertIsNotNone(mnt, why)
        self.addCleanup(umount, mnt)
        d = FaultyDnsd(server_extra="journal_compact_after = 4", state_dir=os.path.join(mnt, "state"))
        self.addCleanup(d.stop)
        d.start()
        filler = fill(mnt, leave=24 * 1024)
        ledger = Ledger(d, txt_bytes=1000)
        refused_in_a_row = 0
        while ledger.n < 120 and refused_in_a_row < 4:
            refused_in_a_row = 0 if ledger.update() else refused_in_a_row + 1
        self.assertGreater(len(ledger.acked), 0, "some updates fit")
        self.assertEqual(refused_in_a_row, 4, "the disk filled up: updates got SERVFAIL")
        self.assertEqual(d.dig("www.example.com", "A").status, "NOERROR", "queries still answered")
        os.remove(filler)
        for _ in range(3):
            self.assertTrue(ledger.update(), "space freed: updates are acknowledged again\n"
                            + d.read_log()[-1500:])
        d.kill9()
        d.start()
        ledger.check_after_restart(self, "ENOSPC on a full tmpfs")
        self.assertTrue(ledger.update())


if __name__ == "__main__":
    dnsd_harness.require(["dig", "nsupdate", "mount", "umount"], root=True)
    probe, why = mount_tmpfs("64k")
    if probe is None:
        print("SKIP test_full_disk.py: cannot mount a tmpfs here: " + why, flush=True)
        sys.exit(dnsd_harness.SKIP_EXIT)
    umount(probe)
    dnsd_harness.main()
