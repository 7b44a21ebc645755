// DNS check: one SOA query over UDP, judged by parse_soa_response(), with a timeout.
#include "sentinel/probe/dns_probe.h"

#include "sentinel/probe/check_base.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <utility>
#include <memory>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "sentinel/probe/dns_response.h"

namespace sentinel::probe {
namespace {

uint16_t random_id() {
  thread_local std::mt19937 gen{std::random_device{}()};
  return static_cast<uint16_t>(std::uniform_int_distribution<unsigned>(0, 0xffff)(gen));
}

// The wire form of a SOA query for `zone` with the given ID and RD clear; empty on error.
std::vector<uint8_t> encode_query(const std::string& zone, uint16_t id) {
  std::string name = zone;
  if (name.empty() || name.back() != '.') name.push_back('.');
  ldns_rdf* qname = ldns_dname_new_frm_str(name.c_str());
  if (qname == nullptr) return {};
  ldns_pkt* pkt = ldns_pkt_query_new(qname, LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0);
  if (pkt == nullptr) return {};
  ldns_pkt_set_id(pkt, id);
  ldns_pkt_set_rd(pkt, false);
  uint8_t* wire = nullptr;
  size_t size = 0;
  std::vector<uint8_t> out;
  if (ldns_pkt2wire(&wire, pkt, &size) == LDNS_STATUS_OK && wire != nullptr) {
    out.assign(wire, wire + size);
  }
  free(wire);  // NOLINT: allocated by ldns with malloc
  ldns_pkt_free(pkt);
  return out;
}

// The SOA query for `zone` with `id`. Encoded by ldns once per zone (ldns_pkt2wire
// allocates a 64 KiB buffer each time), then copied with the ID patched in: every probe
// of a cluster asks for the same zone.
std::vector<uint8_t> build_query(const std::string& zone, uint16_t id) {
  static thread_local std::string cached_zone;
  static thread_local std::vector<uint8_t> cached;
  if (cached.empty() || cached_zone != zone) {
    cached = encode_query(zone, 0);
    cached_zone = zone;
  }
  std::vector<uint8_t> out = cached;
  if (out.size() >= 2) {
    out[0] = static_cast<uint8_t>(id >> 8);
    out[1] = static_cast<uint8_t>(id);
  }
  return out;
}

bool same_address(const sockaddr* a, const dnsd::common::SocketAddress& b) {
  if (a == nullptr || a->sa_family != b.family()) return false;
  if (a->sa_family == AF_INET) {
    const auto* x = reinterpret_cast<const sockaddr_in*>(a);
    const auto* y = reinterpret_cast<const sockaddr_in*>(b.sa());
    return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
  }
  if (a->sa_family == AF_INET6) {
    const auto* x = reinterpret_cast<const sockaddr_in6*>(a);
    const auto* y = reinterpret_cast<const sockaddr_in6*>(b.sa());
    return x->sin6_port == y->sin6_port &&
           std::memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(in6_addr)) == 0;
  }
  return false;
}

struct DnsCheck : CheckBase<DnsCheck, uv_udp_t> {
  uv_udp_send_t send{};
  uint16_t id = 0;
  std::string zone;
  dnsd::common::SocketAddress target;
  std::vector<uint8_t> query;
  // The SOA answer to a query without EDNS is at most 512 bytes; a larger datagram is cut
  // here and then fails to parse. Not zeroed: the 64 KiB zeroed vector of every probe was
  // most of sentinel's memset time (callgrind, 300 nodes).
  static constexpr size_t kRxBuffer = 4096;
  std::unique_ptr<char[]> rx{new char[kRxBuffer]};

  static void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* self = static_cast<DnsCheck*>(h->data);
    *buf = uv_buf_init(self->rx.get(), static_cast<unsigned>(kRxBuffer));
  }

  static void on_recv(uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
                      unsigned) {
    auto* self = static_cast<DnsCheck*>(h->data);
    if (self->finished) return;
    try {
      if (nread < 0) {
        int err = static_cast<int>(nread);
        self->fail(failure_from_uv(err), err == UV_ECONNREFUSED
                                              ? "connection refused"
                                              : std::string("recv: ") + uv_strerror(err));
        return;
      }
      // The socket is connected, so the kernel already filters by peer; check anyway.
      if (!same_address(from, self->target)) return;
      auto* data = reinterpret_cast<const uint8_t*>(buf->base);
      auto len = static_cast<size_t>(nread);
      if (len < 2 || ((data[0] << 8) | data[1]) != self->id) return;  // not ours: keep waiting
      self->finish(parse_soa_response(data, len, self->id, self->zone));
    } catch (...) {
      self->cancel();
    }
  }

  static void on_send(uv_udp_send_t* req, int status) {
    auto* self = static_cast<DnsCheck*>(req->data);
    if (self->finished || status == 0) return;  // UV_ECANCELED after close: still alive
    try {
      self->fail(failure_from_uv(status), status == UV_ECONNREFUSED
                                                 ? "connection refused"
                                                 : std::string("send: ") + uv_strerror(status));
    } catch (...) {
      self->cancel();
    }
  }

  void on_timeout() {
    try {
      fail(ProbeFailure::Timeout, "timeout");
    } catch (...) {
      cancel();
    }
  }
};

// Binds to the wildcard address of the target's family and connects to the target.
int open_socket(DnsCheck* c, const CheckSpec& spec) {
  sockaddr_storage any{};
  if (spec.target.family() == AF_INET6) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&any);
    a6->sin6_family = AF_INET6;
    a6->sin6_addr = in6addr_any;
  } else if (spec.target.family() == AF_INET) {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&any);
    a4->sin_family = AF_INET;
    a4->sin_addr.s_addr = htonl(INADDR_ANY);
  } else {
    return UV_EAFNOSUPPORT;
  }
  int rc = uv_udp_bind(&c->io, reinterpret_cast<const sockaddr*>(&any), 0);
  if (rc == 0) rc = uv_udp_connect(&c->io, spec.target.sa());
  if (rc == 0) rc = uv_udp_recv_start(&c->io, DnsCheck::on_alloc, DnsCheck::on_recv);
  if (rc == 0) {
    uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(c->query.data()),
                               static_cast<unsigned>(c->query.size()));
    rc = uv_udp_send(&c->send, &c->io, &buf, 1, nullptr, DnsCheck::on_send);
  }
  return rc;
}

}  // namespace

std::function<void()> start_dns_probe(uv_loop_t* loop, const CheckSpec& spec,
                                      ProbeCallback done, std::string* error) {
  auto* c = new DnsCheck;
  c->done = std::move(done);
  c->zone = spec.zone;
  c->target = spec.target;
  c->id = random_id();
  c->query = build_query(spec.zone, c->id);
  c->send.data = c;
  if (c->query.empty()) {
    delete c;
    *error = "invalid zone name '" + spec.zone + "'";
    return {};
  }
  int rc = c->init_handles(loop, uv_udp_init);
  if (rc == 0) rc = open_socket(c, spec);
  if (rc == 0) rc = c->start_timer(spec.timeout);
  if (rc != 0) {
    *error = std::string("udp: ") + uv_strerror(rc);
    c->abandon();
    return {};
  }
  return c->canceller();
}

}  // namespace sentinel::probe
