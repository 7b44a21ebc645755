// Formatting of collected config errors.
#include "dnsd/common/config_error.h"

namespace dnsd::common {

std::string ConfigError::to_string() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line);
  s += ": ";
  if (!key.empty()) {
    s += key;
    if (!value.empty()) s += " = " + value;
    s += ": ";
  }
  s += reason;
  return s;
}

std::string ErrorList::to_string() const {
  std::string s;
  for (const auto& e : errors_) {
    s += e.to_string();
    s += '\n';
  }
  return s;
}

}  // namespace dnsd::common
