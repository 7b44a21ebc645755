// TCP framing: partial prefixes, partial bodies, several frames per read, empty frames.
#include "dnsd/net/tcp_framer.h"

#include <gtest/gtest.h>

#include <string>

namespace dnsd::net {
namespace {

void feed(TcpFramer& f, const std::string& bytes) {
  f.compact();
  ASSERT_LE(bytes.size(), f.write_space());
  std::memcpy(f.write_ptr(), bytes.data(), bytes.size());
  f.commit(bytes.size());
}

std::string frame(const std::string& body) {
  return std::string{static_cast<char>(body.size() >> 8), static_cast<char>(body.size() & 0xFF)} + body;
}

TEST(TcpFramerTest, PartialPrefixThenBody) {
  TcpFramer f;
  const uint8_t* m;
  size_t n;
  std::string fr = frame("hello");
  feed(f, fr.substr(0, 1));
  EXPECT_FALSE(f.next(m, n));
  feed(f, fr.substr(1, 3));
  EXPECT_FALSE(f.next(m, n));
  EXPECT_TRUE(f.has_partial());
  feed(f, fr.substr(4));
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m), n), "hello");
  EXPECT_FALSE(f.has_partial());
}

TEST(TcpFramerTest, SeveralFramesInOneReadAndZeroLength) {
  TcpFramer f;
  feed(f, frame("a") + frame("") + frame("bcd") + frame("e").substr(0, 2));
  const uint8_t* m;
  size_t n;
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(n, 1u);
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(n, 0u);
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m), n), "bcd");
  EXPECT_FALSE(f.next(m, n));
  feed(f, "e");
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(m), n), "e");
}

TEST(TcpFramerTest, MaximumMessageFitsAfterCompaction) {
  TcpFramer f;
  feed(f, frame("xy").substr(0, 3));
  const uint8_t* m;
  size_t n;
  EXPECT_FALSE(f.next(m, n));
  feed(f, "y");
  ASSERT_TRUE(f.next(m, n));
  std::string big(65535, 'z');
  feed(f, frame(big));
  ASSERT_TRUE(f.next(m, n));
  EXPECT_EQ(n, 65535u);
}

}  // namespace
}  // namespace dnsd::net
