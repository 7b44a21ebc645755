// JSON bodies for etcd's v3 gateway and the checked parsing of its replies.
#include "sentinel/coord/etcd_wire.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "dnsd/common/tsig_key.h"

namespace sentinel::coord::wire {

using nlohmann::json;

namespace {

std::string b64(const std::string& s) {
  return dnsd::common::base64_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

EtcdError bad(std::string what) { return {EtcdError::Kind::BadResponse, std::move(what)}; }

// The body parsed as a JSON object, or the BadResponse saying why not.
std::variant<json, EtcdError> parse_object(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded()) {
    std::string head(body.substr(0, 60));
    return bad("reply is not JSON: \"" + head + (body.size() > 60 ? "...\"" : "\""));
  }
  if (!j.is_object()) return bad("reply is JSON but not an object");
  return j;
}

// An int64 field: absent = 0 (proto3 leaves defaults out), a decimal string or an integer.
bool get_int(const json& obj, const char* name, int64_t& out, std::string& why) {
  auto it = obj.find(name);
  out = 0;
  if (it == obj.end() || it->is_null()) return true;
  if (it->is_number_integer()) {
    out = it->get<int64_t>();
    return true;
  }
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return true;
  }
  why = std::string("field \"") + name + "\" is not an int64: " + it->dump();
  return false;
}

// A bytes field (base64 string); absent = "".
bool get_bytes(const json& obj, const char* name, std::string& out, std::string& why) {
  auto it = obj.find(name);
  out.clear();
  if (it == obj.end() || it->is_null()) return true;
  std::vector<uint8_t> raw;
  if (!it->is_string() || !dnsd::common::base64_decode(it->get_ref<const std::string&>(), raw)) {
    why = std::string("field \"") + name + "\" is not base64: " + it->dump();
    return false;
  }
  out.assign(raw.begin(), raw.end());
  return true;
}

bool get_bool(const json& obj, const char* name, bool& out, std::string& why) {
  auto it = obj.find(name);
  out = false;
  if (it == obj.end() || it->is_null()) return true;
  if (!it->is_boolean()) {
    why = std::string("field \"") + name + "\" is not a boolean: " + it->dump();
    return false;
  }
  out = it->get<bool>();
  return true;
}

// header.revision: every kv/txn reply has one (a reply without it did not come from etcd).
bool get_revision(const json& obj, int64_t& out, std::string& why) {
  auto it = obj.find("header");
  if (it == obj.end() || !it->is_object()) {
    why = "reply has no \"header\" object";
    return false;
  }
  if (!get_int(*it, "revision", out, why)) return false;
  if (out <= 0) {
    why = "reply header has no revision";
    return false;
  }
  return true;
}

bool parse_kv(const json& j, EtcdKv& kv, std::string& why) {
  if (!j.is_object()) {
    why = "a kv is not an object";
    return false;
  }
  return get_bytes(j, "key", kv.key, why) && get_bytes(j, "value", kv.value, why) &&
         get_int(j, "create_revision", kv.create_revision, why) &&
         get_int(j, "mod_revision", kv.mod_revision, why) &&
         get_int(j, "version", kv.version, why) && get_int(j, "lease", kv.lease, why);
}

bool parse_range_object(const json& j, RangeReply& r, std::string& why) {
  if (!get_revision(j, r.revision, why)) return false;
  auto it = j.find("kvs");
  if (it == j.end() || it->is_null()) return true;
  if (!it->is_array()) {
    why = "\"kvs\" is not an array";
    return false;
  }
  for (const json& e : *it) {
    EtcdKv kv;
    if (!parse_kv(e, kv, why)) return false;
    r.kvs.push_back(std::move(kv));
  }
  return true;
}

// {"key": .., "range_end": ..} for one key or a prefix; "" with prefix = every key.
void set_range(json& j, const std::string& key, bool prefix) {
  if (prefix && key.empty()) {
    j["key"] = b64(std::string(1, '\0'));
    j["range_end"] = b64(std::string(1, '\0'));
    return;
  }
  j["key"] = b64(key);
  if (prefix) j["range_end"] = b64(prefix_range_end(key));
}

json op_json(const TxnOp& op) {
  json inner = json::object();
  switch (op.kind) {
    case TxnOp::Kind::Put:
      inner["key"] = b64(op.key);
      inner["value"] = b64(op.value);
      if (op.lease != 0) inner["lease"] = std::to_string(op.lease);
      return {{"request_put", inner}};
    case TxnOp::Kind::Delete:
      set_range(inner, op.key, op.prefix);
      return {{"request_delete_range", inner}};
    case TxnOp::Kind::Range:
      set_range(inner, op.key, op.prefix);
      return {{"request_range", inner}};
  }
  return {};
}

const char* target_name(Compare::Target t) {
  switch (t) {
    case Compare::Target::Version: return "VERSION";
    case Compare::Target::Create: return "CREATE";
    case Compare::Target::Mod: return "MOD";
    case Compare::Target::Value: return "VALUE";
    case Compare::Target::Lease: return "LEASE";
  }
  return "VERSION";
}

const char* op_name(Compare::Op o) {
  switch (o) {
    case Compare::Op::Equal: return "EQUAL";
    case Compare::Op::Greater: return "GREATER";
    case Compare::Op::Less: return "LESS";
    case Compare::Op::NotEqual: return "NOT_EQUAL";
  }
  return "EQUAL";
}

json compare_json(const Compare& c) {
  json j;
  j["key"] = b64(c.key);
  j["target"] = target_name(c.target);
  j["result"] = op_name(c.op);
  switch (c.target) {
    case Compare::Target::Version: j["version"] = std::to_string(c.number); break;
    case Compare::Target::Create: j["create_revision"] = std::to_string(c.number); break;
    case Compare::Target::Mod: j["mod_revision"] = std::to_string(c.number); break;
    case Compare::Target::Value: j["value"] = b64(c.value); break;
    case Compare::Target::Lease: j["lease"] = std::to_string(c.number); break;
  }
  return j;
}

json ops_json(const std::vector<TxnOp>& ops) {
  json a = json::array();
  for (const TxnOp& op : ops) a.push_back(op_json(op));
  return a;
}

}  // namespace

std::string prefix_range_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto last = static_cast<unsigned char>(end.back());
    if (last < 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');
}

std::string range_request(const std::string& key, bool prefix) {
  json j;
  set_range(j, key, prefix);
  return j.dump();
}

std::string put_request(const std::string& key, const std::string& value, int64_t lease) {
  json j;
  j["key"] = b64(key);
  j["value"] = b64(value);
  if (lease != 0) j["lease"] = std::to_string(lease);
  return j.dump();
}

std::string txn_request(const std::vector<Compare>& cmp, const std::vector<TxnOp>& success,
                        const std::vector<TxnOp>& failure) {
  json c = json::array();
  for (const Compare& e : cmp) c.push_back(compare_json(e));
  json j;
  j["compare"] = c;
  j["success"] = ops_json(success);
  j["failure"] = ops_json(failure);
  return j.dump();
}

std::string lease_grant_request(int64_t ttl_seconds) {
  return json{{"TTL", std::to_string(ttl_seconds)}, {"ID", "0"}}.dump();
}

std::string lease_id_request(int64_t lease) { return json{{"ID", std::to_string(lease)}}.dump(); }

EtcdResult<RangeReply> parse_range(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  RangeReply r;
  std::string why;
  if (!parse_range_object(std::get<json>(parsed), r, why)) return bad(why);
  return r;
}

EtcdResult<int64_t> parse_put(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  int64_t rev = 0;
  std::string why;
  if (!get_revision(std::get<json>(parsed), rev, why)) return bad(why);
  return rev;
}

EtcdResult<TxnReply> parse_txn(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  TxnReply t;
  std::string why;
  if (!get_revision(j, t.revision, why) || !get_bool(j, "succeeded", t.succeeded, why))
    return bad(why);
  auto it = j.find("responses");
  if (it == j.end() || it->is_null()) return t;
  if (!it->is_array()) return bad("\"responses\" is not an array");
  for (const json& resp : *it) {
    if (!resp.is_object()) return bad("a txn response is not an object");
    auto rr = resp.find("response_range");
    if (rr == resp.end()) continue;  // put and delete replies carry nothing we use
    RangeReply r;
    if (!parse_range_object(*rr, r, why)) return bad("txn range: " + why);
    t.ranges.push_back(std::move(r));
  }
  return t;
}

EtcdResult<int64_t> parse_lease_grant(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  if (auto err = j.find("error"); err != j.end() && err->is_string() && !err->get_ref<const std::string&>().empty())
    return EtcdError{EtcdError::Kind::Http, "lease grant refused: " + err->get<std::string>()};
  int64_t id = 0, ttl = 0;
  std::string why;
  if (!get_int(j, "ID", id, why) || !get_int(j, "TTL", ttl, why)) return bad(why);
  if (id == 0) return bad("lease grant reply has no lease ID");
  return id;
}

EtcdResult<int64_t> parse_keepalive(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  // The gateway answers a stream method with {"result": {...}} (one message, as we send one).
  auto it = j.find("result");
  if (it == j.end() || !it->is_object()) return bad("keepalive reply has no \"result\" object");
  int64_t ttl = 0, id = 0;
  std::string why;
  if (!get_int(*it, "TTL", ttl, why) || !get_int(*it, "ID", id, why)) return bad(why);
  if (ttl < 0) return bad("keepalive reply has a negative TTL");
  return ttl;
}

EtcdResult<bool> parse_revoke(std::string_view body) {
  auto parsed = parse_object(body);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  int64_t rev = 0;
  std::string why;
  if (!get_revision(std::get<json>(parsed), rev, why)) return bad(why);
  return true;
}

std::string watch_create_request(const std::string& key) {
  return json{{"create_request", {{"key", b64(key)}}}}.dump();
}

EtcdResult<WatchMessage> parse_watch_message(std::string_view line) {
  if (auto err = parse_error_body(200, line)) return *err;
  auto parsed = parse_object(line);
  if (auto* e = std::get_if<EtcdError>(&parsed)) return *e;
  const json& j = std::get<json>(parsed);
  auto it = j.find("result");
  if (it == j.end() || !it->is_object()) return bad("watch message has no \"result\" object");
  WatchMessage m;
  std::string why;
  if (!get_bool(*it, "created", m.created, why) || !get_bool(*it, "canceled", m.canceled, why))
    return bad(why);
  if (auto r = it->find("cancel_reason"); r != it->end() && r->is_string()) m.cancel_reason = r->get<std::string>();
  auto evs = it->find("events");
  if (evs == it->end() || evs->is_null()) return m;
  if (!evs->is_array()) return bad("watch \"events\" is not an array");
  for (const json& e : *evs) {
    if (!e.is_object()) return bad("a watch event is not an object");
    WatchEvent ev;
    auto type = e.find("type");
    if (type != e.end() && !type->is_null()) {
      if (!type->is_string() || (*type != "PUT" && *type != "DELETE"))
        return bad("watch event type is neither PUT nor DELETE: " + type->dump());
      ev.deleted = *type == "DELETE";
    }
    auto kv = e.find("kv");
    if (kv != e.end() && kv->is_object() &&
        (!get_bytes(*kv, "key", ev.key, why) || !get_int(*kv, "mod_revision", ev.mod_revision, why)))
      return bad("watch event: " + why);
    m.events.push_back(std::move(ev));
  }
  return m;
}

std::optional<EtcdError> parse_error_body(long http_status, std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto it = j.find("error");
  if (it == j.end()) return std::nullopt;
  std::string message;
  if (it->is_string()) {
    message = it->get<std::string>();
  } else if (it->is_object()) {
    auto m = it->find("message");
    if (m != it->end() && m->is_string()) message = m->get<std::string>();
  }
  if (message.empty()) {
    auto m = j.find("message");
    if (m != j.end() && m->is_string()) message = m->get<std::string>();
  }
  if (message.empty()) return std::nullopt;
  bool no_leader = message.find("no leader") != std::string::npos ||
                   message.find("leader changed") != std::string::npos;
  if (no_leader) return EtcdError{EtcdError::Kind::NoLeader, message};
  return EtcdError{EtcdError::Kind::Http, "HTTP " + std::to_string(http_status) + ": " + message};
}

bool is_lease_not_found(const EtcdError& e) {
  return e.kind == EtcdError::Kind::Http && e.detail.find("lease not found") != std::string::npos;
}

}  // namespace sentinel::coord::wire
