// Reading a config file and parsing its TOML, with file/line/column errors.
#include "dnsd/common/toml_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dnsd::common {

std::optional<std::string> read_config_text(const std::string& path, ErrorList& errors) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    errors.add(path, 0, "", "", "cannot read: is a directory, not a config file");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.add(path, 0, "", "", std::string("cannot read: ") + std::strerror(errno));
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    errors.add(path, 0, "", "", "cannot read: I/O error");
    return std::nullopt;
  }
  return buf.str();
}

std::optional<toml::table> parse_toml(const std::string& text, const std::string& path,
                                      ErrorList& errors) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    const auto& pos = e.source().begin;
    errors.add(path, static_cast<int>(pos.line), "", "",
               "column " + std::to_string(pos.column) + ": " + std::string(e.description()));
    return std::nullopt;
  }
}

}  // namespace dnsd::common
