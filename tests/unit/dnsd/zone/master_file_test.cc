// The master file reader against ldns: for many snippets, the records (owner, type, class,
// TTL, rdata), the errors and their lines must be what the plain ldns loop (the loader's
// former ldns_rr_new_frm_fp_l loop) gives. Then the error paths and line numbers.
#include "dnsd/zone/master_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "dnsd/wire/name.h"
#include "dnsd/zone/master_file_fast.h"
#include "tests/unit/dnsd/zone/ldns_reference.h"

namespace dnsd::zone {
namespace {

using reference::Rec;
using reference::Result;

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    char p[] = "/tmp/dnsd-master-test-XXXXXX";
    int fd = mkstemp(p);
    close(fd);
    path_ = p;
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string kOrigin = *wire::name_from_text("example.com.");

Result with_reader(const std::string& path, const std::string& origin = kOrigin) {
  return reference::with_reader(path, origin);
}
Result with_ldns(const std::string& path, const std::string& origin = kOrigin) {
  return reference::with_ldns(path, origin);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += e + "\n";
  return s;
}

// Asserts the reader and ldns agree on `text`; returns the result for further checks.
Result same_as_ldns(const std::string& text) {
  TempFile f(text);
  Result fast = with_reader(f.path());
  Result ref = with_ldns(f.path());
  EXPECT_EQ(fast.recs, ref.recs) << "zone:\n" << text;
  EXPECT_EQ(joined(fast.errors), joined(ref.errors)) << "zone:\n" << text;
  return fast;
}

const char* kSnippets[] = {
    // every native type, relative and absolute names, @, blank owners
    "$ORIGIN example.com.\n$TTL 300\n@ IN SOA ns1 hostmaster 2024010101 3600 600 86400 60\n"
    "@ NS ns1\n@ NS ns2.other.net.\nns1 A 192.0.2.1\nns1 AAAA 2001:db8::1\n"
    "www CNAME @\nmail MX 10 mail\n@ MX 20 mx.other.net.\n_sip._tcp SRV 0 5 5060 sip\n"
    "_x._udp SRV 65535 0 0 .\n1.2 PTR host\ntxt TXT hello\n",
    "a 60 IN A 10.0.0.1\n 120 A 10.0.0.2\n\tIN A 10.0.0.3\n  AAAA ::\n",
    "WWW.Example.COM. A 10.0.0.1\nMiXeD 30 in a 10.0.0.2\nsub.MiXeD cname Target.Other.\n",
    // TTLs: explicit, omitted after explicit, $TTL, units, $TTL 0, junk after digits
    "a 300 A 1.1.1.1\nb A 1.1.1.2\n$TTL 60\nc A 1.1.1.3\nd 1h30m A 1.1.1.4\n$TTL 1d\n"
    "e A 1.1.1.5\n$TTL 0\nf A 1.1.1.6\ng 10x A 1.1.1.7\nh 2W A 1.1.1.8\n$TTL 5m \ni A 1.1.1.9\n",
    // class before TTL (ldns: an error), TTL before class, other classes
    "a IN 300 A 1.1.1.1\nb 300 IN A 1.1.1.2\nc CH TXT hi\nd 5 CH TXT hi\ne CLASS1 A 1.1.1.3\n"
    "f HS A 1.1.1.4\n",
    // $ORIGIN changes, relative $ORIGIN, bad $ORIGIN
    "$ORIGIN sub.example.com.\nwww A 1.1.1.1\n@ NS ns\n$ORIGIN example.com.\nwww A 1.1.1.2\n"
    "$ORIGIN rel\nx A 1.1.1.3\n$ORIGIN a..b.\ny A 1.1.1.4\n@ A 1.1.1.5\n  A 1.1.1.6\n",
    // parentheses and comments
    "@ SOA ns1 host ( 1 ; serial\n  2 ; refresh\n  3 4\n  5 ) ; minimum\nwww A 1.2.3.4 ; c\n"
    "; only a comment\n\n(\nx A 1.1.1.1 )\ny (A\n1.1.1.2)\nz MX (10;c\nmail)\nq A (1.1.1.3;x\n)\n",
    // TXT: quotes, spaces, escapes, semicolons, several strings, empty, long
    "a TXT \"hello world\"\nb TXT \"a;b\" c \"d\\\"e\" \"\\065\\066\"\nc TXT \"x\"\"y\" z\"\n"
    "d TXT \"\"\ne TXT \"tab\there\" \"(paren)\" \"\\\\\"\nf TXT \"bad \\1 escape\"\n"
    "g TXT \"\\256\"\nh TXT unterminated \"quote\ni TXT \"a\" \"\nj TXT a\\ b\nk TXT \"\\;\"\n",
    // IPv6 forms and bad addresses
    "a AAAA ::\nb AAAA ::ffff:1.2.3.4\nc AAAA 2001:DB8:0:0:0:0:0:1\nd AAAA fe80::1%eth0\n"
    "e AAAA 1::2::3\nf A 1.2.3\ng A 01.2.3.4\nh A 1.2.3.4.5\ni A 256.1.1.1\nj A not-an-address\n",
    // numbers at and past their limits
    "a MX 65535 m\nb MX 65536 m\nc MX -1 m\nd MX 070 m\ne SRV 1 2 99999 t\n"
    "f SOA a b 4294967295 1 2 3 4\ng SOA a b 4294967296 1 2 3 4\nh SOA a b 1 1h 2m 3d 4w\n"
    "i SOA a b 1 1x 2 3 4\nj SOA a b 1 2 3 4\nk SOA a b 1 2 3 4 5 6\nl A 1.1.1.1 extra\n",
    // names: escapes, @ inside, long labels, long names, root, empty labels
    "a\\.b A 1.1.1.1\n\\065bc A 1.1.1.2\nx@y A 1.1.1.3\n@z A 1.1.1.4\nc CNAME @.foo\n"
    "d CNAME a@b\ne NS .\nf NS a..b\ng NS \\.\n"
    "h NS a\\046b.\n",
    // unknown types and generic rdata go to ldns
    "a CAA 0 issue \"ca.example.net\"\nb TLSA 3 1 1 abcdef012345\nc TYPE65534 \\# 2 abcd\n"
    "d A \\# 4 01020304\ne HINFO \"cpu\" \"os\"\nf SPF \"v=spf1 -all\"\ng DS 1 8 2 "
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\nh FOO 1\ni TYPE1 1.2.3.4\n",
    // directives
    "$INCLUDE other.zone\n$TTL\n$ORIGIN\n$TTLx A 1.1.1.1\n$origin foo.\nwww A 1.1.1.2\n",
    // CRLF, form feeds, NULs, line continuations, unbalanced parentheses
    "a A 1.1.1.1\r\nb A 1.1.1.2\r\n\r\nc TXT \"x\"\r\n",
    "a A 1.1.1.1\f b A 1.1.1.2\vc A 1.1.1.3\n\fd A 1.1.1.4\n",
    "a A 1.1.1.1\\\nb A 1.1.1.2\nc A 1.1.1.3 )x\nd A 1.1.1.4\ne ) A 1.1.1.5\nf (A 1.1.1.6\n",
    "a A 1.1.1.1\nb TXT \"unterminated ( quote\nc A 1.1.1.2\nd (A\n1.1.1.3\n",
    // blank lines and whitespace-only lines between records
    "\n\n   \n\t\na A 1.1.1.1\n\n\nb A 1.1.1.2\n   ; c\n\nc A 1.1.1.3",
    // no trailing newline, only comments, empty
    "a A 1.1.1.1", "; nothing\n", "",
};

TEST(MasterFileTest, SameAsLdnsOnSnippets) {
  for (const char* s : kSnippets) same_as_ldns(s);
}

TEST(MasterFileTest, SameAsLdnsOnSnippetsWithNulBytes) {
  const char text[] = "a A 1.1.\0" "1.1\nb A\0 1.1.1.2\nc TXT \"\0x\"\n\0\nd A 1.1.1.3\n";
  same_as_ldns(std::string(text, sizeof text - 1));
}

TEST(MasterFileTest, LongTextAndNames) {
  std::string s255(255, 'x'), s256(256, 'x'), l63(63, 'a'), l64(64, 'a');
  same_as_ldns("a TXT \"" + s255 + "\"\nb TXT \"" + s256 + "\"\nc TXT " + s255 + "\nd TXT " + s256 +
               "\n");
  same_as_ldns(l63 + " A 1.1.1.1\n" + l64 + " A 1.1.1.2\nx CNAME " + l63 + "." + l63 + "\n");
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += l63 + ".";
  same_as_ldns(long_name + " A 1.1.1.1\nx NS " + long_name + "\ny NS " + l63 + "." + l63 + "." +
               l63 + "." + std::string(50, 'b') + "\n");
  same_as_ldns("a TXT " + std::string(70000, 'y') + "\nb A 1.1.1.1\n");
  same_as_ldns("a TXT \"" + std::string(70000, 'y') + "\"\nb A 1.1.1.1\n");
}

TEST(MasterFileTest, OriginsOfOtherShapes) {
  TempFile f("a A 1.1.1.1\n@ NS ns\n b A 1.1.1.2\n");
  for (const char* o : {"example.com.", ".", "a.b.c.d.e."}) {
    std::string origin = *wire::name_from_text(o);
    Result fast = with_reader(f.path(), origin), ref = with_ldns(f.path(), origin);
    EXPECT_EQ(fast.recs, ref.recs) << o;
    EXPECT_EQ(joined(fast.errors), joined(ref.errors)) << o;
  }
}

TEST(MasterFileTest, NativeRecordsAreDecoded) {
  Result r = same_as_ldns("$TTL 60\nwww A 192.0.2.1\n  TXT \"a b\" c\nmx MX 10 Mail\n");
  ASSERT_EQ(r.recs.size(), 3u);
  EXPECT_EQ(r.recs[0].owner, *wire::name_from_text("www.example.com."));
  EXPECT_EQ(r.recs[0].rdata, std::string("\xc0\x00\x02\x01", 4));
  EXPECT_EQ(r.recs[0].ttl, 60u);
  EXPECT_EQ(r.recs[1].owner, r.recs[0].owner);
  EXPECT_EQ(r.recs[1].rdata, std::string("\x03" "a b\x01" "c"));
  EXPECT_EQ(r.recs[2].rdata, std::string("\x00\x0a\x04Mail\x07" "example\x03" "com\x00", 20));
}

TEST(MasterFileTest, OmittedTtlIsTheDollarTtlNotThePreviousRecords) {
  // ldns's rule (not RFC 2308's "last explicit TTL"): $TTL, or 3600 when it is unset or 0.
  Result r = same_as_ldns(
      "a 300 A 1.1.1.1\nb A 1.1.1.2\n$TTL 0\nc A 1.1.1.3\n$TTL 1h30m\nd A 1.1.1.4\n");
  ASSERT_EQ(r.recs.size(), 4u);
  EXPECT_EQ(r.recs[1].ttl, 3600u);
  EXPECT_EQ(r.recs[2].ttl, 3600u);
  EXPECT_EQ(r.recs[3].ttl, 5400u);
}

TEST(MasterFileTest, BadAddressIsLdnsMessage) {
  Result r = same_as_ldns("www A 192.0.2.1\nbad A not-an-address\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "2: Syntax error, could not parse the RR's rdata: bad A not-an-address");
}

TEST(MasterFileTest, IncludeIsRefused) {
  Result r = same_as_ldns("a A 1.1.1.1\n$INCLUDE other.zone\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "2: $INCLUDE is not supported; use one file per zone");
}

TEST(MasterFileTest, UnterminatedParenthesisReadsToTheEnd) {
  // ldns takes everything up to the end of the file as one record.
  Result r = same_as_ldns("a A 1.1.1.1\nb MX ( 10\nmail\nc A 1.1.1.2\n");
  ASSERT_EQ(r.recs.size(), 1u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].substr(0, 3), "2: ");
}

TEST(MasterFileTest, GarbageStopsAfterFiftyErrors) {
  std::string garbage;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    garbage.push_back(static_cast<char>(x >> 16));
  }
  Result r = same_as_ldns(garbage);
  EXPECT_LE(r.errors.size(), 51u);
  std::string lines;
  for (int i = 0; i < 200; ++i) lines += "bad" + std::to_string(i) + " A x\n";
  r = same_as_ldns(lines);
  EXPECT_EQ(r.errors.size(), 51u);
}

TEST(MasterFileTest, LinesAreTheRecordsFirstLine) {
  Result r = same_as_ldns("\n; c\n@ SOA ns host (\n 1 2\n 3 4 5 )\n\n\nwww A 1.1.1.1\n"
                          "bad (A\n x)\n");
  ASSERT_EQ(r.recs.size(), 2u);
  EXPECT_EQ(r.recs[0].line, 3);
  EXPECT_EQ(r.recs[1].line, 8);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "9: Syntax error, could not parse the RR's rdata: bad (A");
}

TEST(MasterFileTest, FastPathTakesTheCommonFormsAndLeavesTheRest) {
  std::string origin = kOrigin, prev = *wire::name_from_text("p.example.com.");
  detail::FastContext ctx{origin, prev, 300};
  detail::FastRecord rec;
  for (const char* line :
       {"host1 A 10.0.0.1", "host1 300 IN A 10.0.0.1", " AAAA 2001:db8::1", "@ NS ns1.other.",
        "www CNAME @", "1 PTR host", "@ MX 10 mail", "_s._tcp 60 SRV 0 5 443 t",
        "@ SOA ns h 1 2 3 4 5", "@ soa ns h 1 1h 2m 3d 1w", "t TXT \"a b\" c \"\\065;\"",
        "a in a 1.2.3.4", "*.w A 1.2.3.4", "x 1h30m A 1.2.3.4"})
    EXPECT_TRUE(detail::parse_fast(line, ctx, rec)) << line;
  for (const char* line :
       {"a CH TXT x", "a IN 300 A 1.1.1.1", "a CAA 0 issue x", "a TYPE1 1.1.1.1",
        "a A \\# 4 01020304",
        "a\\.b A 1.1.1.1", "@x A 1.1.1.1", "a A 1.1.1.1 x", "a A x", "a TXT \"open", "a MX 70000 m",
        "a NS a..b", "a SOA a b 1 2 3 4", "a TXT \"\\1\"", "a"})
    EXPECT_FALSE(detail::parse_fast(line, ctx, rec)) << line;
  ctx.prev = {};
  EXPECT_FALSE(detail::parse_fast(" A 1.1.1.1", ctx, rec));
  ctx.origin = {};
  EXPECT_FALSE(detail::parse_fast("a A 1.1.1.1", ctx, rec));
}

TEST(MasterFileTest, MissingFile) {
  common::ErrorList errors;
  EXPECT_FALSE(read_master_file("/nonexistent/zone", kOrigin, errors, [](const MasterRecord&) {}));
  EXPECT_EQ(errors.to_string(),
            "/nonexistent/zone: cannot open zone file: No such file or directory\n");
}

}  // namespace
}  // namespace dnsd::zone
