// The few system calls that make state durable, behind one seam so tests can make any of
// them fail (ENOSPC, EIO) at an exact call and check that nothing is built on the failure.
// Production code uses system_file_ops(); nothing else implements this outside tests.
#pragma once
#include <sys/types.h>

#include <cstddef>

namespace dnsd::common {

class FileOps {
 public:
  virtual ~FileOps() = default;
  virtual ssize_t write(int fd, const void* data, size_t size) const;
  virtual int fsync(int fd) const;
  virtual int fdatasync(int fd) const;
  virtual int ftruncate(int fd, off_t length) const;
  virtual int rename(const char* from, const char* to) const;
};

const FileOps& system_file_ops();

// Writes all of `size` bytes (retrying short writes and EINTR); false with errno set on
// the first failure. A false return may leave a prefix written: the caller cuts it back.
bool write_all(const FileOps& io, int fd, const void* data, size_t size);

}  // namespace dnsd::common
