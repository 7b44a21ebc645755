// Live tests of the Prober on a real uv loop against loopback tcp/dns/http/tls peers.
#include "sentinel/probe/probe.h"

#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <thread>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "sentinel/probe/http_probe.h"
#include "tests/unit/sentinel/probe/loopback_servers.h"
#include "tests/unit/sentinel/probe/tls_test_server.h"

namespace sentinel::probe {
namespace {

using namespace std::chrono_literals;
using testing::LoopbackSocket;
using testing::TcpServer;

const bool kSigpipeIgnored = [] { return std::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(uv_loop_init(&loop_), 0); }
  void TearDown() override {
    prober_.close();
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "handles left open";
  }

  // Runs one check to completion.
  ProbeResult run(const CheckSpec& spec) {
    std::optional<ProbeResult> result;
    prober_.start(spec, [&](const ProbeResult& r) { result = r; });
    while (!result && uv_run(&loop_, UV_RUN_ONCE) != 0) {
    }
    EXPECT_TRUE(result.has_value());
    return result.value_or(ProbeResult{});
  }

  uv_loop_t loop_{};
  Prober prober_{&loop_};
};

CheckSpec spec_for(CheckType type, const dnsd::common::SocketAddress& target,
                   std::chrono::milliseconds timeout = 2000ms) {
  CheckSpec s;
  s.type = type;
  s.target = target;
  s.timeout = timeout;
  return s;
}

TEST(CheckTypeName, Names) {
  EXPECT_STREQ(check_type_name(CheckType::Dns), "dns");
  EXPECT_STREQ(check_type_name(CheckType::Tcp), "tcp");
  EXPECT_STREQ(check_type_name(CheckType::Http), "http");
  EXPECT_STREQ(check_type_name(CheckType::Tls), "tls");
}

TEST(FailureFromUv, ErrorsMapToTheFixedReasons) {
  struct Case {
    int uv;
    ProbeFailure want;
  };
  for (const auto& c : {Case{UV_ECONNREFUSED, ProbeFailure::Refused},
                        Case{UV_ECONNRESET, ProbeFailure::Reset},
                        Case{UV_EPIPE, ProbeFailure::Reset},
                        Case{UV_EHOSTUNREACH, ProbeFailure::Unreachable},
                        Case{UV_ENETUNREACH, ProbeFailure::Unreachable},
                        Case{UV_ETIMEDOUT, ProbeFailure::Timeout},
                        Case{UV_EMFILE, ProbeFailure::Error}})
    EXPECT_EQ(failure_from_uv(c.uv), c.want) << uv_err_name(c.uv);
}

TEST_F(ProbeTest, TcpConnectsToListener) {
  LoopbackSocket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  ProbeResult r = run(spec_for(CheckType::Tcp, listener.address()));
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.failure, ProbeFailure::None);
  EXPECT_EQ(r.detail.rfind("connected in ", 0), 0u) << r.detail;
}

TEST_F(ProbeTest, TcpRefusedByClosedPort) {
  LoopbackSocket bound_not_listening(SOCK_STREAM);
  ProbeResult r = run(spec_for(CheckType::Tcp, bound_not_listening.address()));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Refused);
  EXPECT_EQ(r.detail, "connection refused");
}

// A dnsd that died: the closed UDP port answers with ICMP port unreachable.
TEST_F(ProbeTest, DnsClosedPortIsRefused) {
  dnsd::common::SocketAddress gone;
  {
    LoopbackSocket udp(SOCK_DGRAM);
    gone = udp.address();
  }  // closed: nothing listens there any more
  CheckSpec s = spec_for(CheckType::Dns, gone, 2000ms);
  s.zone = "api.example.com.";
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Refused);
  EXPECT_EQ(r.detail, "connection refused");
  EXPECT_LT(r.elapsed, 1000ms);
}

// Answers one SOA query with an authoritative SOA, after a decoy with the wrong ID.
void answer_soa(int fd) {
  uint8_t buf[512];
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
  ldns_pkt* q = nullptr;
  if (n <= 0 || ldns_wire2pkt(&q, buf, static_cast<size_t>(n)) != LDNS_STATUS_OK) return;
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(q), 0);
  ldns_pkt* a = ldns_pkt_query_new(ldns_rdf_clone(ldns_rr_owner(question)), LDNS_RR_TYPE_SOA,
                                   LDNS_RR_CLASS_IN, 0);
  EXPECT_FALSE(ldns_pkt_rd(q));
  ldns_pkt_set_qr(a, true);
  ldns_pkt_set_aa(a, true);
  ldns_rr* soa = nullptr;
  ldns_rr_new_frm_str(&soa, "api.example.com. 60 IN SOA ns1. host. 2024010101 1 1 1 1", 0,
                      nullptr, nullptr);
  ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, soa);
  uint8_t* wire = nullptr;
  size_t size = 0;
  for (uint16_t id : {static_cast<uint16_t>(ldns_pkt_id(q) + 1), ldns_pkt_id(q)}) {
    ldns_pkt_set_id(a, id);
    ldns_pkt2wire(&wire, a, &size);
    ::sendto(fd, wire, size, 0, reinterpret_cast<sockaddr*>(&from), from_len);
    free(wire);  // NOLINT: ldns allocates with malloc
  }
  ldns_pkt_free(a);
  ldns_pkt_free(q);
}

TEST_F(ProbeTest, DnsAuthoritativeSoa) {
  LoopbackSocket udp(SOCK_DGRAM);
  std::thread responder([&] {
    if (udp.wait_readable(5000)) answer_soa(udp.fd());
  });
  CheckSpec s = spec_for(CheckType::Dns, udp.address());
  s.zone = "api.example.com.";
  ProbeResult r = run(s);
  responder.join();
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.failure, ProbeFailure::None);
  EXPECT_EQ(r.detail, "SOA serial 2024010101, AA");
  EXPECT_EQ(r.serial, 2024010101u);
}

TEST_F(ProbeTest, DnsSilentServerTimesOut) {
  LoopbackSocket udp(SOCK_DGRAM);
  CheckSpec s = spec_for(CheckType::Dns, udp.address(), 200ms);
  s.zone = "api.example.com.";
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Timeout);
  EXPECT_EQ(r.detail, "timeout");
  EXPECT_GE(r.elapsed, 190ms);
  EXPECT_LT(r.elapsed, 1000ms);
}

TEST_F(ProbeTest, DnsInvalidZoneFailsAsynchronously) {
  LoopbackSocket udp(SOCK_DGRAM);
  CheckSpec s = spec_for(CheckType::Dns, udp.address());
  s.zone = std::string(300, 'a');
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.detail.find("invalid zone"), std::string::npos) << r.detail;
}

TEST(UrlHostIsAddress, OnlyLiteralAddressesNeedNoLookup) {
  struct Case {
    const char* url;
    bool address;
  };
  for (const auto& c : std::vector<Case>{
           {"http://127.0.0.1:8080/health", true},
           {"http://127.1.0.5/", true},
           {"https://10.0.0.1", true},
           {"http://user:pw@192.0.2.7:80/x", true},
           {"https://[::1]:8443/health", true},
           {"http://[2001:db8::5]/", true},
           {"http://localhost:8080/health", false},
           {"https://api.example.com/health", false},
           {"http://127.1/", false},  // curl would normalize it; unsure is "no"
           {"http://[::1/", false},
           {"http://1.2.3.4.example/", false},
           {"127.0.0.1/health", false},
           {"http:///path", false},
       }) {
    EXPECT_EQ(url_host_is_address(c.url), c.address) << c.url;
  }
}

// Checks on one Prober reuse finished easy handles: each check still gets its own URL,
// expectation and TLS settings (nothing carries over from the handle's last check).
TEST_F(ProbeTest, HttpChecksAfterOthersGetTheirOwnOptions) {
  TcpServer ok(2, testing::http_responder("200 OK"));
  TcpServer failing(1, testing::http_responder("503 Service Unavailable"));
  CheckSpec a = spec_for(CheckType::Http, {});
  a.url = "http://127.0.0.1:" + std::to_string(ok.port()) + "/health";
  CheckSpec b = spec_for(CheckType::Http, {});
  b.url = "http://127.0.0.1:" + std::to_string(failing.port()) + "/health";
  EXPECT_EQ(run(a).detail, "HTTP 200");
  ProbeResult r = run(b);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.detail, "HTTP 503, expected 200");
  a.expect_status = 201;
  EXPECT_EQ(run(a).detail, "HTTP 200, expected 201");
}

TEST_F(ProbeTest, HttpStatusMatchesOrNot) {
  TcpServer server(2, testing::http_responder("200 OK"));
  CheckSpec s = spec_for(CheckType::Http, {});
  s.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/health";
  ProbeResult r = run(s);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.detail, "HTTP 200");
  s.expect_status = 204;
  r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::HttpStatus);
  EXPECT_EQ(r.detail, "HTTP 200, expected 204");
}

TEST_F(ProbeTest, HttpServerError) {
  TcpServer server(1, testing::http_responder("500 Internal Server Error"));
  CheckSpec s = spec_for(CheckType::Http, {});
  s.url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.detail, "HTTP 500, expected 200");
}

TEST_F(ProbeTest, HttpsWithoutVerification) {
  testing::TlsTestServer tls(2, 30, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  CheckSpec s = spec_for(CheckType::Http, {});
  s.url = "https://127.0.0.1:" + std::to_string(tls.address().port()) + "/";
  s.tls_verify = false;
  ProbeResult r = run(s);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.detail, "HTTP 200");
  s.tls_verify = true;  // self-signed: curl must refuse
  r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Certificate) << r.detail;
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(ProbeTest, HttpConnectionRefused) {
  LoopbackSocket closed(SOCK_STREAM);
  CheckSpec s = spec_for(CheckType::Http, {});
  s.url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Refused) << r.detail;
  EXPECT_FALSE(r.detail.empty());
}

TEST_F(ProbeTest, TlsSilentPeerTimesOut) {
  LoopbackSocket listener(SOCK_STREAM);  // accepts TCP in the kernel, never speaks
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  CheckSpec s = spec_for(CheckType::Tls, listener.address(), 300ms);
  ProbeResult r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Timeout);
  EXPECT_EQ(r.detail, "timeout during TLS handshake");
  EXPECT_GE(r.elapsed, 290ms);
  EXPECT_LT(r.elapsed, 1500ms);
}

TEST_F(ProbeTest, TlsSelfSignedCertificateDays) {
  testing::TlsTestServer tls(3, 30);
  CheckSpec s = spec_for(CheckType::Tls, tls.address());
  s.server_name = "localhost";
  s.tls_verify = false;
  s.min_days_valid = 7;
  ProbeResult r = run(s);
  EXPECT_TRUE(r.ok) << r.detail;
  ASSERT_TRUE(r.days_left.has_value());
  EXPECT_GE(*r.days_left, 29);
  EXPECT_LE(*r.days_left, 30);
  EXPECT_EQ(r.detail, "TLS ok, certificate valid " + std::to_string(*r.days_left) + " more days");

  s.min_days_valid = 60;
  r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Certificate);
  EXPECT_TRUE(r.days_left.has_value());

  s.min_days_valid = 7;
  s.tls_verify = true;
  r = run(s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, ProbeFailure::Certificate);
  EXPECT_NE(r.detail.find("certificate verify failed"), std::string::npos) << r.detail;
}

TEST_F(ProbeTest, CloseCancelsInFlightChecks) {
  LoopbackSocket udp(SOCK_DGRAM);
  LoopbackSocket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 4), 0);
  int calls = 0;
  CheckSpec dns = spec_for(CheckType::Dns, udp.address(), 200ms);
  dns.zone = "example.com.";
  CheckSpec http = spec_for(CheckType::Http, {}, 200ms);
  http.url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/";
  for (const CheckSpec& s : {dns, http, spec_for(CheckType::Tls, listener.address(), 200ms)}) {
    prober_.start(s, [&](const ProbeResult&) { ++calls; });
  }
  uv_run(&loop_, UV_RUN_NOWAIT);  // queries sent, handshakes started
  prober_.start(spec_for(CheckType::Tcp, listener.address()), [&](const ProbeResult&) { ++calls; });
  prober_.close();
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_EQ(calls, 0);
}

TEST_F(ProbeTest, CloseFromInsideACallback) {
  LoopbackSocket listener(SOCK_STREAM);
  ASSERT_EQ(::listen(listener.fd(), 64), 0);
  int calls = 0;
  CheckSpec http = spec_for(CheckType::Http, {});
  http.url = "http://127.0.0.1:" + std::to_string(listener.port()) + "/";
  prober_.start(spec_for(CheckType::Tcp, listener.address()), [&](const ProbeResult& r) {
    EXPECT_TRUE(r.ok) << r.detail;
    ++calls;
    prober_.close();
  });
  for (int i = 0; i < 10; ++i) {
    prober_.start(i % 2 == 0 ? http : spec_for(CheckType::Tls, listener.address()),
                  [&](const ProbeResult&) { ++calls; });
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace sentinel::probe
