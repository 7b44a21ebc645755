// Tests for the writer: limits, rewind, compression against earlier names.
#include "dnsd/wire/wire_writer.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dnsd::wire
