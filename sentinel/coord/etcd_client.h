// A blocking client of etcd 3.4's v3 JSON gateway (POST /v3/kv/range, put, txn,
// deleterange, /v3/lease/grant, keepalive, revoke): keys and values base64 in JSON, int64s as
// JSON strings. Calls are bounded by a timeout and made from a coordination thread, never the
// libuv loop. Every failure is a value, never an exception or an abort.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sentinel::coord {

struct EtcdKv {
  std::string key, value;
  int64_t create_revision = 0, mod_revision = 0, version = 0, lease = 0;
};

struct EtcdError {
  enum class Kind : uint8_t { Unreachable, Timeout, Http, BadResponse, NoLeader };
  Kind kind;
  std::string detail;  // names the endpoint and what went wrong
};

template <class T>
using EtcdResult = std::variant<T, EtcdError>;

struct Compare {
  enum class Target : uint8_t { Version, Create, Mod, Value, Lease };
  enum class Op : uint8_t { Equal, Greater, Less, NotEqual };
  std::string key;
  Target target;
  Op op;
  int64_t number = 0;
  std::string value;
};

struct TxnOp {
  enum class Kind : uint8_t { Put, Delete, Range };
  Kind kind;
  std::string key;
  std::string value;
  int64_t lease = 0;
  bool prefix = false;
};

struct RangeReply {
  int64_t revision = 0;
  std::vector<EtcdKv> kvs;
};

struct TxnReply {
  bool succeeded = false;
  int64_t revision = 0;
  std::vector<RangeReply> ranges;
};

class EtcdClient {
 public:
  EtcdClient(std::vector<std::string> endpoints, std::chrono::milliseconds timeout);
  EtcdResult<RangeReply> range(const std::string& key, bool prefix);
  EtcdResult<int64_t> put(const std::string& key, const std::string& value,
                          int64_t lease = 0);  // revision
  EtcdResult<TxnReply> txn(const std::vector<Compare>& cmp, const std::vector<TxnOp>& success,
                           const std::vector<TxnOp>& failure);
  EtcdResult<int64_t> lease_grant(std::chrono::seconds ttl);  // lease id
  EtcdResult<int64_t> lease_keepalive(int64_t lease);         // TTL left; 0 = lease gone
  EtcdResult<bool> lease_revoke(int64_t lease);
  const std::string& last_endpoint() const;

 private:
  std::vector<std::string> endpoints_;
  std::chrono::milliseconds timeout_;
  size_t current_ = 0;
};

}  // namespace sentinel::coord
