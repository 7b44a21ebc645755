// The API bearer token: read from api_token_file, or created there (0600, 256 random bits)
// on the daemon's first start.
#pragma once
#include <optional>
#include <string>

#include "dnsd/common/file_ops.h"

namespace sentinel::api {

// Daemon: reads the token, creating the file when it is missing. A file that could not be
// made durable is removed again (never left half-written for the next start).
std::optional<std::string> load_or_create_token(
    const std::string& path, std::string& error,
    const dnsd::common::FileOps& io = dnsd::common::system_file_ops());
// Client: reads the token; never creates it.
std::optional<std::string> read_token(const std::string& path, std::string& error);
// Constant-time comparison of an Authorization header against "Bearer <token>".
bool bearer_matches(const std::string& header, const std::string& token);

}  // namespace sentinel::api
