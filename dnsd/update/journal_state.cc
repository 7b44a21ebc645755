// Read-only view of a zone's journal and snapshot.
#include "dnsd/update/journal_state.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "dnsd/update/journal_codec.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/name.h"

namespace dnsd::update {
namespace {

// False (with `error`) when the file exists but cannot be read; absent = empty.
bool read_bytes(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (ec) {
    error = path + ": cannot read: " + ec.message();
    return false;
  }
  if (!exists) return true;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(f), {});
  return true;
}

}  // namespace

std::string state_file_stem(const std::string& state_dir, const std::string& origin) {
  std::string text = wire::name_to_text(origin);  // "api.example.test."
  for (auto& c : text)
    if (c == '/' || c == '\\') c = '_';
  return state_dir + "/" + text;
}

ServedState read_served_state(const std::string& state_dir, const std::string& origin,
                              std::shared_ptr<const zone::SelfSpec> self) {
  ServedState st;
  std::string stem = state_file_stem(state_dir, origin);
  st.journal_path = stem + "journal";
  std::string snapshot_path = stem + "snapshot";
  std::vector<uint8_t> snap, data;
  if (!read_bytes(snapshot_path, snap, st.error) || !read_bytes(st.journal_path, data, st.error)) {
    st.unreadable = true;
    return st;
  }
  JournalScan scan = scan_journal(data);
  uint32_t snap_base = 0;
  bool have_snap = !snap.empty();
  if (have_snap && !snapshot_base(snap, snap_base)) {
    st.error = snapshot_path + ": damaged snapshot";
    return st;
  }
  if (!data.empty() && !scan.has_header) {
    st.error = st.journal_path + ": damaged journal header";
    return st;
  }
  if (have_snap && scan.has_header && snap_base != scan.base_serial) have_snap = false;  // stale
  st.present = have_snap || scan.has_header;
  if (!st.present) return st;
  st.base = st.served = have_snap ? snap_base : scan.base_serial;
  if (have_snap) {
    std::string err;
    auto s = decode_snapshot(snap, origin, snapshot_path, std::move(self), err);
    if (!s) {
      st.error = err;
      return st;
    }
    st.served = s->serial();
  }
  if (!scan.entries.empty() && serial_lt(st.served, scan.entries.back().serial_to))
    st.served = scan.entries.back().serial_to;
  return st;
}

}  // namespace dnsd::update
