// Reading a small file that holds a secret (a TSIG key file, a cookie secret file), with
// the error pointing at the config line that named it. Never echoes the content.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

#include "dnsd/common/config_error.h"

namespace dnsd::common {

// The whole of `path` if it is readable and at most `max_bytes` long; otherwise nullopt
// after adding an error at ctx_file:ctx_line (ctx_key = shown) that names `what` it should be.
std::optional<std::string> read_secret_file(const std::string& path, size_t max_bytes,
                                            const std::string& what, const std::string& ctx_file,
                                            int ctx_line, const std::string& ctx_key,
                                            const std::string& shown, ErrorList& errors);

}  // namespace dnsd::common
