"""dnsd answers over UDP and TCP with dig: the lookup rules of docs/dnsd.md "What dnsd answers"."""
import unittest

import dnsd_harness
from dnsd_harness import DnsdTestCase, SELF_ZONE, ZONE


class ZoneAnswers(DnsdTestCase):
    zones = [("example.com", ZONE, []), ("example.org", ZONE.replace("example.com", "example.org"), [])]

    def test_exact_match_is_authoritative(self):
        for transport in ([], ["+tcp"]):
            r = self.server.dig("www.example.com", "A", *transport)
            self.assertEqual(r.status, "NOERROR")
            self.assertIn("aa", r.flags)
            self.assertEqual(r.rdata(), ["192.0.2.10"])

    def test_nxdomain_has_soa_with_negative_ttl(self):
        r = self.server.dig("nope.example.com", "A")
        self.assertEqual(r.status, "NXDOMAIN")
        soa = r.rrs("AUTHORITY")
        self.assertEqual(len(soa), 1)
        self.assertEqual(soa[0][3], "SOA")
        self.assertEqual(soa[0][1], "300")  # min(3600, 300), RFC 2308

    def test_nodata_and_empty_non_terminal(self):
        for name in ("www.example.com", "b.c.example.com", "c.example.com"):
            r = self.server.dig(name, "MX")
            self.assertEqual(r.status, "NOERROR", name)
            self.assertEqual(r.rrs(), [], name)
            self.assertEqual(r.rrs("AUTHORITY")[0][3], "SOA", name)

    def test_wildcard_rfc4592(self):
        r = self.server.dig("Anything.wild.example.com", "A")
        self.assertEqual(r.rdata(), ["192.0.2.50"])
        self.assertEqual(r.rrs()[0][0], "Anything.wild.example.com.")
        # no match below an existing node
        self.assertEqual(self.server.dig("x.sub.wild.example.com", "A").status, "NXDOMAIN")

    def test_cname_chain_followed_inside_zone(self):
        r = self.server.dig("chain.example.com", "A")
        types = [rr[3] for rr in r.rrs()]
        self.assertEqual(types.count("CNAME"), 2)
        self.assertIn("192.0.2.10", r.rdata())

    def test_referral_with_glue_and_no_aa(self):
        r = self.server.dig("host.child.example.com", "A")
        self.assertEqual(r.status, "NOERROR")
        self.assertNotIn("aa", r.flags)
        self.assertEqual(r.rrs(), [])
        self.assertEqual(r.rdata("AUTHORITY"), ["ns.child.example.com."])
        self.assertIn("192.0.2.60", r.rdata("ADDITIONAL"))

    def test_ds_at_cut_is_authoritative(self):
        r = self.server.dig("child.example.com", "DS")
        self.assertIn("aa", r.flags)
        self.assertEqual(len(r.rrs()), 1)

    def test_out_of_zone_refused_without_recursion(self):
        r = self.server.dig("www.example.net", "A", "+rec")
        self.assertEqual(r.status, "REFUSED")
        self.assertNotIn("ra", r.flags)

    def test_any_is_minimal(self):
        r = self.server.dig("www.example.com", "ANY")
        self.assertEqual(r.status, "NOERROR")
        self.assertEqual(len(r.rrs()), 1)

    def test_case_preserved(self):
        r = self.server.dig("WwW.ExAmPlE.CoM", "A")
        self.assertEqual(r.rrs()[0][0], "WwW.ExAmPlE.CoM.")
        self.assertIn(";WwW.ExAmPlE.CoM.", r.text)

    def test_other_types(self):
        self.assertEqual(self.server.dig("mail.example.com", "MX").rdata(), ["10 mx.example.com."])
        self.assertIn("192.0.2.20", self.server.dig("mail.example.com", "MX").rdata("ADDITIONAL"))
        self.assertEqual(self.server.dig("txt.example.com", "TXT").rdata(), ['"hello" "world"'])
        self.assertEqual(self.server.dig("_tunnel._tcp.example.com", "SRV").rdata(),
                         ["0 100 443 lb1.example.com."])
        self.assertEqual(self.server.dig("caa.example.com", "CAA").rdata(),
                         ['0 issue "letsencrypt.org"'])
        self.assertEqual(self.server.dig("ptr.example.com", "PTR").rdata(), ["host.example.net."])
        self.assertEqual(self.server.dig("unk.example.com", "TYPE65534").rdata(),
                         ["\\# 4 0A000001"])

    def test_round_robin_rotates(self):
        firsts = {self.server.dig("rr.example.com", "A").rrs()[0][4] for _ in range(12)}
        self.assertGreater(len(firsts), 1)

    def test_several_zones(self):
        self.assertEqual(self.server.dig("www.example.org", "A").rdata(), ["192.0.2.10"])
        self.assertIn("aa", self.server.dig("example.org", "SOA").flags)


class SelfNames(DnsdTestCase):
    zones = [("api.example.test", SELF_ZONE, ["@", "*"])]
    node = ['ipv4 = ["198.51.100.10", "198.51.100.11"]', 'ipv6 = ["2001:db8::10"]']

    def test_apex_and_any_name_answer_node_addresses(self):
        for name in ("api.example.test", "random-7f3a.api.example.test", "x.y.api.example.test"):
            r = self.server.dig(name, "A")
            self.assertIn("aa", r.flags, name)
            self.assertEqual(r.rdata(), ["198.51.100.10", "198.51.100.11"], name)
            self.assertEqual({rr[1] for rr in r.rrs()}, {"30"})
            self.assertEqual(self.server.dig(name, "AAAA").rdata(), ["2001:db8::10"])

    def test_zone_file_name_is_answered_from_the_file(self):
        self.assertEqual(self.server.dig("lb1.api.example.test", "A").rdata(), ["127.0.0.11"])


class SelfNamesV4Only(DnsdTestCase):
    zones = [("api.example.test", SELF_ZONE, ["@"])]
    node = ['ipv4 = ["198.51.100.10"]']

    def test_nodata_for_missing_family_and_nxdomain_without_wildcard(self):
        r = self.server.dig("api.example.test", "AAAA")
        self.assertEqual(r.status, "NOERROR")
        self.assertEqual(r.rrs(), [])
        self.assertEqual(r.rrs("AUTHORITY")[0][3], "SOA")
        self.assertEqual(self.server.dig("other.api.example.test", "A").status, "NXDOMAIN")


if __name__ == "__main__":
    dnsd_harness.require(["dig"])
    dnsd_harness.main()
