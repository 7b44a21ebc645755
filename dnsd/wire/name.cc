// Domain names in wire form.
#include "dnsd/wire/name.h"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace dnsd::wire {

bool read_name(const uint8_t* pkt, size_t pkt_len, size_t& pos, NameBuf& out) noexcept {
  size_t p = pos;
  size_t end_pos = 0;        // where the caller continues: after the first pointer or root
  bool jumped = false;
  size_t limit = pos;        // a pointer must go strictly before the label that holds it
  uint16_t len = 0;
  uint8_t labels = 0;
  for (;;) {
    if (p >= pkt_len) return false;
    uint8_t c = pkt[p];
    if (c == 0) {
      if (len + 1u > kMaxNameLength) return false;
      out.data[len++] = 0;
      if (!jumped) end_pos = p + 1;
      break;
    }
    if ((c & 0xC0) == 0xC0) {
      if (p + 1 >= pkt_len) return false;
      size_t target = (static_cast<size_t>(c & 0x3F) << 8) | pkt[p + 1];
      if (target >= limit) return false;  // forward or self pointer: possible loop
      if (!jumped) end_pos = p + 2;
      jumped = true;
      limit = target;
      p = target;
      continue;
    }
    if ((c & 0xC0) != 0) return false;  // 01/10 label types are not allowed (RFC 6891 6.2)
    if (p + 1 + c > pkt_len) return false;
    if (len + 1u + c + 1u > kMaxNameLength) return false;  // keep room for the root byte
    if (labels >= kMaxLabels) return false;
    out.label_offset[labels++] = static_cast<uint8_t>(len);
    std::memcpy(out.data + len, pkt + p, 1u + c);
    len = static_cast<uint16_t>(len + 1u + c);
    p += 1u + c;
    if (!jumped) limit = p;  // within the first stretch pointers may target anything before
  }
  out.length = len;
  out.labels = labels;
  pos = end_pos;
  return true;
}

void lowercase(NameBuf& name) noexcept {
  for (uint16_t i = 0; i < name.length; ++i) name.data[i] = lower_byte(name.data[i]);
  // Length bytes are <= 63, below 'A' (65), so lowercasing the whole buffer is safe.
}

namespace {

// ASCII A-Z to a-z in eight bytes at once; every other byte (>= 0x80 too) unchanged.
uint64_t lower_word(uint64_t x) noexcept {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  uint64_t low7 = x & ~kHigh;
  uint64_t above_z = low7 + (0x7F - 'Z') * kOnes;  // high bit: low7 > 'Z' (no carry out)
  uint64_t from_a = low7 + (0x80 - 'A') * kOnes;   // high bit: low7 >= 'A'
  uint64_t upper = (from_a ^ above_z) & ~x & kHigh;
  return x | upper >> 2;  // 0x80 >> 2 = 0x20
}

}  // namespace

void copy_lowercase(const NameBuf& from, NameBuf& to) noexcept {
  const size_t n = from.length;
  if (n >= 8) {
    // Whole words, then the last eight bytes (overlapping: lowering twice changes nothing).
    uint64_t w;
    for (size_t i = 0; i + 8 <= n; i += 8) {
      std::memcpy(&w, from.data + i, 8);
      w = lower_word(w);
      std::memcpy(to.data + i, &w, 8);
    }
    std::memcpy(&w, from.data + n - 8, 8);
    w = lower_word(w);
    std::memcpy(to.data + n - 8, &w, 8);
  } else {
    for (size_t i = 0; i < n; ++i) to.data[i] = lower_byte(from.data[i]);
  }
  std::memcpy(to.label_offset, from.label_offset, from.labels);
  to.length = from.length;
  to.labels = from.labels;
}

bool index_labels(NameBuf& name) noexcept {
  size_t p = 0;
  uint8_t labels = 0;
  while (p < name.length) {
    uint8_t c = name.data[p];
    if (c == 0) {
      if (p + 1 != name.length) return false;
      name.labels = labels;
      return true;
    }
    if (c > kMaxLabelLength || labels >= kMaxLabels) return false;
    name.label_offset[labels++] = static_cast<uint8_t>(p);
    p += 1u + c;
  }
  return false;
}

bool names_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower_byte(static_cast<uint8_t>(a[i])) != lower_byte(static_cast<uint8_t>(b[i])))
      return false;
  }
  return true;
}

bool is_subdomain(std::string_view name, std::string_view zone) noexcept {
  if (zone.size() > name.size()) return false;
  // Walk labels of `name` until the remaining suffix has the zone's length.
  size_t p = 0;
  while (name.size() - p > zone.size()) {
    uint8_t c = static_cast<uint8_t>(name[p]);
    if (c == 0) return false;
    p += 1u + c;
  }
  if (name.size() - p != zone.size()) return false;
  return names_equal(name.substr(p), zone);
}

unsigned count_labels(std::string_view wire) noexcept {
  unsigned n = 0;
  size_t p = 0;
  while (p < wire.size() && wire[p] != 0) {
    p += 1u + static_cast<uint8_t>(wire[p]);
    ++n;
  }
  return n;
}

std::optional<std::string> name_from_text(std::string_view text) {
  std::string out;
  if (text == "." ) return std::string(1, '\0');
  if (text.empty()) return std::nullopt;
  std::string label;
  auto flush = [&]() -> bool {
    if (label.empty() || label.size() > kMaxLabelLength) return false;
    out.push_back(static_cast<char>(label.size()));
    out += label;
    label.clear();
    return true;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (!flush()) return std::nullopt;
      if (i + 1 == text.size()) break;
      continue;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) return std::nullopt;
      if (i + 3 < text.size() && isdigit(static_cast<unsigned char>(text[i + 1])) &&
          isdigit(static_cast<unsigned char>(text[i + 2])) &&
          isdigit(static_cast<unsigned char>(text[i + 3]))) {
        int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (v > 255) return std::nullopt;
        label.push_back(static_cast<char>(v));
        i += 3;
      } else {
        label.push_back(text[++i]);
      }
      continue;
    }
    label.push_back(c);
  }
  if (!label.empty() && !flush()) return std::nullopt;
  out.push_back('\0');
  if (out.size() > kMaxNameLength) return std::nullopt;
  return out;
}

std::string name_to_text(std::string_view wire) {
  if (wire.size() <= 1) return ".";
  std::string out;
  size_t p = 0;
  while (p < wire.size() && wire[p] != 0) {
    uint8_t len = static_cast<uint8_t>(wire[p]);
    for (size_t i = 1; i <= len && p + i < wire.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(wire[p + i]);
      if (c == '.' || c == '\\') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 32 || c >= 127) {
        char buf[5];
        snprintf(buf, sizeof buf, "\\%03u", c);
        out += buf;
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    p += 1u + len;
  }
  return out;
}

}  // namespace dnsd::wire
