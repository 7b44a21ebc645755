// EtcdClient: libcurl POSTs to the v3 gateway, endpoint fail-over, replies parsed by etcd_wire.
#include "sentinel/coord/etcd_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

#include "sentinel/coord/etcd_wire.h"

namespace sentinel::coord {

namespace {

constexpr size_t kMaxReply = 16 * 1024 * 1024;  // a range over our prefix is far smaller

size_t collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() + size * n > kMaxReply) return 0;  // curl fails the transfer: CURLE_WRITE_ERROR
  out->append(data, size * n);
  return size * n;
}

EtcdError::Kind curl_error_kind(CURLcode rc) {
  return rc == CURLE_OPERATION_TIMEDOUT ? EtcdError::Kind::Timeout : EtcdError::Kind::Unreachable;
}

template <class T>
EtcdResult<T> with_endpoint(EtcdResult<T> r, const std::string& where) {
  if (auto* e = std::get_if<EtcdError>(&r)) e->detail = where + ": " + e->detail;
  return r;
}

}  // namespace

const char* error_kind_name(EtcdError::Kind kind) {
  switch (kind) {
    case EtcdError::Kind::Unreachable: return "Unreachable";
    case EtcdError::Kind::Timeout: return "Timeout";
    case EtcdError::Kind::Http: return "Http";
    case EtcdError::Kind::BadResponse: return "BadResponse";
    case EtcdError::Kind::NoLeader: return "NoLeader";
  }
  return "?";
}

// One curl easy handle, reused so that calls keep their connection to the member.
struct EtcdClient::Transport {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  Transport() {
    static std::once_flag init;
    std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl = curl_easy_init();
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip
  }
  ~Transport() {
    curl_slist_free_all(headers);
    if (curl) curl_easy_cleanup(curl);
  }
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;
};

EtcdClient::EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout)
    : endpoints_(std::move(endpoints)), timeout_(timeout), transport_(std::make_unique<Transport>()) {
  for (std::string& e : endpoints_)
    while (!e.empty() && e.back() == '/') e.pop_back();
}

EtcdClient::~EtcdClient() = default;
EtcdClient::EtcdClient(EtcdClient&&) noexcept = default;
EtcdClient& EtcdClient::operator=(EtcdClient&&) noexcept = default;

const std::string& EtcdClient::last_endpoint() const { return last_endpoint_; }

EtcdResult<std::string> EtcdClient::post(const std::string& path, const std::string& body) {
  using namespace std::chrono;
  if (endpoints_.empty()) return EtcdError{EtcdError::Kind::Unreachable, "no etcd endpoints"};
  if (!transport_ || !transport_->curl)
    return EtcdError{EtcdError::Kind::Unreachable, "curl_easy_init failed"};
  CURL* curl = transport_->curl;
  const auto deadline = steady_clock::now() + timeout_;
  const size_t n = endpoints_.size();
  EtcdError last{EtcdError::Kind::Timeout, "the call's " + std::to_string(timeout_.count()) +
                                               " ms were spent before any endpoint answered"};
  for (size_t i = 0; i < n; ++i) {
    const size_t idx = (current_ + i) % n;
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) break;
    // An equal share of what is left for each endpoint still to try.
    long slice = std::max<long>(1, static_cast<long>(left.count() / static_cast<long>(n - i)));
    const std::string url = endpoints_[idx] + path;
    last_endpoint_ = endpoints_[idx];
    std::string reply;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transport_->headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, slice);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, slice);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // etcd is never reached through a proxy
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
    if (rc == CURLE_WRITE_ERROR) {
      current_ = idx;
      return EtcdError{EtcdError::Kind::BadResponse,
                       url + ": reply larger than " + std::to_string(kMaxReply) + " bytes"};
    }
    if (rc != CURLE_OK) {
      last = {curl_error_kind(rc), url + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc))};
      continue;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (auto err = wire::parse_error_body(status, reply)) {
      err->detail = url + ": " + err->detail;
      if (err->kind == EtcdError::Kind::NoLeader) {  // a member cut off from the majority
        last = *err;
        continue;
      }
      current_ = idx;
      return *err;
    }
    current_ = idx;
    if (status < 200 || status > 299) {
      std::string head = reply.substr(0, 80);
      return EtcdError{EtcdError::Kind::Http,
                       url + ": HTTP " + std::to_string(status) + (head.empty() ? "" : ": " + head)};
    }
    return reply;
  }
  return last;
}

EtcdResult<RangeReply> EtcdClient::range(const std::string& key, bool prefix) {
  auto body = post("/v3/kv/range", wire::range_request(key, prefix));
  if (auto* e = std::get_if<EtcdError>(&body)) return *e;
  return with_endpoint(wire::parse_range(std::get<std::string>(body)), last_endpoint_);
}

EtcdResult<int64_t> EtcdClient::put(const std::string& key, const std::string& value, int64_t lease) {
  auto body = post("/v3/kv/put", wire::put_request(key, value, lease));
  if (auto* e = std::get_if<EtcdError>(&body)) return *e;
  return with_endpoint(wire::parse_put(std::get<std::string>(body)), last_endpoint_);
}

EtcdResult<TxnReply> EtcdClient::txn(const std::vector<Compare>& cmp,
                                     const std::vector<TxnOp>& success,
                                     const std::vector<TxnOp>& failure) {
  auto body = post("/v3/kv/txn", wire::txn_request(cmp, success, failure));
  if (auto* e = std::get_if<EtcdError>(&body)) return *e;
  return with_endpoint(wire::parse_txn(std::get<std::string>(body)), last_endpoint_);
}

EtcdResult<int64_t> EtcdClient::lease_grant(std::chrono::seconds ttl) {
  auto body = post("/v3/lease/grant", wire::lease_grant_request(ttl.count()));
  if (auto* e = std::get_if<EtcdError>(&body)) return *e;
  return with_endpoint(wire::parse_lease_grant(std::get<std::string>(body)), last_endpoint_);
}

EtcdResult<int64_t> EtcdClient::lease_keepalive(int64_t lease) {
  // One request per keepalive: the gateway's streaming keepalive cannot be held open
  // usefully over HTTP/1 (etcd issue 8237).
  auto body = post("/v3/lease/keepalive", wire::lease_id_request(lease));
  if (auto* e = std::get_if<EtcdError>(&body)) {
    if (wire::is_lease_not_found(*e)) return int64_t{0};
    return *e;
  }
  return with_endpoint(wire::parse_keepalive(std::get<std::string>(body)), last_endpoint_);
}

EtcdResult<bool> EtcdClient::lease_revoke(int64_t lease) {
  auto body = post("/v3/lease/revoke", wire::lease_id_request(lease));
  if (auto* e = std::get_if<EtcdError>(&body)) {
    if (wire::is_lease_not_found(*e)) return false;
    return *e;
  }
  return with_endpoint(wire::parse_revoke(std::get<std::string>(body)), last_endpoint_);
}

}  // namespace sentinel::coord
