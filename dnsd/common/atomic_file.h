// Durable whole-file replacement (temp file + fsync + rename + fsync of the folder), so a
// crash leaves either the old or the new content, never a torn file. dnsd snapshots and
// journal headers and the sentinel state file use it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "dnsd/common/file_ops.h"

namespace dnsd::common {

enum class Replace {
  Durable,    // the new content is in place and on disk
  Unchanged,  // failed before the rename: the old file (if any) is still there, untouched
  Uncertain,  // renamed, but the folder's fsync failed: after a crash either version may be
              // there, so nothing may be built on either until a later replace is Durable
};

Replace replace_file(const std::string& path, std::string_view data, std::string& error,
                     const FileOps& io = system_file_ops());

// replace_file() == Durable.
bool write_file_atomic(const std::string& path, std::string_view data, std::string& error,
                       const FileOps& io = system_file_ops());
bool fsync_parent_dir(const std::string& path, const FileOps& io = system_file_ops());

}  // namespace dnsd::common
