// Tests for wire names: decompression limits, loops, suffixes, text conversion.
#include "dnsd/wire/name.h"

#include <gtest/gtest.h>

namespace dnsd::wire {
namespace {

std::string w(const char* text) { return *name_from_text(text); }

TEST(NameTest, ReadsUncompressedNameAndIndexesLabels) {
  std::string wire = w("www.Example.com.");
  NameBuf n;
  size_t pos = 0;
  ASSERT_TRUE(read_name(reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), pos, n));
  EXPECT_EQ(pos, wire.size());
  EXPECT_EQ(n.labels, 3);
  EXPECT_EQ(n.view(), wire);
  EXPECT_EQ(n.suffix(1), w("Example.com."));
  EXPECT_EQ(n.suffix(3), std::string(1, '\0'));
}

TEST(NameTest, FollowsBackwardPointer) {
  std::vector<uint8_t> pkt = {3, 'c', 'o', 'm', 0, 3, 'f', 'o', 'o', 0xC0, 0};
  NameBuf n;
  size_t pos = 5;
  ASSERT_TRUE(read_name(pkt.data(), pkt.size(), pos, n));
  EXPECT_EQ(pos, pkt.size());
  EXPECT_EQ(name_to_text(n.view()), "foo.com.");
}

TEST(NameTest, RejectsSelfPointerAndForwardPointerAndLoop) {
  NameBuf n;
  std::vector<uint8_t> self = {0xC0, 0};
  size_t pos = 0;
  EXPECT_FALSE(read_name(self.data(), self.size(), pos, n));
  std::vector<uint8_t> forward = {0xC0, 2, 0};
  pos = 0;
  EXPECT_FALSE(read_name(forward.data(), forward.size(), pos, n));
  // label at 0 then pointer back to 0: a loop
  std::vector<uint8_t> loop = {1, 'a', 0xC0, 0};
  pos = 0;
  EXPECT_FALSE(read_name(loop.data(), loop.size(), pos, n));
}

TEST(NameTest, RejectsTruncatedAndOversizedAndBadLabelTypes) {
  NameBuf n;
  std::vector<uint8_t> truncated = {5, 'a', 'b'};
  size_t pos = 0;
  EXPECT_FALSE(read_name(truncated.data(), truncated.size(), pos, n));
  std::vector<uint8_t> no_root = {1, 'a'};
  pos = 0;
  EXPECT_FALSE(read_name(no_root.data(), no_root.size(), pos, n));
  std::vector<uint8_t> ext = {0x41, 'a', 0};
  pos = 0;
  EXPECT_FALSE(read_name(ext.data(), ext.size(), pos, n));
  std::vector<uint8_t> big;
  for (int i = 0; i < 5; ++i) {
    big.push_back(63);
    big.insert(big.end(), 63, 'x');
  }
  big.push_back(0);
  pos = 0;
  EXPECT_FALSE(read_name(big.data(), big.size(), pos, n));  // 321 bytes > 255
}

TEST(NameTest, LowercaseAndCompare) {
  std::string a = w("WwW.ExAmPlE.");
  NameBuf n;
  size_t pos = 0;
  ASSERT_TRUE(read_name(reinterpret_cast<const uint8_t*>(a.data()), a.size(), pos, n));
  lowercase(n);
  EXPECT_EQ(n.view(), w("www.example."));
  EXPECT_TRUE(names_equal(a, w("www.example.")));
  EXPECT_TRUE(is_subdomain(w("a.b.example.com."), w("example.com.")));
  EXPECT_TRUE(is_subdomain(w("example.com."), w("example.com.")));
  EXPECT_FALSE(is_subdomain(w("badexample.com."), w("example.com.")));
  EXPECT_FALSE(is_subdomain(w("com."), w("example.com.")));
}

// copy_lowercase folds eight bytes at a time: every byte value, every length, as lower_byte.
TEST(NameTest, CopyLowercaseFoldsEveryByteAsLowerByte) {
  for (size_t len = 1; len <= 255; ++len) {
    for (unsigned start : {0u, 37u, 64u, 128u, 200u}) {
      NameBuf from, to;
      for (size_t i = 0; i < len; ++i) from.data[i] = static_cast<uint8_t>(start + i * 7);
      from.length = static_cast<uint16_t>(len);
      from.labels = 2;
      from.label_offset[0] = 0;
      from.label_offset[1] = 5;
      copy_lowercase(from, to);
      ASSERT_EQ(to.length, len);
      ASSERT_EQ(to.labels, 2);
      EXPECT_EQ(to.label_offset[1], 5);
      for (size_t i = 0; i < len; ++i) ASSERT_EQ(to.data[i], lower_byte(from.data[i])) << len << " " << i;
    }
  }
}

TEST(NameTest, TextRoundTripWithEscapes) {
  auto n = name_from_text("a\\.b.c");
  ASSERT_TRUE(n);
  EXPECT_EQ(count_labels(*n), 2u);
  EXPECT_EQ(name_to_text(*n), "a\\.b.c.");
  EXPECT_EQ(name_to_text(*name_from_text("\\000x.")), "\\000x.");
  EXPECT_FALSE(name_from_text("a..b"));
  EXPECT_FALSE(name_from_text(std::string(64, 'x') + ".com"));
  EXPECT_EQ(*name_from_text("."), std::string(1, '\0'));
}

}  // namespace
}  // namespace dnsd::wire
