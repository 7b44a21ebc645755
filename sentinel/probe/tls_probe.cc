// TLS check: TCP connect, then an OpenSSL client handshake over memory BIOs fed by libuv.
#include "sentinel/probe/tls_probe.h"

#include "sentinel/probe/check_base.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace sentinel::probe {
namespace {

// One client context for the process: default trust store, verification judged by hand.
SSL_CTX* shared_ctx() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    if (c != nullptr) {
      SSL_CTX_set_default_verify_paths(c);
      SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);  // result read after the handshake
    }
    return c;
  }();
  return ctx;
}

std::string openssl_error(const char* fallback) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return fallback;
  const char* reason = ERR_reason_error_string(e);
  if (reason != nullptr) return reason;
  std::array<char, 256> buf{};
  ERR_error_string_n(e, buf.data(), buf.size());
  return buf.data();
}

bool is_ip_literal(const std::string& s) {
  return dnsd::common::parse_ipv4(s).has_value() || dnsd::common::parse_ipv6(s).has_value();
}

struct TlsCheck;

struct WriteReq {
  uv_write_t req{};
  std::vector<char> data;
  TlsCheck* owner = nullptr;
};

struct TlsCheck : CheckBase<TlsCheck, uv_tcp_t> {
  uv_connect_t connect{};
  std::string server_name;
  bool verify = true;
  int min_days = 0;
  SSL* ssl = nullptr;  // owns both memory BIOs
  BIO* wbio = nullptr;
  std::array<char, 16384> rx{};

  ~TlsCheck() {
    if (ssl != nullptr) SSL_free(ssl);
  }

  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&io); }

  void start_tls() {
    ERR_clear_error();
    SSL_CTX* ctx = shared_ctx();
    if (ctx == nullptr || (ssl = SSL_new(ctx)) == nullptr) return fail(ProbeFailure::Error, "TLS setup failed");
    BIO* rbio = BIO_new(BIO_s_mem());
    wbio = BIO_new(BIO_s_mem());
    if (rbio == nullptr || wbio == nullptr) {
      BIO_free(rbio);
      BIO_free(wbio);
      wbio = nullptr;
      return fail(ProbeFailure::Error, "TLS setup failed");
    }
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_connect_state(ssl);
    if (!server_name.empty()) {
      bool ip = is_ip_literal(server_name);
      if (!ip) SSL_set_tlsext_host_name(ssl, server_name.c_str());
      if (verify) {
        int set = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str())
                     : SSL_set1_host(ssl, server_name.c_str());
        if (set != 1) return fail(ProbeFailure::Error, "invalid server name '" + server_name + "'");
      }
    }
    int rc = uv_read_start(stream(), on_alloc, on_read);
    if (rc != 0) return fail(failure_from_uv(rc), std::string("read: ") + uv_strerror(rc));
    drive();
  }

  // Sends whatever OpenSSL queued; false when the check was failed.
  bool flush() {
    for (int pending; (pending = static_cast<int>(BIO_ctrl_pending(wbio))) > 0;) {
      auto* w = new WriteReq;
      w->owner = this;
      w->req.data = w;
      w->data.resize(static_cast<size_t>(pending));
      int n = BIO_read(wbio, w->data.data(), pending);
      if (n <= 0) {
        delete w;
        break;
      }
      uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(n));
      int rc = uv_write(&w->req, stream(), &buf, 1, on_write);
      if (rc != 0) {
        delete w;
        fail(failure_from_uv(rc), std::string("write: ") + uv_strerror(rc));
        return false;
      }
    }
    return true;
  }

  void drive() {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl);
    int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, r);
    std::string reason = err == SSL_ERROR_NONE ? "" : openssl_error("connection closed");
    if (!flush()) return;  // sends alerts too
    if (r == 1) return judge();
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return;
    fail(ProbeFailure::Tls, "handshake failed: " + reason);
  }

  void judge() {
    if (verify) {
      long v = SSL_get_verify_result(ssl);
      if (v != X509_V_OK) {
        return fail(ProbeFailure::Certificate, std::string("certificate verify failed: ") +
                    X509_verify_cert_error_string(v));
      }
    }
    X509* cert = SSL_get0_peer_certificate(ssl);
    if (cert == nullptr) return fail(ProbeFailure::Certificate, "no peer certificate");
    const ASN1_TIME* not_after = X509_get0_notAfter(cert);
    int days = 0;
    int secs = 0;
    if (not_after == nullptr || ASN1_TIME_diff(&days, &secs, nullptr, not_after) != 1) {
      return fail(ProbeFailure::Certificate, "unreadable certificate expiry");
    }
    ProbeResult r;
    r.failure = ProbeFailure::Certificate;
    r.days_left = days;
    if (days < 0 || secs < 0) {
      r.detail = "certificate expired " + std::to_string(-days) + " days ago";
    } else if (days < min_days) {
      r.detail = "certificate valid only " + std::to_string(days) + " more days (minimum " +
                 std::to_string(min_days) + ")";
    } else {
      r.ok = true;
      r.failure = ProbeFailure::None;
      r.detail = "TLS ok, certificate valid " + std::to_string(days) + " more days";
    }
    finish(std::move(r));
  }

  static void on_write(uv_write_t* req, int status) {
    auto* w = static_cast<WriteReq*>(req->data);
    TlsCheck* self = w->owner;  // alive: write callbacks precede on_close
    delete w;
    if (self->finished || status == 0) return;
    try {
      self->fail(failure_from_uv(status), std::string("write: ") + uv_strerror(status));
    } catch (...) {
      self->cancel();
    }
  }

  static void on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* self = static_cast<TlsCheck*>(h->data);
    *buf = uv_buf_init(self->rx.data(), static_cast<unsigned>(self->rx.size()));
  }

  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<TlsCheck*>(s->data);
    if (self->finished || nread == 0) return;
    try {
      if (nread == UV_EOF)
        return self->fail(ProbeFailure::Reset, "connection closed during handshake");
      if (nread < 0) {
        int err = static_cast<int>(nread);
        return self->fail(failure_from_uv(err), std::string("read: ") + uv_strerror(err));
      }
      BIO_write(SSL_get_rbio(self->ssl), buf->base, static_cast<int>(nread));
      self->drive();
    } catch (...) {
      self->cancel();
    }
  }

  static void on_connect(uv_connect_t* req, int status) {
    auto* self = static_cast<TlsCheck*>(req->data);
    if (self->finished) return;  // UV_ECANCELED after close: still alive until on_close
    try {
      if (status == 0) return self->start_tls();
      self->fail(failure_from_uv(status), connect_error_text(status));
    } catch (...) {
      self->cancel();
    }
  }

  void on_timeout() {
    try {
      fail(ProbeFailure::Timeout, ssl != nullptr ? "timeout during TLS handshake" : "timeout");
    } catch (...) {
      cancel();
    }
  }
};

}  // namespace

std::function<void()> start_tls_probe(uv_loop_t* loop, const CheckSpec& spec,
                                      ProbeCallback done, std::string* error) {
  auto* c = new TlsCheck;
  c->done = std::move(done);
  c->server_name = spec.server_name;
  c->verify = spec.tls_verify;
  c->min_days = spec.min_days_valid;
  return start_tcp_connect(c, loop, spec, error);
}

}  // namespace sentinel::probe
