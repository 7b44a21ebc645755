"""A real Knot DNS secondary transfers the zone from dnsd (AXFR, TSIG), and after a signed
update and dnsd's NOTIFY it ends with the same zone (IXFR from dnsd's journal)."""
import os
import subprocess
import time
import unittest

import dnsd_harness
from dnsd_harness import KEY_NAME, KEY_SECRET, KEYS_TOML, ZONE, Dnsd, dig, free_address, nsupdate

TSIG = "hmac-sha256:%s:%s" % (KEY_NAME, KEY_SECRET)


class KnotSecondary(unittest.TestCase):

    def setUp(self):
        self.khost, self.kport = free_address()
        self.d = Dnsd(zone_extra='update_keys = ["sentinel"]\ntransfer_keys = ["sentinel"]\n'
                                 'notify = ["%s:%d"]' % (self.khost, self.kport),
                      tail=KEYS_TOML).start()
        kdir = os.path.join(self.d.dir, "knot")
        os.makedirs(kdir)
        conf = os.path.join(kdir, "knot.conf")
        with open(conf, "w") as f:
            f.write("""server:
    listen: %(kh)s@%(kp)d
    rundir: %(dir)s
database:
    storage: %(dir)s/db
key:
  - id: %(key)s
    algorithm: hmac-sha256
    secret: %(secret)s
remote:
  - id: primary
    address: %(dh)s@%(dp)d
    key: %(key)s
acl:
  - id: from_primary
    address: 127.0.0.0/8
    action: notify
  - id: compare
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: %(dir)s
zone:
  - domain: example.com
    master: primary
    acl: [from_primary, compare]
    zonefile-sync: -1
log:
  - target: stderr
    any: info
""" % {"kh": self.khost, "kp": self.kport, "dir": kdir, "key": KEY_NAME, "secret": KEY_SECRET,
       "dh": self.d.host, "dp": self.d.port})
        self.klog = open(os.path.join(kdir, "knot.log"), "w")
        self.knot = subprocess.Popen(["knotd", "-c", conf], stdout=self.klog, stderr=subprocess.STDOUT)

    def tearDown(self):
        self.knot.terminate()
        try:
            self.knot.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.knot.kill()
            self.knot.wait(timeout=5)
        self.klog.close()
        self.d.stop()

    def secondary_serial(self):
        r = dig(self.khost, self.kport, "example.com", "SOA", "+short")
        parts = r.text.split()
        # Before knotd listens dig prints ";; communications error ...": not a serial yet.
        return int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None

    def wait_serial(self, want, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.secondary_serial() == want:
                return True
            time.sleep(0.1)
        with open(self.klog.name) as f:
            self.fail("secondary never reached serial %d; knot log:\n%s" % (want, f.read()[-3000:]))

    def wait_log(self, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.d.read_log():
                return
            time.sleep(0.05)
        self.fail("no %r in the dnsd log:\n%s" % (text, self.d.read_log()[-3000:]))

    def zone_lines(self, host, port):
        r = dig(host, port, "example.com", "AXFR", "-y", TSIG) if port == self.d.port else \
            dig(host, port, "example.com", "AXFR")
        return sorted(" ".join(l.split()) for l in r.text.splitlines()
                      if l and not l.startswith(";") and l.split()[3] != "TSIG")

    def test_secondary_follows_updates(self):
        primary = int(self.d.dig("example.com", "SOA", "+short").text.split()[2])
        self.wait_serial(primary)
        p = nsupdate(self.d.host, self.d.port,
                     ["zone example.com", "update add fromprimary.example.com 60 A 192.0.2.123", "send"],
                     key=TSIG)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.wait_serial(primary + 1)  # pushed by NOTIFY, pulled by IXFR
        r = dig(self.khost, self.kport, "fromprimary.example.com", "A", "+norec")
        self.assertEqual(r.rdata(), ["192.0.2.123"])
        # dnsd logs the NOTIFY acknowledgement and the IXFR on its own threads, maybe after
        # Knot already serves the new serial.
        for line in ("notify: example.com. serial %d acknowledged" % (primary + 1), "IXFR example.com."):
            self.wait_log(line)
        self.assertEqual(self.zone_lines(self.khost, self.kport), self.zone_lines(self.d.host, self.d.port))


if __name__ == "__main__":
    dnsd_harness.require(["knotd", "dig", "nsupdate"])
    dnsd_harness.main()
