// Durable whole-file replacement: temp + fsync + rename + fsync dir.
#include "dnsd/common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnsd::common {

bool fsync_parent_dir(const std::string& path, const FileOps& io) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  int fd = ::open(dir.empty() ? "/" : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = io.fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

Replace replace_file(const std::string& path, std::string_view data, std::string& error,
                     const FileOps& io) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return error = tmp + ": " + std::strerror(errno), Replace::Unchanged;
  bool ok = write_all(io, fd, data.data(), data.size());
  if (!ok) error = tmp + ": write: " + std::strerror(errno);
  if (ok && io.fsync(fd) != 0) ok = false, error = tmp + ": fsync: " + std::strerror(errno);
  ::close(fd);
  if (!ok) {
    ::unlink(tmp.c_str());
    return Replace::Unchanged;
  }
  if (io.rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": rename: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return Replace::Unchanged;
  }
  if (!fsync_parent_dir(path, io)) {
    error = path + ": fsync of its folder: " + std::strerror(errno);
    return Replace::Uncertain;
  }
  return Replace::Durable;
}

bool write_file_atomic(const std::string& path, std::string_view data, std::string& error,
                       const FileOps& io) {
  return replace_file(path, data, error, io) == Replace::Durable;
}

}  // namespace dnsd::common
