// The zone most answer tests run against, with every lookup case in it.
#pragma once

namespace dnsd::testutil {

inline constexpr const char* kExampleZone = R"(
$ORIGIN example.com.
$TTL 3600
@        IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300
@        NS    ns1.example.com.
@        NS    ns2.example.com.
ns1      A     192.0.2.1
ns2      A     192.0.2.2
www      A     192.0.2.10
www      AAAA  2001:db8::10
alias    CNAME www
chain    CNAME alias
dangling CNAME nothere
outside  CNAME www.other.org.
mail     MX    10 mx.example.com.
mx       A     192.0.2.20
txt      TXT   "hello" "world"
_tunnel._tcp SRV 0 100 443 lb1.example.com.
lb1      A     192.0.2.31
a.b.c    A     192.0.2.40
*.wild   A     192.0.2.50
*.wild   TXT   "wild"
sub.wild A     192.0.2.51
child    NS    ns.child.example.com.
child    DS    12345 8 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE8D1A1DEC0B6E8E3A2D4F8C1E
ns.child A     192.0.2.60
caa      CAA   0 issue "letsencrypt.org"
ptr      PTR   host.example.net.
unk      TYPE65534 \# 4 0a000001
rr       A     192.0.2.71
rr       A     192.0.2.72
rr       A     192.0.2.73
)";

}  // namespace dnsd::testutil
