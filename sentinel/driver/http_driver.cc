// The http tunnel driver: POST a JSON event signed with HMAC-SHA256 over "ts.body".
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "sentinel/driver/tunnel_driver.h"

namespace sentinel::driver {

std::string driver_body(const DriverCall& c) {
  nlohmann::ordered_json j;
  j["event"] = c.event;
  j["node"] = c.node;
  j["master"] = c.master;
  j["epoch"] = c.epoch;
  j["zone"] = c.zone;
  j["ts"] = c.ts;
  return j.dump();
}

std::string driver_signature(const std::vector<uint8_t>& secret, int64_t ts,
                             const std::string& body) {
  std::string msg = std::to_string(ts) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}

namespace {
size_t discard(char*, size_t size, size_t n, void*) { return size * n; }
}  // namespace

DriverResult call_http_driver(const config::TunnelConfig& t, const DriverCall& call,
                              std::chrono::milliseconds timeout) {
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string body = driver_body(call);
  CURL* curl = curl_easy_init();
  if (!curl) return {false, "curl_easy_init failed"};
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("X-Sentinel-Timestamp: " + std::to_string(call.ts)).c_str());
  headers = curl_slist_append(
      headers, ("X-Sentinel-Signature: " + driver_signature(t.hmac_secret, call.ts, body)).c_str());
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, t.url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK)
    return {false, std::string(errbuf[0] ? errbuf : curl_easy_strerror(rc))};
  return {status >= 200 && status < 300, "HTTP " + std::to_string(status)};
}

DriverResult call_driver(const config::TunnelConfig& t, const DriverCall& call,
                         std::chrono::milliseconds timeout) {
  switch (t.driver) {
    case config::DriverKind::Http: return call_http_driver(t, call, timeout);
    case config::DriverKind::Exec: return call_exec_driver(t, call, timeout);
    case config::DriverKind::None: break;
  }
  return {true, "driver none"};
}

}  // namespace sentinel::driver
