// Privilege drop via getpwnam/setgroups/setgid/setuid.
#include "dnsd/daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnsd::daemon {

bool drop_privileges(const std::string& user, const std::string& state_dir, std::string& error) {
  if (user.empty()) {
    if (geteuid() == 0)
      spdlog::warn("running as root: set [server] user to drop privileges after binding");
    return true;
  }
  passwd* pw = getpwnam(user.c_str());
  if (!pw) {
    error = "server.user = \"" + user + "\": no such user";
    return false;
  }
  if (geteuid() == pw->pw_uid && getegid() == pw->pw_gid) {  // e.g. systemd's User=
    spdlog::info("running as {} already: no privilege drop needed", user);
    return true;
  }
  if (chown(state_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
    spdlog::warn("cannot chown {} to {}: {}", state_dir, user, std::strerror(errno));
  if (setgroups(0, nullptr) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
    error = "server.user = \"" + user + "\": cannot switch user: " + std::strerror(errno);
    return false;
  }
  spdlog::info("dropped privileges to {}", user);
  return true;
}

}  // namespace dnsd::daemon
