// The pure half of the etcd client: the JSON bodies sent to etcd 3.4's v3 gateway and the
// parsing of its replies (keys and values base64, int64s as JSON strings, proto3 defaults
// such as 0, false and [] left out). No I/O: unit-tested on literal bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sentinel/coord/etcd_client.h"

namespace sentinel::coord::wire {

// The end of the range that holds every key starting with `prefix` (etcd's range_end):
// the prefix with its last byte below 0xff incremented; "\0" (= to the end) when there is none.
std::string prefix_range_end(const std::string& prefix);

std::string range_request(const std::string& key, bool prefix);
std::string put_request(const std::string& key, const std::string& value, int64_t lease);
std::string txn_request(const std::vector<Compare>& cmp, const std::vector<TxnOp>& success,
                        const std::vector<TxnOp>& failure);
std::string lease_grant_request(int64_t ttl_seconds);
std::string lease_id_request(int64_t lease);  // keepalive and revoke

// A watch stream's first message: watch one key from now on.
std::string watch_create_request(const std::string& key);

// One message of the gateway's watch stream (one JSON object a line: {"result": a
// WatchResponse} or an error body). Events without "type" are PUTs (proto3 leaves 0 out).
struct WatchEvent { bool deleted = false; std::string key; int64_t mod_revision = 0; };
struct WatchMessage {
  bool created = false;   // the stream is established
  bool canceled = false;  // etcd ended the watch (cancel_reason says why)
  std::string cancel_reason;
  std::vector<WatchEvent> events;
};
EtcdResult<WatchMessage> parse_watch_message(std::string_view line);

// Replies. An error's detail says what was wrong (the caller adds the endpoint).
EtcdResult<RangeReply> parse_range(std::string_view body);
EtcdResult<int64_t> parse_put(std::string_view body);  // the revision
EtcdResult<TxnReply> parse_txn(std::string_view body);
EtcdResult<int64_t> parse_lease_grant(std::string_view body);  // the lease id
EtcdResult<int64_t> parse_keepalive(std::string_view body);    // TTL left, 0 = lease gone
EtcdResult<bool> parse_revoke(std::string_view body);          // true (revoked)

// The error an etcd error body ({"error": "...", "code": N} or, from a stream, {"error":
// {"message": ..., "http_code": ...}}) stands for: NoLeader for "no leader" and "leader
// changed", else Http with etcd's message and the HTTP status. nullopt when `body` is no
// such error body.
std::optional<EtcdError> parse_error_body(long http_status, std::string_view body);

// Whether an etcd error says the lease does not exist (revoke of a lease already gone).
bool is_lease_not_found(const EtcdError& e);

}  // namespace sentinel::coord::wire
