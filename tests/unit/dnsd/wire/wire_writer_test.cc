// Tests for the writer: limits, rewind, compression against earlier names.
#include "dnsd/wire/wire_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dnsd/wire/name.h"

namespace dnsd::wire {
namespace {

TEST(WireWriterTest, OverflowIsStickyAndRewindRestores) {
  uint8_t buf[8];
  WireWriter w(buf, sizeof buf);
  w.u32(1);
  auto m = w.mark();
  w.u32(2);
  EXPECT_TRUE(w.ok());
  w.u8(3);
  EXPECT_FALSE(w.ok());
  w.u8(4);
  EXPECT_FALSE(w.ok());
  w.rewind(m);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.size(), 4u);
}

TEST(WireWriterTest, CompressesSuffixesCaseInsensitively) {
  uint8_t buf[512] = {};
  WireWriter w(buf, sizeof buf);
  for (int i = 0; i < 12; ++i) w.u8(0);  // header
  w.name(*name_from_text("WWW.Example.com."));
  size_t second = w.size();
  w.name(*name_from_text("mail.example.COM."));
  // "mail" label then a pointer to "Example.com." at offset 16
  EXPECT_EQ(w.size(), second + 5 + 2);
  EXPECT_EQ(buf[second + 5], 0xC0);
  EXPECT_EQ(buf[second + 6], 16);
  size_t third = w.size();
  w.name(*name_from_text("www.example.com."));
  EXPECT_EQ(w.size(), third + 2);  // whole name is a pointer to offset 12
  EXPECT_EQ(buf[third + 1], 12);
  // Decompress what we wrote with the reader.
  NameBuf n;
  size_t pos = second;
  ASSERT_TRUE(read_name(buf, w.size(), pos, n));
  EXPECT_EQ(name_to_text(n.view()), "mail.Example.com.");
}

TEST(WireWriterTest, UncompressedNamesAreNotTargets) {
  uint8_t buf[512] = {};
  WireWriter w(buf, sizeof buf);
  for (int i = 0; i < 12; ++i) w.u8(0);
  w.name(*name_from_text("a.example."), false);
  size_t before = w.size();
  w.name(*name_from_text("a.example."));
  EXPECT_EQ(w.size(), before + 11);
}

// The reference the writer must match byte for byte: every earlier label start is a target,
// tried in the order registered, compared by decompressing it (no shortcuts).
std::vector<uint8_t> reference_compress(const std::vector<std::string>& names, bool question_target) {
  std::vector<uint8_t> out(12, 0);
  std::vector<size_t> targets;
  auto decompress = [&](size_t p) {
    std::string s;
    for (int hops = 0; hops < 64;) {
      uint8_t c = out[p];
      if ((c & 0xC0) == 0xC0) { p = static_cast<size_t>(c & 0x3F) << 8 | out[p + 1]; ++hops; continue; }
      s.push_back(static_cast<char>(c));
      for (size_t i = 1; i <= c; ++i) s.push_back(static_cast<char>(lower_byte(out[p + i])));
      if (c == 0) return s;
      p += 1u + c;
    }
    return std::string("\xff");
  };
  auto lower = [](std::string_view v) {
    std::string s(v);
    for (auto& ch : s) ch = static_cast<char>(lower_byte(static_cast<uint8_t>(ch)));
    return s;
  };
  for (size_t k = 0; k < names.size(); ++k) {
    std::string wire = *name_from_text(names[k]);
    size_t start = out.size(), p = 0;
    bool compress = !(k == 0 && question_target);
    while (true) {
      uint8_t c = static_cast<uint8_t>(wire[p]);
      if (c == 0) { out.push_back(0); break; }
      size_t at = 0;
      if (compress)
        for (size_t t : targets)
          if (decompress(t) == lower(std::string_view(wire).substr(p))) { at = t; break; }
      if (at) { out.push_back(static_cast<uint8_t>(0xC0 | at >> 8)); out.push_back(static_cast<uint8_t>(at)); break; }
      out.insert(out.end(), wire.begin() + static_cast<long>(p), wire.begin() + static_cast<long>(p + 1 + c));
      p += 1u + c;
    }
    for (size_t q = start; out[q] != 0 && (out[q] & 0xC0) == 0; q += 1u + out[q]) targets.push_back(q);
  }
  return out;
}

TEST(WireWriterTest, CompressionMatchesTheReference) {
  // Names of equal length that differ, a name that is a suffix of another, names reached
  // through pointers, the question registered with add_target (as answer() does).
  const std::vector<std::vector<std::string>> cases = {
      {"host1.api.example.test.", "host1.api.example.test.", "ns1.example.test.", "ns2.example.test."},
      {"aa.b.", "ab.b.", "AB.B.", "b.", "x.ab.b.", "."},
      {"_tunnel._tcp.api.example.test.", "lb1.api.example.test.", "lb2.api.example.test.", "api.example.test."},
      {"w1.api.example.test.", "api.example.test.", "ns1.example.test.", "h.example.test.", "w1.api.example.test."},
      {"a.b.c.d.", "x.b.c.d.", "y.x.b.c.d.", "c.d.", "d.", "e.c.d.", "y.X.B.c.d."},
  };
  for (bool question : {false, true}) {
    for (const auto& names : cases) {
      uint8_t buf[1024] = {};
      WireWriter w(buf, sizeof buf);
      for (int i = 0; i < 12; ++i) w.u8(0);
      for (size_t k = 0; k < names.size(); ++k) {
        if (k == 0 && question) {
          w.name(*name_from_text(names[0]), false);
          w.add_target(12);
        } else {
          w.name(*name_from_text(names[k]));
        }
      }
      std::vector<uint8_t> want = reference_compress(names, question);
      EXPECT_EQ(std::vector<uint8_t>(buf, buf + w.size()), want) << names[0] << (question ? " (question)" : "");
    }
  }
}

}  // namespace
}  // namespace dnsd::wire
