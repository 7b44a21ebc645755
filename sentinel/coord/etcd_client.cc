// The etcd v3 JSON-gateway client: one libcurl easy handle per request, round-robin over
// the endpoints on transport errors, every reply checked before it is believed.
#include "sentinel/coord/etcd_client.h"

#include <curl/curl.h>

#include <nlohmann/json.hpp>

namespace sentinel::coord {
using nlohmann::json;

namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kB64[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += kB64[(v >> 18) & 63];
    out += kB64[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    for (int s : {18, 12, 6}) out += kB64[(v >> s) & 63];
    out += "=";
  }
  return out;
}

bool unb64(const std::string& in, std::string& out) {
  out.clear();
  uint32_t v = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::char_traits<char>::find(kB64, 64, c);
    if (!p) return false;
    v = (v << 6) | static_cast<uint32_t>(p - kB64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return true;
}

// The key range end that makes `key` a prefix: the key with its last byte incremented.
std::string prefix_end(const std::string& key) {
  std::string end = key;
  while (!end.empty()) {
    if (static_cast<uint8_t>(end.back()) < 0xff) {
      end.back() = static_cast<char>(end.back() + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// int64s come as JSON strings; absent means 0 (proto3 omits zero values).
bool int_field(const json& j, const char* name, int64_t& out, std::string& why) {
  out = 0;
  auto it = j.find(name);
  if (it == j.end()) return true;
  try {
    if (it->is_string()) out = std::stoll(it->get<std::string>());
    else if (it->is_number_integer()) out = it->get<int64_t>();
    else throw std::invalid_argument("type");
  } catch (const std::exception&) {
    why = std::string(name) + " is not an integer";
    return false;
  }
  return true;
}

bool parse_kvs(const json& j, std::vector<EtcdKv>& kvs, std::string& why) {
  auto it = j.find("kvs");
  if (it == j.end()) return true;
  if (!it->is_array()) return (why = "kvs is not an array"), false;
  for (const auto& k : *it) {
    if (!k.is_object()) return (why = "a kv is not an object"), false;
    EtcdKv kv;
    if (!k.contains("key") || !k["key"].is_string() || !unb64(k["key"].get<std::string>(), kv.key))
      return (why = "a kv without a base64 key"), false;
    if (k.contains("value") &&
        (!k["value"].is_string() || !unb64(k["value"].get<std::string>(), kv.value)))
      return (why = "a kv value is not base64"), false;
    if (!int_field(k, "create_revision", kv.create_revision, why) ||
        !int_field(k, "mod_revision", kv.mod_revision, why) ||
        !int_field(k, "version", kv.version, why) || !int_field(k, "lease", kv.lease, why))
      return false;
    kvs.push_back(std::move(kv));
  }
  return true;
}

bool parse_header_revision(const json& j, int64_t& rev, std::string& why) {
  auto it = j.find("header");
  if (it == j.end() || !it->is_object()) return (why = "no header"), false;
  return int_field(*it, "revision", rev, why);
}

json op_json(const TxnOp& op) {
  json body = {{"key", b64(op.key)}};
  switch (op.kind) {
    case TxnOp::Kind::Put:
      body["value"] = b64(op.value);
      if (op.lease) body["lease"] = std::to_string(op.lease);
      return {{"request_put", body}};
    case TxnOp::Kind::Delete:
      if (op.prefix) body["range_end"] = b64(prefix_end(op.key));
      return {{"request_delete_range", body}};
    case TxnOp::Kind::Range:
      if (op.prefix) body["range_end"] = b64(prefix_end(op.key));
      return {{"request_range", body}};
  }
  return body;
}

json compare_json(const Compare& c) {
  static const char* targets[] = {"VERSION", "CREATE", "MOD", "VALUE", "LEASE"};
  static const char* ops[] = {"EQUAL", "GREATER", "LESS", "NOT_EQUAL"};
  json j = {{"key", b64(c.key)},
            {"target", targets[static_cast<int>(c.target)]},
            {"result", ops[static_cast<int>(c.op)]}};
  switch (c.target) {
    case Compare::Target::Version: j["version"] = std::to_string(c.number); break;
    case Compare::Target::Create: j["create_revision"] = std::to_string(c.number); break;
    case Compare::Target::Mod: j["mod_revision"] = std::to_string(c.number); break;
    case Compare::Target::Value: j["value"] = b64(c.value); break;
    case Compare::Target::Lease: j["lease"] = std::to_string(c.number); break;
  }
  return j;
}

}  // namespace

EtcdClient::EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout)
    : endpoints_(std::move(endpoints)), timeout_(timeout) {}

const std::string& EtcdClient::last_endpoint() const {
  static const std::string none;
  return endpoints_.empty() ? none : endpoints_[current_];
}

namespace {

// One POST; on a transport error the next endpoint is tried, once around.
EtcdResult<json> post(std::vector<std::string>& endpoints, size_t& current,
                      std::chrono::milliseconds timeout, const std::string& path, const json& body) {
  if (endpoints.empty()) return EtcdError{EtcdError::Kind::Unreachable, "no etcd endpoint"};
  std::string payload = body.dump();
  EtcdError last{EtcdError::Kind::Unreachable, ""};
  for (size_t tries = 0; tries < endpoints.size(); ++tries) {
    size_t at = (current + tries) % endpoints.size();
    std::string url = endpoints[at];
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += path;
    CURL* curl = curl_easy_init();
    if (!curl) return EtcdError{EtcdError::Kind::Unreachable, "curl_easy_init failed"};
    std::string reply;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
      last = {rc == CURLE_OPERATION_TIMEDOUT ? EtcdError::Kind::Timeout : EtcdError::Kind::Unreachable,
              endpoints[at] + ": " + curl_easy_strerror(rc)};
      continue;
    }
    current = at;
    json j = json::parse(reply, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return EtcdError{EtcdError::Kind::BadResponse,
                       endpoints[at] + path + ": not a JSON object (HTTP " + std::to_string(status) + ")"};
    if (j.contains("error") || status != 200) {
      std::string msg = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>()
                        : j.contains("message") && j["message"].is_string()
                            ? j["message"].get<std::string>()
                            : "HTTP " + std::to_string(status);
      bool no_leader = msg.find("no leader") != std::string::npos ||
                       msg.find("leader changed") != std::string::npos;
      return EtcdError{no_leader ? EtcdError::Kind::NoLeader : EtcdError::Kind::Http,
                       endpoints[at] + path + ": " + msg};
    }
    return j;
  }
  return last;
}

EtcdError bad(const std::string& endpoint, const std::string& path, const std::string& why) {
  return {EtcdError::Kind::BadResponse, endpoint + path + ": " + why};
}

}  // namespace

EtcdResult<RangeReply> EtcdClient::range(const std::string& key, bool prefix) {
  json body = {{"key", b64(key)}};
  if (prefix) body["range_end"] = b64(prefix_end(key));
  auto r = post(endpoints_, current_, timeout_, "/v3/kv/range", body);
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  const json& j = std::get<json>(r);
  RangeReply out;
  std::string why;
  if (!parse_header_revision(j, out.revision, why) || !parse_kvs(j, out.kvs, why))
    return bad(last_endpoint(), "/v3/kv/range", why);
  return out;
}

EtcdResult<int64_t> EtcdClient::put(const std::string& key, const std::string& value,
                                    int64_t lease) {
  json body = {{"key", b64(key)}, {"value", b64(value)}};
  if (lease) body["lease"] = std::to_string(lease);
  auto r = post(endpoints_, current_, timeout_, "/v3/kv/put", body);
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  int64_t rev = 0;
  std::string why;
  if (!parse_header_revision(std::get<json>(r), rev, why))
    return bad(last_endpoint(), "/v3/kv/put", why);
  return rev;
}

EtcdResult<TxnReply> EtcdClient::txn(const std::vector<Compare>& cmp,
                                     const std::vector<TxnOp>& success,
                                     const std::vector<TxnOp>& failure) {
  json body = {{"compare", json::array()}, {"success", json::array()}, {"failure", json::array()}};
  for (const auto& c : cmp) body["compare"].push_back(compare_json(c));
  for (const auto& o : success) body["success"].push_back(op_json(o));
  for (const auto& o : failure) body["failure"].push_back(op_json(o));
  auto r = post(endpoints_, current_, timeout_, "/v3/kv/txn", body);
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  const json& j = std::get<json>(r);
  TxnReply out;
  std::string why;
  if (!parse_header_revision(j, out.revision, why)) return bad(last_endpoint(), "/v3/kv/txn", why);
  if (j.contains("succeeded")) {
    if (!j["succeeded"].is_boolean()) return bad(last_endpoint(), "/v3/kv/txn", "succeeded is not a boolean");
    out.succeeded = j["succeeded"].get<bool>();
  }
  if (j.contains("responses")) {
    if (!j["responses"].is_array()) return bad(last_endpoint(), "/v3/kv/txn", "responses is not an array");
    for (const auto& resp : j["responses"]) {
      if (!resp.is_object() || !resp.contains("response_range")) continue;
      RangeReply rr;
      rr.revision = out.revision;
      if (!parse_kvs(resp["response_range"], rr.kvs, why))
        return bad(last_endpoint(), "/v3/kv/txn", why);
      out.ranges.push_back(std::move(rr));
    }
  }
  return out;
}

EtcdResult<int64_t> EtcdClient::lease_grant(std::chrono::seconds ttl) {
  auto r = post(endpoints_, current_, timeout_, "/v3/lease/grant",
                {{"TTL", std::to_string(ttl.count())}});
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  const json& j = std::get<json>(r);
  int64_t id = 0;
  std::string why;
  if (!int_field(j, "ID", id, why) || id == 0)
    return bad(last_endpoint(), "/v3/lease/grant", why.empty() ? "no lease ID" : why);
  return id;
}

EtcdResult<int64_t> EtcdClient::lease_keepalive(int64_t lease) {
  auto r = post(endpoints_, current_, timeout_, "/v3/lease/keepalive",
                {{"ID", std::to_string(lease)}});
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  const json& j = std::get<json>(r);
  // The gateway streams: one {"result": {...}} per keepalive; a gone lease has no TTL.
  const json& res = j.contains("result") && j["result"].is_object() ? j["result"] : j;
  int64_t ttl = 0;
  std::string why;
  if (!int_field(res, "TTL", ttl, why)) return bad(last_endpoint(), "/v3/lease/keepalive", why);
  return ttl;
}

EtcdResult<bool> EtcdClient::lease_revoke(int64_t lease) {
  auto r = post(endpoints_, current_, timeout_, "/v3/lease/revoke",
                {{"ID", std::to_string(lease)}});
  if (auto* e = std::get_if<EtcdError>(&r)) return *e;
  return true;
}

}  // namespace sentinel::coord
