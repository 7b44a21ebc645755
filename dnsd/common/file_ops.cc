// The real system calls behind FileOps.
#include "dnsd/common/file_ops.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace dnsd::common {

ssize_t FileOps::write(int fd, const void* data, size_t size) const { return ::write(fd, data, size); }
int FileOps::fsync(int fd) const { return ::fsync(fd); }
int FileOps::fdatasync(int fd) const { return ::fdatasync(fd); }
int FileOps::ftruncate(int fd, off_t length) const { return ::ftruncate(fd, length); }
int FileOps::rename(const char* from, const char* to) const { return std::rename(from, to); }

const FileOps& system_file_ops() {
  static const FileOps ops;
  return ops;
}

bool write_all(const FileOps& io, int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t w = io.write(fd, p, size);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = ENOSPC;  // a write that makes no progress is a full disk
      return false;
    }
    p += w;
    size -= static_cast<size_t>(w);
  }
  return true;
}

}  // namespace dnsd::common
