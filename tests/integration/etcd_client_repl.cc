// A driver of sentinel::coord::EtcdClient for it-etcd_client: one client for the whole run,
// one JSON command per stdin line, one JSON result per stdout line, so that the Python test
// can stop etcd members between calls of the same client.
//   etcd_client_repl TIMEOUT_MS ENDPOINT...
//   {"op":"put","key":"/k","value":"v","lease":0}   -> {"ok":true,"revision":5,"endpoint":...}
//   {"op":"range","key":"/p/","prefix":true}         -> {"ok":true,"revision":..,"kvs":[...]}
//   {"op":"create","key":"/leader","value":"s1","lease":N}  (txn: create_revision == 0 -> put,
//                                                     else range) -> {"ok":true,"succeeded":..}
//   {"op":"grant","ttl":2} {"op":"keepalive","lease":N} {"op":"revoke","lease":N}
//   {"op":"watch_start","key":"/w"}  starts an EtcdWatch on the key (retry 200 ms);
//   {"op":"watch_news"} -> {"ok":true,"news":[{"news":"established","detail":..,"at_ms":..}]}
//   {"op":"watch_stop"} -> {"ok":true,"ms":how long stop() took}
// A failure is {"ok":false,"kind":"Timeout","detail":"...","ms":123}.
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "sentinel/coord/etcd_client.h"
#include "sentinel/coord/etcd_watch.h"

using namespace sentinel::coord;
using nlohmann::json;

namespace {

json kvs_json(const RangeReply& r) {
  json a = json::array();
  for (const EtcdKv& kv : r.kvs)
    a.push_back({{"key", kv.key}, {"value", kv.value}, {"create_revision", kv.create_revision},
                 {"mod_revision", kv.mod_revision}, {"version", kv.version}, {"lease", kv.lease}});
  return a;
}

template <class T, class F>
json result(const EtcdResult<T>& r, F&& ok) {
  if (const auto* e = std::get_if<EtcdError>(&r))
    return {{"ok", false}, {"kind", error_kind_name(e->kind)}, {"detail", e->detail}};
  json j = ok(std::get<T>(r));
  j["ok"] = true;
  return j;
}

// The watch of watch_start and what it reported so far (written on its thread).
struct Watching {
  std::mutex mu;
  json news = json::array();
  std::unique_ptr<EtcdWatch> watch;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

json run_watch(Watching& w, const std::vector<std::string>& endpoints, const json& cmd) {
  const std::string op = cmd.value("op", "");
  if (op == "watch_start") {
    if (w.watch) return {{"ok", false}, {"kind", "usage"}, {"detail", "a watch runs already"}};
    w.watch = std::make_unique<EtcdWatch>(
        endpoints, cmd.value("key", ""), std::chrono::milliseconds(1000),
        std::chrono::milliseconds(200), [&w](WatchNews n, const std::string& detail) {
          std::lock_guard<std::mutex> lock(w.mu);
          w.news.push_back({{"news", watch_news_name(n)}, {"detail", detail}, {"at_ms", now_ms()}});
        });
    w.watch->start();
    return {{"ok", true}};
  }
  if (op == "watch_news") {
    std::lock_guard<std::mutex> lock(w.mu);
    return {{"ok", true}, {"news", w.news}};
  }
  if (op != "watch_stop") return {{"ok", false}, {"kind", "usage"}, {"detail", "unknown op " + op}};
  auto t0 = std::chrono::steady_clock::now();
  if (w.watch) w.watch->stop();
  w.watch.reset();
  return {{"ok", true}, {"stop_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::steady_clock::now() - t0).count()}};
}

json run(EtcdClient& c, const json& cmd) {
  const std::string op = cmd.value("op", "");
  const std::string key = cmd.value("key", "");
  const int64_t lease = cmd.value("lease", int64_t{0});
  if (op == "put")
    return result(c.put(key, cmd.value("value", ""), lease),
                  [](int64_t rev) { return json{{"revision", rev}}; });
  if (op == "range")
    return result(c.range(key, cmd.value("prefix", false)), [](const RangeReply& r) {
      return json{{"revision", r.revision}, {"kvs", kvs_json(r)}};
    });
  if (op == "create") {
    std::vector<Compare> cmp = {{key, Compare::Target::Create, Compare::Op::Equal, 0, ""}};
    return result(c.txn(cmp, {{TxnOp::Kind::Put, key, cmd.value("value", ""), lease, false}},
                        {{TxnOp::Kind::Range, key, "", 0, false}}),
                  [](const TxnReply& t) {
                    json ranges = json::array();
                    for (const RangeReply& r : t.ranges) ranges.push_back(kvs_json(r));
                    return json{{"succeeded", t.succeeded}, {"revision", t.revision}, {"ranges", ranges}};
                  });
  }
  if (op == "delete")
    return result(c.txn({}, {{TxnOp::Kind::Delete, key, "", 0, cmd.value("prefix", false)}}, {}),
                  [](const TxnReply& t) { return json{{"succeeded", t.succeeded}}; });
  if (op == "grant")
    return result(c.lease_grant(std::chrono::seconds(cmd.value("ttl", 1))),
                  [](int64_t id) { return json{{"lease", id}}; });
  if (op == "keepalive")
    return result(c.lease_keepalive(lease), [](int64_t ttl) { return json{{"ttl", ttl}}; });
  if (op == "revoke")
    return result(c.lease_revoke(lease), [](bool revoked) { return json{{"revoked", revoked}}; });
  return {{"ok", false}, {"kind", "usage"}, {"detail", "unknown op " + op}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: etcd_client_repl TIMEOUT_MS ENDPOINT...\n";
    return 2;
  }
  std::vector<std::string> endpoints(argv + 2, argv + argc);
  EtcdClient client(endpoints, std::chrono::milliseconds(std::stol(argv[1])));
  Watching watching;
  std::string line;
  while (std::getline(std::cin, line)) {
    json cmd = json::parse(line, nullptr, false);
    auto t0 = std::chrono::steady_clock::now();
    const std::string op = cmd.is_object() ? cmd.value("op", "") : "";
    json out = !cmd.is_object() ? json{{"ok", false}, {"kind", "usage"}, {"detail", "not JSON"}}
               : op.rfind("watch_", 0) == 0 ? run_watch(watching, endpoints, cmd)
                                            : run(client, cmd);
    out["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0).count();
    out["endpoint"] = client.last_endpoint();
    std::cout << out.dump() << std::endl;
  }
  return 0;
}
