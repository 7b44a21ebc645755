// One health check of one node, run asynchronously on a libuv loop: the interface every
// check type (dns, tcp, http, tls) implements. Probes only report ok + evidence; the
// cluster core owns rise/fall and damping.
#pragma once
#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "dnsd/common/address.h"
#include "sentinel/probe/probe_failure.h"

namespace sentinel::probe {

enum class CheckType : uint8_t { Dns, Tcp, Http, Tls };

const char* check_type_name(CheckType t);

struct CheckSpec {
  CheckType type = CheckType::Tcp;
  dnsd::common::SocketAddress target;  // dns: the node's dnsd; tcp/tls: node address + port
  std::string zone;                    // dns: "api.example.com." (absolute, lowercase)
  std::string url;                     // http: full URL (http:// or https://)
  int expect_status = 200;             // http: expected status code
  bool tls_verify = true;              // http(s)/tls: verify the peer certificate chain
  std::string server_name;             // tls: SNI / name to verify; empty = none
  int min_days_valid = 0;              // tls: fail when the leaf expires sooner
  std::chrono::milliseconds timeout{800};
};

struct ProbeResult {
  bool ok = false;
  ProbeFailure failure = ProbeFailure::Error;  // None exactly when ok
  std::string detail;              // one line of evidence: "SOA serial 7, AA", "HTTP 500", ...
  std::optional<uint32_t> serial;  // dns: the SOA serial the node reports
  std::optional<int> days_left;    // tls: days until the leaf certificate expires
  std::chrono::microseconds elapsed{0};  // set by the Prober: start() to the callback
};

using ProbeCallback = std::function<void(const ProbeResult&)>;

// Runs checks on one uv loop. start() never blocks; the callback is called exactly once,
// on the loop thread, no later than spec.timeout (+ a few ms). Many checks may be in
// flight at once. close() cancels everything in flight (their callbacks are not called)
// and must be called before the loop is closed.
class Prober {
 public:
  explicit Prober(uv_loop_t* loop);
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;

  void start(const CheckSpec& spec, ProbeCallback done);
  void close();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sentinel::probe
