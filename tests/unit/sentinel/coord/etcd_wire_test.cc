// The etcd v3 gateway wire format: request bodies as etcd 3.4 expects them, and replies,
// well-formed (with proto3's left-out defaults) and malformed, as values never exceptions.
#include "sentinel/coord/etcd_wire.h"

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace sentinel::coord::wire {
namespace {

using nlohmann::json;
using Kind = EtcdError::Kind;

template <class T>
const EtcdError& error_of(const EtcdResult<T>& r) {
  static const EtcdError none{Kind::Http, "(no error: the call succeeded)"};
  const EtcdError* e = std::get_if<EtcdError>(&r);
  return e ? *e : none;
}

TEST(PrefixRangeEnd, IncrementsTheLastByteAndCarriesOver0xff) {
  struct Case { std::string prefix, end; };
  const Case cases[] = {
      {"/p/", "/p0"},
      {"a", "b"},
      {std::string("a\xff", 2), "b"},
      {std::string("\xff\xff", 2), std::string(1, '\0')},
      {"", std::string(1, '\0')},
  };
  for (const Case& c : cases) EXPECT_EQ(prefix_range_end(c.prefix), c.end) << c.prefix;
}

TEST(Requests, RangeOfOneKeyAPrefixAndEverything) {
  EXPECT_EQ(json::parse(range_request("/p/a", false)), json::parse(R"({"key":"L3AvYQ=="})"));
  EXPECT_EQ(json::parse(range_request("/p/", true)),
            json::parse(R"({"key":"L3Av","range_end":"L3Aw"})"));
  EXPECT_EQ(json::parse(range_request("", true)), json::parse(R"({"key":"AA==","range_end":"AA=="})"));
}

TEST(Requests, PutWithAndWithoutLeaseInt64AsString) {
  EXPECT_EQ(json::parse(put_request("x", "v1", 0)), json::parse(R"({"key":"eA==","value":"djE="})"));
  EXPECT_EQ(json::parse(put_request("x", "v1", 7587869345091239123)),
            json::parse(R"({"key":"eA==","value":"djE=","lease":"7587869345091239123"})"));
}

TEST(Requests, TxnLeaderKeyPattern) {
  // Create the leader key under our lease only if it does not exist; else read who holds it.
  std::vector<Compare> cmp = {{"/dnsgtm/leader", Compare::Target::Create, Compare::Op::Equal, 0, ""}};
  std::vector<TxnOp> ok = {{TxnOp::Kind::Put, "/dnsgtm/leader", "s1", 42, false}};
  std::vector<TxnOp> ko = {{TxnOp::Kind::Range, "/dnsgtm/leader", "", 0, false}};
  EXPECT_EQ(json::parse(txn_request(cmp, ok, ko)), json::parse(R"({
    "compare":[{"key":"L2Ruc2d0bS9sZWFkZXI=","target":"CREATE","result":"EQUAL","create_revision":"0"}],
    "success":[{"request_put":{"key":"L2Ruc2d0bS9sZWFkZXI=","value":"czE=","lease":"42"}}],
    "failure":[{"request_range":{"key":"L2Ruc2d0bS9sZWFkZXI="}}]})"));
}

TEST(Requests, TxnEveryCompareTargetAndOpAndPrefixDelete) {
  struct Case { Compare c; const char* want; };
  const Case cases[] = {
      {{"x", Compare::Target::Version, Compare::Op::Greater, 3, ""},
       R"({"key":"eA==","target":"VERSION","result":"GREATER","version":"3"})"},
      {{"x", Compare::Target::Mod, Compare::Op::Less, 9, ""},
       R"({"key":"eA==","target":"MOD","result":"LESS","mod_revision":"9"})"},
      {{"x", Compare::Target::Value, Compare::Op::NotEqual, 0, "v1"},
       R"({"key":"eA==","target":"VALUE","result":"NOT_EQUAL","value":"djE="})"},
      {{"x", Compare::Target::Lease, Compare::Op::Equal, 5, ""},
       R"({"key":"eA==","target":"LEASE","result":"EQUAL","lease":"5"})"},
  };
  for (const Case& c : cases) {
    json j = json::parse(txn_request({c.c}, {}, {}));
    EXPECT_EQ(j["compare"][0], json::parse(c.want)) << c.want;
    EXPECT_EQ(j["success"], json::array());
    EXPECT_EQ(j["failure"], json::array());
  }
  json d = json::parse(txn_request({}, {{TxnOp::Kind::Delete, "/p/", "", 0, true}}, {}));
  EXPECT_EQ(d["success"][0], json::parse(R"({"request_delete_range":{"key":"L3Av","range_end":"L3Aw"}})"));
}

TEST(Requests, Leases) {
  EXPECT_EQ(json::parse(lease_grant_request(5)), json::parse(R"({"TTL":"5","ID":"0"})"));
  EXPECT_EQ(json::parse(lease_id_request(-2)), json::parse(R"({"ID":"-2"})"));
}

const char* kHeader = R"("header":{"cluster_id":"1","member_id":"2","revision":"17","raft_term":"3"})";

TEST(Replies, RangeWithKvsAndEmptyRangeWithDefaultsLeftOut) {
  auto r = parse_range(std::string("{") + kHeader + R"(,"kvs":[
      {"key":"L3AvYQ==","create_revision":"5","mod_revision":"9","version":"2","value":"djE=","lease":"77"},
      {"key":"L3AvYg==","create_revision":"6","mod_revision":"6","version":"1"}],"count":"2"})");
  ASSERT_TRUE(std::holds_alternative<RangeReply>(r)) << error_of(r).detail;
  const RangeReply& rr = std::get<RangeReply>(r);
  EXPECT_EQ(rr.revision, 17);
  ASSERT_EQ(rr.kvs.size(), 2u);
  EXPECT_EQ(rr.kvs[0].key, "/p/a");
  EXPECT_EQ(rr.kvs[0].value, "v1");
  EXPECT_EQ(rr.kvs[0].create_revision, 5);
  EXPECT_EQ(rr.kvs[0].mod_revision, 9);
  EXPECT_EQ(rr.kvs[0].version, 2);
  EXPECT_EQ(rr.kvs[0].lease, 77);
  EXPECT_EQ(rr.kvs[1].key, "/p/b");
  EXPECT_EQ(rr.kvs[1].value, "");  // an empty value is left out by etcd
  EXPECT_EQ(rr.kvs[1].lease, 0);

  auto empty = parse_range(std::string("{") + kHeader + "}");
  ASSERT_TRUE(std::holds_alternative<RangeReply>(empty));
  EXPECT_TRUE(std::get<RangeReply>(empty).kvs.empty());
}

TEST(Replies, PutAndRevokeGiveTheRevision) {
  auto p = parse_put(std::string("{") + kHeader + "}");
  ASSERT_TRUE(std::holds_alternative<int64_t>(p));
  EXPECT_EQ(std::get<int64_t>(p), 17);
  auto v = parse_revoke(std::string("{") + kHeader + "}");
  ASSERT_TRUE(std::holds_alternative<bool>(v));
  EXPECT_TRUE(std::get<bool>(v));
}

TEST(Replies, TxnSucceededAndFailedWithRangeOfTheBranchThatRan) {
  auto ok = parse_txn(std::string("{") + kHeader +
                      R"(,"succeeded":true,"responses":[{"response_put":{"header":{"revision":"17"}}}]})");
  ASSERT_TRUE(std::holds_alternative<TxnReply>(ok)) << error_of(ok).detail;
  EXPECT_TRUE(std::get<TxnReply>(ok).succeeded);
  EXPECT_EQ(std::get<TxnReply>(ok).revision, 17);
  EXPECT_TRUE(std::get<TxnReply>(ok).ranges.empty());

  // "succeeded": false is left out by etcd.
  auto ko = parse_txn(std::string("{") + kHeader + R"(,"responses":[{"response_range":{"header":
      {"revision":"17"},"kvs":[{"key":"eA==","value":"czE=","create_revision":"4","lease":"9"}],"count":"1"}}]})");
  ASSERT_TRUE(std::holds_alternative<TxnReply>(ko)) << error_of(ko).detail;
  const TxnReply& t = std::get<TxnReply>(ko);
  EXPECT_FALSE(t.succeeded);
  ASSERT_EQ(t.ranges.size(), 1u);
  ASSERT_EQ(t.ranges[0].kvs.size(), 1u);
  EXPECT_EQ(t.ranges[0].kvs[0].value, "s1");
  EXPECT_EQ(t.ranges[0].kvs[0].lease, 9);
}

TEST(Replies, LeaseGrantAndKeepalive) {
  auto g = parse_lease_grant(std::string("{") + kHeader + R"(,"ID":"7587869345091239123","TTL":"5"})");
  ASSERT_TRUE(std::holds_alternative<int64_t>(g)) << error_of(g).detail;
  EXPECT_EQ(std::get<int64_t>(g), 7587869345091239123);
  auto k = parse_keepalive(R"({"result":{"header":{"revision":"3"},"ID":"7587869345091239123","TTL":"4"}})");
  ASSERT_TRUE(std::holds_alternative<int64_t>(k)) << error_of(k).detail;
  EXPECT_EQ(std::get<int64_t>(k), 4);
  // A lease that expired: etcd answers TTL 0, which proto3 leaves out.
  auto gone = parse_keepalive(R"({"result":{"header":{"revision":"3"},"ID":"75"}})");
  ASSERT_TRUE(std::holds_alternative<int64_t>(gone));
  EXPECT_EQ(std::get<int64_t>(gone), 0);
}

// Every malformed reply is BadResponse with a detail saying what was wrong.
TEST(Replies, MalformedAreBadResponseSayingWhat) {
  struct Case { const char* what; std::function<EtcdResult<int64_t>(std::string_view)> parse;
                std::string body; std::string says; };
  auto range_as_int = [](std::string_view b) -> EtcdResult<int64_t> {
    auto r = parse_range(b);
    if (auto* e = std::get_if<EtcdError>(&r)) return *e;
    return int64_t{1};
  };
  auto txn_as_int = [](std::string_view b) -> EtcdResult<int64_t> {
    auto r = parse_txn(b);
    if (auto* e = std::get_if<EtcdError>(&r)) return *e;
    return int64_t{1};
  };
  std::string h = std::string("{") + kHeader;
  const Case cases[] = {
      {"not JSON", parse_put, "<html>502 Bad Gateway</html>", "not JSON"},
      {"empty", parse_put, "", "not JSON"},
      {"truncated", parse_put, h, "not JSON"},
      {"an array", parse_put, "[1,2]", "not an object"},
      {"no header", parse_put, "{}", "no \"header\""},
      {"header not object", parse_put, R"({"header":"x"})", "no \"header\""},
      {"revision not a number", parse_put, R"({"header":{"revision":"12a"}})", "revision"},
      {"revision a float", parse_put, R"({"header":{"revision":1.5}})", "revision"},
      {"revision missing", parse_put, R"({"header":{}})", "no revision"},
      {"kvs not array", range_as_int, h + R"(,"kvs":{}})", "\"kvs\" is not an array"},
      {"kv not object", range_as_int, h + R"(,"kvs":[3]})", "kv is not an object"},
      {"key not base64", range_as_int, h + R"(,"kvs":[{"key":"!!"}]})", "\"key\" is not base64"},
      {"value a number", range_as_int, h + R"(,"kvs":[{"key":"eA==","value":5}]})", "\"value\""},
      {"lease a bool", range_as_int, h + R"(,"kvs":[{"key":"eA==","lease":true}]})", "\"lease\""},
      {"succeeded a string", txn_as_int, h + R"(,"succeeded":"yes"})", "\"succeeded\""},
      {"responses not array", txn_as_int, h + R"(,"responses":1})", "\"responses\""},
      {"bad range in txn", txn_as_int, h + R"(,"responses":[{"response_range":{}}]})", "txn range"},
      {"grant without ID", parse_lease_grant, h + R"(,"TTL":"5"})", "no lease ID"},
      {"grant ID garbage", parse_lease_grant, h + R"(,"ID":"0x10"})", "\"ID\""},
      {"keepalive without result", parse_keepalive, h + "}", "\"result\""},
      {"keepalive TTL negative", parse_keepalive, R"({"result":{"TTL":"-1"}})", "negative"},
  };
  for (const Case& c : cases) {
    auto r = c.parse(c.body);
    ASSERT_TRUE(std::holds_alternative<EtcdError>(r)) << c.what;
    EXPECT_EQ(error_of(r).kind, Kind::BadResponse) << c.what;
    EXPECT_NE(error_of(r).detail.find(c.says), std::string::npos)
        << c.what << ": " << error_of(r).detail;
  }
}

TEST(Replies, LeaseGrantErrorFieldIsAnEtcdRefusal) {
  auto g = parse_lease_grant(std::string("{") + kHeader + R"(,"ID":"5","error":"lease exists"})");
  ASSERT_TRUE(std::holds_alternative<EtcdError>(g));
  EXPECT_EQ(error_of(g).kind, Kind::Http);
  EXPECT_NE(error_of(g).detail.find("lease exists"), std::string::npos);
}

TEST(ErrorBodies, NoLeaderLeaderChangedOtherErrorsAndNonErrors) {
  struct Case { long status; std::string body; std::optional<Kind> kind; std::string says; };
  const Case cases[] = {
      {503, R"({"error":"etcdserver: no leader","message":"etcdserver: no leader","code":14})",
       Kind::NoLeader, "no leader"},
      {503, R"({"error":"etcdserver: leader changed","code":14})", Kind::NoLeader, "leader changed"},
      {400, R"({"error":"etcdserver: requested lease not found","code":5})", Kind::Http,
       "HTTP 400: etcdserver: requested lease not found"},
      {200, R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}})",
       Kind::NoLeader, "no leader"},
      {200, R"({"error":{"grpc_code":2,"http_code":500,"message":"boom"}})", Kind::Http, "boom"},
      {200, std::string("{") + kHeader + "}", std::nullopt, ""},
      {502, "<html>bad gateway</html>", std::nullopt, ""},
      {200, R"({"error":""})", std::nullopt, ""},
      {200, R"({"error":7})", std::nullopt, ""},
  };
  for (const Case& c : cases) {
    auto e = parse_error_body(c.status, c.body);
    ASSERT_EQ(e.has_value(), c.kind.has_value()) << c.body;
    if (!e) continue;
    EXPECT_EQ(e->kind, *c.kind) << c.body;
    EXPECT_NE(e->detail.find(c.says), std::string::npos) << e->detail;
  }
  EXPECT_TRUE(is_lease_not_found(*parse_error_body(
      400, R"({"error":"etcdserver: requested lease not found","code":5})")));
  EXPECT_FALSE(is_lease_not_found(*parse_error_body(503, R"({"error":"etcdserver: no leader"})")));
}

}  // namespace
}  // namespace sentinel::coord::wire

namespace sentinel::coord::wire {
namespace {

TEST(Watch, CreateRequestWatchesOneKey) {
  json j = json::parse(watch_create_request("/p/leader"));
  EXPECT_EQ(j, json::parse(R"({"create_request":{"key":"L3AvbGVhZGVy"}})"));
}

// Messages as etcd 3.4's gateway streams them, one a line.
TEST(Watch, CreatedPutDeleteAndCancelled) {
  auto created = parse_watch_message(
      R"({"result":{"header":{"cluster_id":"1","member_id":"2","revision":"9","raft_term":"2"},"created":true}})");
  ASSERT_TRUE(std::holds_alternative<WatchMessage>(created)) << error_of(created).detail;
  EXPECT_TRUE(std::get<WatchMessage>(created).created);
  EXPECT_TRUE(std::get<WatchMessage>(created).events.empty());

  // A PUT's type is 0, which proto3 leaves out; a DELETE says so.
  auto evs = parse_watch_message(
      R"({"result":{"header":{"revision":"11"},"events":[{"kv":{"key":"L3AvbGVhZGVy","create_revision":"10","mod_revision":"10","version":"1","value":"czE=","lease":"5"}},{"type":"DELETE","kv":{"key":"L3AvbGVhZGVy","mod_revision":"11"}}]}})");
  ASSERT_TRUE(std::holds_alternative<WatchMessage>(evs)) << error_of(evs).detail;
  const auto& m = std::get<WatchMessage>(evs);
  ASSERT_EQ(m.events.size(), 2u);
  EXPECT_FALSE(m.events[0].deleted);
  EXPECT_EQ(m.events[0].key, "/p/leader");
  EXPECT_EQ(m.events[0].mod_revision, 10);
  EXPECT_TRUE(m.events[1].deleted);
  EXPECT_EQ(m.events[1].mod_revision, 11);

  auto cancel = parse_watch_message(
      R"({"result":{"header":{"revision":"11"},"canceled":true,"cancel_reason":"etcdserver: no leader"}})");
  ASSERT_TRUE(std::holds_alternative<WatchMessage>(cancel));
  EXPECT_TRUE(std::get<WatchMessage>(cancel).canceled);
  EXPECT_EQ(std::get<WatchMessage>(cancel).cancel_reason, "etcdserver: no leader");
}

TEST(Watch, ErrorsAndGarbageAreValues) {
  // The gateway's stream error body.
  auto e = parse_watch_message(
      R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})");
  EXPECT_EQ(error_of(e).kind, Kind::NoLeader);
  struct Case { const char* line; const char* says; };
  for (const Case& c : std::vector<Case>{
           {"not json", "not JSON"},
           {R"({"x":1})", "no \"result\" object"},
           {R"({"result":{"events":{}}})", "\"events\" is not an array"},
           {R"({"result":{"events":[1]}})", "not an object"},
           {R"({"result":{"events":[{"type":"TOUCH"}]}})", "neither PUT nor DELETE"},
           {R"({"result":{"events":[{"kv":{"key":"!!"}}]}})", "not base64"},
           {R"({"result":{"created":"yes"}})", "not a boolean"}}) {
    auto r = parse_watch_message(c.line);
    EXPECT_EQ(error_of(r).kind, Kind::BadResponse) << c.line;
    EXPECT_NE(error_of(r).detail.find(c.says), std::string::npos) << c.line << ": " << error_of(r).detail;
  }
}

}  // namespace
}  // namespace sentinel::coord::wire
