// Durable whole-file replacement (temp file + fsync + rename + fsync of the folder), so a
// crash leaves either the old or the new content, never a torn file. dnsd snapshots and
// the sentinel state file both use it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace dnsd::common {

bool write_file_atomic(const std::string& path, std::string_view data, std::string& error);
bool fsync_parent_dir(const std::string& path);

}  // namespace dnsd::common
