// A blocking client of etcd 3.4's v3 JSON gateway (grpc-gateway): key-value range/put/txn
// and leases, for the sentinel coordination thread. Debian ships no C++ etcd client, and the
// gateway needs only libcurl and nlohmann-json.
//
// Each call is bounded by `timeout` as a whole: it tries the endpoints in turn (starting with
// the one that answered last), and each attempt gets an equal share of what is left of the
// budget, so one silent (partitioned) member cannot eat the time the others would need. The
// next endpoint is tried on a transport failure, a timeout or a member without a leader; an
// answer from etcd (success or an error body) ends the call. A write that timed out on one
// member may still have been applied there before it is sent to the next: guard writes with
// a txn compare (as the leader key and the cluster state are). Pick `timeout` so that its
// share (timeout / endpoints) covers a healthy call. Every failure is a value,
// never an exception. Not thread-safe: one client per thread; never call it from the libuv
// loop thread (it blocks).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace sentinel::coord {

struct EtcdKv { std::string key, value; int64_t create_revision = 0, mod_revision = 0,
                version = 0, lease = 0; };
struct EtcdError { enum class Kind : uint8_t { Unreachable, Timeout, Http, BadResponse, NoLeader };
                   Kind kind; std::string detail; };   // detail names the endpoint + what
template <class T> using EtcdResult = std::variant<T, EtcdError>;

struct Compare { enum class Target : uint8_t { Version, Create, Mod, Value, Lease };
                 enum class Op : uint8_t { Equal, Greater, Less, NotEqual };
                 std::string key; Target target; Op op; int64_t number = 0; std::string value; };
struct TxnOp { enum class Kind : uint8_t { Put, Delete, Range };
               Kind kind; std::string key; std::string value; int64_t lease = 0; bool prefix = false; };
struct RangeReply { int64_t revision = 0; std::vector<EtcdKv> kvs; };
// `ranges`: the reply of each Range op of the branch that ran (success or failure), in order.
struct TxnReply { bool succeeded = false; int64_t revision = 0; std::vector<RangeReply> ranges; };

// "Unreachable", "Timeout", ...: for logs and tests.
const char* error_kind_name(EtcdError::Kind kind);

class EtcdClient {
 public:
  // `endpoints`: base URLs such as "http://127.0.0.1:2379" (a trailing "/" is ignored).
  EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
  ~EtcdClient();
  EtcdClient(const EtcdClient&) = delete;
  EtcdClient& operator=(const EtcdClient&) = delete;
  EtcdClient(EtcdClient&&) noexcept;
  EtcdClient& operator=(EtcdClient&&) noexcept;

  EtcdResult<RangeReply> range(const std::string& key, bool prefix);
  EtcdResult<int64_t> put(const std::string& key, const std::string& value, int64_t lease = 0);  // revision
  EtcdResult<TxnReply> txn(const std::vector<Compare>& cmp, const std::vector<TxnOp>& success,
                           const std::vector<TxnOp>& failure);
  EtcdResult<int64_t> lease_grant(std::chrono::seconds ttl);           // lease id
  EtcdResult<int64_t> lease_keepalive(int64_t lease);                  // TTL left; 0 = lease gone
  EtcdResult<bool> lease_revoke(int64_t lease);                        // false: it was already gone
  // The endpoint the last call went to last (the one that answered, if one did).
  const std::string& last_endpoint() const;

 private:
  struct Transport;
  // POSTs `body` to `path` on the endpoints in turn; the reply body of the first endpoint
  // that answered as etcd (2xx), or the error that ended the call.
  EtcdResult<std::string> post(const std::string& path, const std::string& body);

  std::vector<std::string> endpoints_;
  std::chrono::milliseconds timeout_;
  size_t current_ = 0;          // where the next call starts: the endpoint that worked last
  std::string last_endpoint_;
  std::unique_ptr<Transport> transport_;
};

}  // namespace sentinel::coord
