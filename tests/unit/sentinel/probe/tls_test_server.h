// Test helper: a blocking OpenSSL server on loopback with an in-memory self-signed cert.
#pragma once
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "tests/unit/sentinel/probe/loopback_servers.h"

namespace sentinel::probe::testing {

class TlsTestServer {
 public:
  // Serves `connections` handshakes with a "CN=localhost" certificate valid `days` days.
  // With `http_reply` set, answers the first request read after the handshake with it.
  TlsTestServer(int connections, int days, std::string http_reply = {})
      : ctx_(make_ctx(days)) {
    SSL_CTX* ctx = ctx_.get();
    server_ = std::make_unique<TcpServer>(connections, [ctx, http_reply](int fd) {
      SSL* ssl = SSL_new(ctx);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) == 1) {
        char buf[256];
        std::string request;
        int n;
        while ((n = SSL_read(ssl, buf, sizeof buf)) > 0) {
          request.append(buf, static_cast<size_t>(n));
          if (!http_reply.empty() && request.find("\r\n\r\n") != std::string::npos) {
            SSL_write(ssl, http_reply.data(), static_cast<int>(http_reply.size()));
            break;
          }
        }
      }
      SSL_free(ssl);
    });
  }

  dnsd::common::SocketAddress address() const { return server_->address(); }

 private:
  struct CtxFree {
    void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
  };

  static SSL_CTX* make_ctx(int days) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), static_cast<long>(days) * 86400);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    return ctx;
  }

  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<TcpServer> server_;  // joined before ctx_ is freed
};

}  // namespace sentinel::probe::testing
