// Replication log file.
#include "dnsd/replication/replication_log.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dnsd/wire/byte_append.h"

namespace dnsd::replication {
namespace {
constexpr uint32_t kMagic = 0x44524c31;  // "DRL1"

uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 | static_cast<uint32_t>(p[2]) << 8 | p[3];
}
std::string sys_error(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}
bool write_all(int fd, const std::vector<uint8_t>& b) {
  size_t done = 0;
  while (done < b.size()) {
    ssize_t n = ::write(fd, b.data() + done, b.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}
}  // namespace

std::vector<uint8_t> frame(const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f;
  wire::append_u32(f, kMagic);
  wire::append_u32(f, static_cast<uint32_t>(payload.size()));
  f.insert(f.end(), payload.begin(), payload.end());
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(payload.data(), payload.size(), md);
  f.insert(f.end(), md, md + 8);
  return f;
}

std::vector<std::vector<uint8_t>> unframe(const std::vector<uint8_t>& data, size_t& good_end) {
  std::vector<std::vector<uint8_t>> out;
  size_t pos = 0;
  good_end = 0;
  while (data.size() - pos >= 16) {
    if (be32(&data[pos]) != kMagic) break;
    uint32_t len = be32(&data[pos + 4]);
    if (data.size() - pos - 8 < static_cast<size_t>(len) + 8) break;
    std::vector<uint8_t> payload(data.begin() + static_cast<long>(pos + 8), data.begin() + static_cast<long>(pos + 8 + len));
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(payload.data(), payload.size(), md);
    if (std::memcmp(md, &data[pos + 8 + len], 8) != 0) break;
    out.push_back(std::move(payload));
    pos += 16 + len;
    good_end = pos;
  }
  return out;
}

std::unique_ptr<ReplicationLog> ReplicationLog::open(const std::string& state_dir, const std::string& zone_text,
                                                     std::string& error) {
  std::unique_ptr<ReplicationLog> log(new ReplicationLog());
  log->path_ = (std::filesystem::path(state_dir) / (zone_text + "replication")).string();
  std::vector<uint8_t> data;
  {
    std::ifstream in(log->path_, std::ios::binary);
    if (in) data.assign(std::istreambuf_iterator<char>(in), {});
  }
  size_t good_end = 0;
  for (const auto& payload : unframe(data, good_end)) {
    auto e = decode_entry(payload.data(), payload.size());
    if (!e || e->seq != log->entries_.size() + 1) break;  // keep the whole prefix in order
    log->entries_.push_back(std::move(*e));
  }
  log->fd_ = ::open(log->path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (log->fd_ < 0) {
    error = sys_error("cannot open", log->path_);
    return nullptr;
  }
  // Anything after the last good entry is a torn write: cut it off before appending.
  if (!log->rewrite(error)) return nullptr;
  return log;
}

ReplicationLog::~ReplicationLog() {
  if (fd_ >= 0) ::close(fd_);
}

bool ReplicationLog::rewrite(std::string& error) {
  std::vector<uint8_t> all;
  for (const auto& e : entries_) {
    auto f = frame(encode_entry(e));
    all.insert(all.end(), f.begin(), f.end());
  }
  std::string tmp = path_ + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) { error = sys_error("cannot create", tmp); return false; }
  bool ok = write_all(fd, all) && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    error = sys_error("cannot write", tmp);
    ::unlink(tmp.c_str());
    return false;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) { error = sys_error("cannot open", path_); return false; }
  return true;
}

bool ReplicationLog::append(const ReplicationEntry& e, std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (e.seq != entries_.size() + 1) {
    error = "entry " + std::to_string(e.seq) + " does not follow " + std::to_string(entries_.size());
    return false;
  }
  if (fd_ < 0 || !write_all(fd_, frame(encode_entry(e))) || ::fdatasync(fd_) != 0) {
    error = sys_error("cannot append to", path_);
    std::string ignored;
    rewrite(ignored);  // cut back to the entries we hold
    return false;
  }
  entries_.push_back(e);
  return true;
}

bool ReplicationLog::truncate_after(uint64_t seq, std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (seq >= entries_.size()) return true;
  entries_.resize(seq);
  return rewrite(error);
}

uint64_t ReplicationLog::last_seq() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

std::optional<Marker> ReplicationLog::last_marker() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (entries_.empty()) return std::nullopt;
  return parse_marker(entries_.back().marker);
}

std::optional<ReplicationEntry> ReplicationLog::entry(uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (seq == 0 || seq > entries_.size()) return std::nullopt;
  return entries_[seq - 1];
}

std::optional<std::optional<Marker>> ReplicationLog::marker_at(uint64_t seq) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (seq > entries_.size()) return std::nullopt;
  if (seq == 0) return std::optional<Marker>{};
  return std::optional<Marker>{parse_marker(entries_[seq - 1].marker)};
}

}  // namespace dnsd::replication
