"""certbot (python3-certbot-dns-rfc2136) against the ACME test server pebble, as a user
would run it: the DNS-01 challenge TXT is sent as an RFC 2136 update to ONE node (lb1),
and pebble checks it through Unbound, which follows the delegation to any of the three
nodes. Ten certificates must be issued (10 of 10), the challenge TXT must be visible on
EVERY node before certbot's propagation wait ends, and gone from every node afterwards.

The nodes share updates only with replication ([[zone]] replicas / update_primary /
replicated_update_keys / replication_key). The config uses those keys when `dnsd --check`
accepts them; a dnsd without them still runs the test (lb1 alone gets the TXT), and the
test reports how many of the 10 failed through the resolver and fails. Needs root (port
53), pebble, certbot with the rfc2136 plugin, unbound and openssl."""
import os
import shutil
import subprocess
import threading
import time
import unittest

import dnsd_harness
from e2e_cluster import DNSD, ZONE, E2ECluster, udp_query
from sentinel_harness import free_tcp_port, wait_until

ACME_SECRET = "Y2VydGJvdC1hY21lLWtleS1mb3ItdGhlLWUyZS10ZXN0IQ=="
REPLICATION_SECRET = "cmVwbGljYXRpb24ta2V5LWZvci10aGUtZTJlLXRlc3QhIQ=="
CERTS = 10
PROPAGATION = 2  # certbot's --dns-rfc2136-propagation-seconds
TXT = 16


def report(line):
    print("MEASURED " + line, flush=True)


class AcmeCluster(E2ECluster):
    """The e2e cluster with an "acme" update key on every node, and replication of the
    acme key's updates when this dnsd knows the replication keys."""

    replicated = None  # decided once per run, by `dnsd --check`

    def _dnsd_config(self, name, addr, zone_name, zone_file, self_names):
        text = E2ECluster._dnsd_config(self, name, addr, zone_name, zone_file, self_names)
        if zone_name != ZONE:
            return text
        text = text.replace('update_keys = ["sentinel"]', 'update_keys = ["sentinel", "acme"]')
        keys = ('[[key]]\nname = "acme"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n\n'
                '[[key]]\nname = "replication"\nalgorithm = "hmac-sha256"\nsecret = "%s"\n\n'
                % (ACME_SECRET, REPLICATION_SECRET))
        text = text.replace("[metrics]", keys + "[metrics]")
        replication = "\n".join([
            "replicas = [%s]" % ", ".join('"%s=%s:53"' % (n, a) for n, a in sorted(self.nodes.items())),
            'update_primary = "lb1"', 'replicated_update_keys = ["acme"]',
            'replication_key = "replication"', ""])
        with_replication = text.replace('transfer_keys = ["sentinel"]\n',
                                        'transfer_keys = ["sentinel"]\n' + replication)
        if AcmeCluster.replicated is None:
            probe = os.path.join(self.dir, "replication-probe.toml")
            with open(probe, "w") as f:
                f.write(with_replication)
            os.makedirs(self.path("state", name), exist_ok=True)
            r = subprocess.run([DNSD, "--check", "-c", probe], capture_output=True, text=True, timeout=30)
            AcmeCluster.replicated = r.returncode == 0
            AcmeCluster.check_output = r.stdout + r.stderr
        return with_replication if AcmeCluster.replicated else text


def make_pebble_certs(d):
    """A throwaway CA and a certificate for 127.0.0.1 (Debian's pebble ships no test certs)."""
    def run(*args):
        subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)
    ca_key, ca, key, csr, cert = (os.path.join(d, n) for n in
                                  ("ca.key", "ca.pem", "pebble.key", "pebble.csr", "pebble.pem"))
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca,
        "-days", "2", "-subj", "/CN=dnsgtm e2e test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=localhost")
    ext = os.path.join(d, "san.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName = IP:127.0.0.1, DNS:localhost\n")
    run("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", cert,
        "-days", "2", "-extfile", ext)
    return ca, cert, key


class CertbotThroughUnbound(unittest.TestCase):

    def setUp(self):
        self.c = AcmeCluster(prefix="127.0.79")
        self.c.start()
        self.addCleanup(self.c.stop)
        d = self.c.path("acme")
        os.makedirs(d)
        ca, cert, key = make_pebble_certs(d)
        self.ca = ca
        port, mgmt = free_tcp_port("127.0.0.1"), free_tcp_port("127.0.0.1")
        conf = os.path.join(d, "pebble.json")
        with open(conf, "w") as f:
            f.write('{"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": '
                    '"127.0.0.1:%d", "certificate": "%s", "privateKey": "%s", "httpPort": %d, '
                    '"tlsPort": %d, "ocspResponderURL": "", "externalAccountBindingRequired": false}}'
                    % (port, mgmt, cert, key, free_tcp_port("127.0.0.1"), free_tcp_port("127.0.0.1")))
        self.directory = "https://127.0.0.1:%d/dir" % port
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1", PEBBLE_WFE_NONCEREJECT="0",
                   PEBBLE_AUTHZREUSE="0")
        self.pebble_log = open(os.path.join(d, "pebble.log"), "w")
        self.pebble = subprocess.Popen(["pebble", "-config", conf, "-dnsserver", self.c.resolver + ":53"],
                                       stdout=self.pebble_log, stderr=subprocess.STDOUT, env=env)
        self.addCleanup(self.stop_pebble)
        wait_until(lambda: "Listening on" in open(self.pebble_log.name).read() or
                   self.pebble.poll() is not None, 15, what="pebble listening")
        self.assertIsNone(self.pebble.poll(), open(self.pebble_log.name).read())
        self.creds = os.path.join(d, "rfc2136.ini")
        with open(os.open(self.creds, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write("dns_rfc2136_server = %s\ndns_rfc2136_port = 53\ndns_rfc2136_name = acme\n"
                    "dns_rfc2136_secret = %s\ndns_rfc2136_algorithm = HMAC-SHA256\n"
                    % (self.c.nodes["lb1"], ACME_SECRET))

    def stop_pebble(self):
        dnsd_harness.stop_process(self.pebble, 10)
        self.pebble_log.close()

    def certbot(self, i, name):
        base = self.c.path("acme", "certbot%d" % i)
        args = ["certbot", "certonly", "--non-interactive", "--agree-tos",
                "--register-unsafely-without-email", "--server", self.directory,
                "--config-dir", base + "/config", "--work-dir", base + "/work", "--logs-dir", base + "/logs",
                "--dns-rfc2136", "--dns-rfc2136-credentials", self.creds,
                "--dns-rfc2136-propagation-seconds", str(PROPAGATION), "-d", name]
        env = dict(os.environ, REQUESTS_CA_BUNDLE=self.ca)
        return subprocess.run(args, capture_output=True, text=True, timeout=80, env=env)

    def test_ten_certificates_through_unbound(self):
        names = ["cert%d.%s" % (i, ZONE) for i in range(CERTS)]
        seen = {n: {} for n in names}  # name: {node: [first seen, last seen]}
        stop = threading.Event()

        def poll():  # every node, directly, while certbot runs
            while not stop.is_set():
                for n in names:
                    for node, addr in self.c.nodes.items():
                        r = udp_query(addr, "_acme-challenge." + n, TXT, 0.5)
                        if r and r[0] == 0 and r[1]:
                            now = time.monotonic()
                            seen[n].setdefault(node, [now, now])[1] = now
                time.sleep(0.02)
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        results = {}
        t0 = time.monotonic()

        def issue(i, n):
            results[n] = self.certbot(i, n)
        # Five at a time (each with its own certbot dirs): the whole run stays well under 90 s.
        for batch in (range(0, 5), range(5, CERTS)):
            threads = [threading.Thread(target=issue, args=(i, names[i])) for i in batch]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        took = time.monotonic() - t0
        stop.set()
        poller.join(timeout=10)

        issued = [n for n in names if results[n].returncode == 0 and
                  os.path.exists(self.c.path("acme", "certbot%d" % names.index(n), "config", "live", n,
                                             "fullchain.pem"))]
        report("certbot + pebble through Unbound: %d of %d certificates issued in %.0f s "
               "(replication %s)" % (len(issued), CERTS, took,
                                     "on" if AcmeCluster.replicated else "not in this dnsd: " +
                                     AcmeCluster.check_output.strip().splitlines()[0]))
        late = []
        for n in names:
            nodes = seen[n]
            if "lb1" not in nodes:
                late.append("%s: never seen on lb1" % n)
                continue
            # certbot sends the update, then waits PROPAGATION seconds before asking pebble:
            # every node must serve the TXT within that window after lb1 first did.
            for node in self.c.nodes:
                if node not in nodes or nodes[node][0] > nodes["lb1"][0] + PROPAGATION:
                    late.append("%s: %s %s" % (n, node, "never" if node not in nodes else
                                               "after %.1f s" % (nodes[node][0] - nodes["lb1"][0])))
        report("challenge TXT on every node before the propagation wait ended: %d of %d names"
               % (CERTS - len({l.split(":")[0] for l in late}), CERTS))
        # Gone from every node afterwards (certbot's cleanup ran before it exited).
        def left():
            return [(n, node) for n in names for node, addr in self.c.nodes.items()
                    if (lambda r: r and r[0] == 0 and r[1])(udp_query(addr, "_acme-challenge." + n, TXT, 1.0))]
        try:
            wait_until(lambda: not left(), 5, what="the challenge TXTs gone from every node")
        except AssertionError:
            pass  # reported by the assertion below, with the names
        def why(r):  # certbot's one-line reason ("Detail: No TXT records found ..."), or its tail
            out = r.stdout + r.stderr
            details = [l.strip() for l in out.splitlines() if "Detail:" in l]
            return details[0] if details else out[-300:]
        failures = {n: why(results[n]) for n in names if n not in issued}
        self.assertEqual(len(issued), CERTS, "%d of %d failed: %s" % (len(failures), CERTS, failures))
        self.assertEqual(late, [])
        self.assertEqual(left(), [])


if __name__ == "__main__":
    dnsd_harness.require(["pebble", "certbot", "unbound", "unbound-control", "openssl"], root=True)
    r = subprocess.run(["certbot", "plugins", "--text"], capture_output=True, text=True, timeout=60)
    if "dns-rfc2136" not in r.stdout:
        print("SKIP: certbot has no dns-rfc2136 plugin (python3-certbot-dns-rfc2136)", flush=True)
        raise SystemExit(dnsd_harness.SKIP_EXIT)
    dnsd_harness.main()
