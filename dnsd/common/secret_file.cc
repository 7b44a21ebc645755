// read_secret_file: size-bounded, whole-file read with config-line errors.
#include "dnsd/common/secret_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace dnsd::common {

std::optional<std::string> read_secret_file(const std::string& path, size_t max_bytes,
                                            const std::string& what, const std::string& ctx_file,
                                            int ctx_line, const std::string& ctx_key,
                                            const std::string& shown, ErrorList& errors) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    errors.add(ctx_file, ctx_line, ctx_key, shown, "cannot read " + path + ": " + ec.message());
    return std::nullopt;
  }
  if (size > max_bytes) {
    errors.add(ctx_file, ctx_line, ctx_key, shown, path + " is too large to be " + what);
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    errors.add(ctx_file, ctx_line, ctx_key, shown,
               "cannot read " + path + ": " + std::strerror(errno));
    return std::nullopt;
  }
  return text;
}

}  // namespace dnsd::common
