// The API bearer token file.
#include "sentinel/api/api_token.h"

#include "dnsd/common/atomic_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sentinel::api {

std::optional<std::string> read_token(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": " + std::strerror(errno);
    return std::nullopt;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  std::string t = buf.str();
  while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  if (t.size() < 16) {
    error = path + ": the token must be at least 16 characters";
    return std::nullopt;
  }
  return t;
}

std::optional<std::string> load_or_create_token(const std::string& path, std::string& error,
                                                const dnsd::common::FileOps& io) {
  if (::access(path.c_str(), F_OK) == 0) return read_token(path, error);
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1) {
    error = "cannot get random bytes for the API token";
    return std::nullopt;
  }
  static const char* hex = "0123456789abcdef";
  std::string token;
  for (unsigned char b : raw) {
    token += hex[b >> 4];
    token += hex[b & 15];
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = path + ": cannot create: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string line = token + "\n";
  bool ok = dnsd::common::write_all(io, fd, line.data(), line.size()) && io.fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  // A token the CLI may already have read must survive a crash; a half-written one must
  // not be left for the next start to trip over.
  if (ok && !dnsd::common::fsync_parent_dir(path, io)) ok = false, saved = errno;
  if (!ok) {
    ::unlink(path.c_str());
    error = path + ": cannot write the token: " + std::strerror(saved);
    return std::nullopt;
  }
  return token;
}

bool bearer_matches(const std::string& header, const std::string& token) {
  const std::string want = "Bearer " + token;
  if (header.size() != want.size()) return false;
  return CRYPTO_memcmp(header.data(), want.data(), want.size()) == 0;
}

}  // namespace sentinel::api
