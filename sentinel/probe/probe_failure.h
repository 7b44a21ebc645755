// Why a probe failed, as a small fixed set (the `result` label of
// sentinel_probe_results_total). The free-text `detail` keeps the evidence; this is what
// can be counted and alerted on.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace sentinel::probe {

enum class ProbeFailure : uint8_t {
  None,              // the probe passed
  Timeout,           // no answer within the check's timeout
  Refused,           // TCP RST on connect, or ICMP port unreachable for the DNS query
  Reset,             // the connection broke after it was made
  Unreachable,       // no route to the host or network
  BadResponse,       // an answer that is not a valid reply (malformed DNS, no SOA, junk HTTP)
  DnsRcode,          // a DNS reply with an rcode other than NOERROR
  NotAuthoritative,  // a DNS reply without AA: the node does not serve the zone
  Tls,               // the TLS handshake failed
  Certificate,       // certificate not trusted, wrong name, expired or expiring too soon
  HttpStatus,        // an HTTP reply with another status than expected
  Error,             // anything else: the check could not run (socket errors, setup)
};

inline constexpr size_t kProbeFailureCount = 12;

// "ok", "timeout", "refused", ...: the label values, in enum order.
inline constexpr std::array<const char*, kProbeFailureCount> kProbeFailureNames = {
    "ok",  "timeout",  "refused",     "reset",       "unreachable", "bad_response",
    "dns_rcode", "not_authoritative", "tls", "certificate", "http_status", "error"};

constexpr const char* probe_failure_name(ProbeFailure f) {
  auto i = static_cast<size_t>(f);
  return i < kProbeFailureCount ? kProbeFailureNames[i] : "error";
}

// A libuv error code (UV_ECONNREFUSED, ...) as a failure reason.
ProbeFailure failure_from_uv(int uv_error);

}  // namespace sentinel::probe
