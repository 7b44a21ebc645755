// Dropping root after the sockets are bound ([server] user).
#pragma once
#include <string>

namespace dnsd::daemon {

// With `user` empty: warns when running as root and returns true. Otherwise switches to
// that user's uid/gid (and chowns `state_dir` to it first). False with `error` on failure.
bool drop_privileges(const std::string& user, const std::string& state_dir, std::string& error);

}  // namespace dnsd::daemon
