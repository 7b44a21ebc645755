// Config/zone errors collected at a boundary and reported together, one per line:
// "file:line: key = value: reason".
#pragma once
#include <string>
#include <vector>

namespace dnsd::common {

struct ConfigError {
  std::string file;
  int line = 0;          // 0 when unknown
  std::string key;       // dotted key, e.g. "server.workers"; may be empty
  std::string value;     // offending value as written; may be empty
  std::string reason;

  std::string to_string() const;
};

class ErrorList {
 public:
  void add(ConfigError e) { errors_.push_back(std::move(e)); }
  void add(std::string file, int line, std::string key, std::string value, std::string reason) {
    errors_.push_back({std::move(file), line, std::move(key), std::move(value), std::move(reason)});
  }
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::vector<ConfigError>& errors() const { return errors_; }
  void append(const ErrorList& other) {
    errors_.insert(errors_.end(), other.errors_.begin(), other.errors_.end());
  }
  // All errors, one per line.
  std::string to_string() const;

 private:
  std::vector<ConfigError> errors_;
};

}  // namespace dnsd::common
