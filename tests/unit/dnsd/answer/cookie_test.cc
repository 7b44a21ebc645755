// Server cookies (RFC 9018) and the RFC 7873 5.2 verdicts, below answer(): the worked
// examples of RFC 9018 appendix A byte for byte, then every edge of the rules.
#include "dnsd/answer/cookie.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dnsd::answer {
namespace {

std::vector<uint8_t> unhex(const std::string& s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < s.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return out;
}

std::string hex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) s += {d[p[i] >> 4], d[p[i] & 15]};
  return s;
}

common::CookieSecret secret(const std::string& h) {
  common::CookieSecret s;
  auto b = unhex(h);
  std::copy(b.begin(), b.end(), s.bytes);
  return s;
}

common::CookieSecrets secrets(const std::string& current, const std::string& previous = "") {
  common::CookieSecrets s;
  s.keys[0] = secret(current);
  s.count = 1;
  if (!previous.empty()) s.keys[s.count++] = secret(previous);
  return s;
}

ClientAddress address(const std::string& text) {
  sockaddr_storage ss{};
  if (text.find(':') == std::string::npos) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, text.c_str(), &sin->sin_addr);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
    sin6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, text.c_str(), &sin6->sin6_addr);
  }
  return client_address(reinterpret_cast<const sockaddr*>(&ss));
}

const char* name(CookieVerdict v) {
  switch (v) {
    case CookieVerdict::ClientOnly: return "ClientOnly";
    case CookieVerdict::Invalid: return "Invalid";
    case CookieVerdict::Valid: return "Valid";
    case CookieVerdict::Renewed: return "Renewed";
  }
  return "?";
}

// RFC 9018 appendix A's secrets and clients.
constexpr const char* kSecret = "e5e973e5a6b2a43f48e7dc849e37bfcf";
constexpr const char* kOldSecret = "dd3bdf9344b678b185a6f5cb60fca715";  // A.4, before the roll
constexpr const char* kNewSecret = "445536bcd2513298075a5d379663c962";  // A.4, after it

struct Vector {
  const char* what;
  common::CookieSecrets secrets;
  const char* client;
  const char* query;  // the COOKIE option data of the query
  uint32_t now;
  CookieVerdict verdict;
  const char* reply;  // the COOKIE option data of the response
};

TEST(ServerCookie, Rfc9018AppendixA) {
  const Vector cases[] = {
      {"A.1: learning a new server cookie", secrets(kSecret), "198.51.100.100",
       "2464c4abcf10c957", 1559731985, CookieVerdict::ClientOnly,
       "2464c4abcf10c957010000005cf79f111f8130c3eee29480"},
      {"A.2: the same client 40 minutes later: valid, renewed (older than half an hour)",
       secrets(kSecret), "198.51.100.100", "2464c4abcf10c957010000005cf79f111f8130c3eee29480",
       1559734385, CookieVerdict::Renewed, "2464c4abcf10c957010000005cf7a871d4a564a1442aca77"},
      {"A.3: another client; its cookie (reserved bytes set) is 1h52m old, past the hour of "
       "RFC 9018 4.3, so ours is a fresh cookie, the one the RFC shows",
       secrets(kSecret), "203.0.113.203", "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5",
       1559734700, CookieVerdict::Invalid, "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e"},
      {"A.3's query cookie verifies when it is recent: the hash covers the reserved bytes as "
       "received, and a valid cookie is echoed unchanged",
       secrets(kSecret), "203.0.113.203", "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5",
       1559727985 + 60, CookieVerdict::Valid, "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5"},
      {"A.4: IPv6, made with the old secret, valid at its own time", secrets(kOldSecret),
       "2001:db8:220:1:59de:d0f4:8769:82b8", "22681ab97d52c298010000005cf7c57926556bd0934c72f8",
       1559741817, CookieVerdict::Valid, "22681ab97d52c298010000005cf7c57926556bd0934c72f8"},
      {"A.4: after the roll (new first, old second): accepted, renewed with the new secret "
       "(RFC 9018 5)",
       secrets(kNewSecret, kOldSecret), "2001:db8:220:1:59de:d0f4:8769:82b8",
       "22681ab97d52c298010000005cf7c57926556bd0934c72f8", 1559741961, CookieVerdict::Renewed,
       "22681ab97d52c298010000005cf7c609a6bb79d16625507a"},
      {"A.4: once the old secret is gone the cookie is invalid; the fresh one is the same",
       secrets(kNewSecret), "2001:db8:220:1:59de:d0f4:8769:82b8",
       "22681ab97d52c298010000005cf7c57926556bd0934c72f8", 1559741961, CookieVerdict::Invalid,
       "22681ab97d52c298010000005cf7c609a6bb79d16625507a"},
  };
  for (const Vector& c : cases) {
    SCOPED_TRACE(c.what);
    auto q = unhex(c.query);
    uint8_t out[kResponseCookieSize];
    CookieVerdict v = judge_cookie(q.data(), q.size(), address(c.client), c.secrets, c.now, out);
    EXPECT_STREQ(name(v), name(c.verdict));
    EXPECT_EQ(hex(out, sizeof out), c.reply);
  }
}

TEST(ServerCookie, Verdicts) {
  const common::CookieSecrets s = secrets(kSecret);
  const ClientAddress client = address("198.51.100.100");
  const uint8_t cc[8] = {0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57};
  const uint32_t t0 = 1559731985;
  // A query cookie: our cookie made at `made` for `from`, then `edit` applied.
  auto cookie = [&](uint32_t made, const ClientAddress& from, void (*edit)(std::vector<uint8_t>&)) {
    std::vector<uint8_t> q(cc, cc + 8);
    q.resize(kResponseCookieSize);
    make_server_cookie(cc, from, s.keys[0], made, q.data() + 8);
    if (edit) edit(q);
    return q;
  };
  struct Case {
    const char* why;
    std::vector<uint8_t> query;
    uint32_t now;
    CookieVerdict want;
  };
  const Case cases[] = {
      {"RFC 7873 5.2.3: a client cookie alone", std::vector<uint8_t>(cc, cc + 8), t0,
       CookieVerdict::ClientOnly},
      {"RFC 7873 5.2.5: ours, just made", cookie(t0, client, nullptr), t0, CookieVerdict::Valid},
      {"RFC 9018 4.3: 30 minutes old: still echoed", cookie(t0, client, nullptr), t0 + 1800,
       CookieVerdict::Valid},
      {"RFC 9018 4.3: older than 30 minutes: renewed", cookie(t0, client, nullptr), t0 + 1801,
       CookieVerdict::Renewed},
      {"RFC 9018 4.3: one hour old: the last second it is valid", cookie(t0, client, nullptr),
       t0 + 3600, CookieVerdict::Renewed},
      {"RFC 9018 4.3: older than an hour: invalid", cookie(t0, client, nullptr), t0 + 3601,
       CookieVerdict::Invalid},
      {"RFC 9018 4.3: five minutes in the future: valid (clock skew between nodes)",
       cookie(t0 + 300, client, nullptr), t0, CookieVerdict::Valid},
      {"RFC 9018 4.3: further in the future: invalid", cookie(t0 + 301, client, nullptr), t0,
       CookieVerdict::Invalid},
      {"RFC 9018 4.3: serial arithmetic (RFC 1982) across the 32-bit wrap",
       cookie(0xFFFFFF00u, client, nullptr), 0x00000100u, CookieVerdict::Valid},
      {"RFC 9018 4.4: the hash covers the client address", cookie(t0, address("198.51.100.101"), nullptr),
       t0, CookieVerdict::Invalid},
      {"RFC 9018 4.4: ... and the client cookie",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q[0] ^= 1; }), t0, CookieVerdict::Invalid},
      {"RFC 9018 4.4: ... and the timestamp",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q[15] ^= 1; }), t0, CookieVerdict::Invalid},
      {"RFC 9018 4.4: a hash byte off",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q[23] ^= 0x80; }), t0,
       CookieVerdict::Invalid},
      {"RFC 9018 4.2: version 2 is not ours to check",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q[8] = 2; }), t0, CookieVerdict::Invalid},
      {"RFC 7873 4.2: an 8-byte server cookie (another implementation's)",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q.resize(16); }), t0,
       CookieVerdict::Invalid},
      {"RFC 7873 4.2: a 32-byte server cookie",
       cookie(t0, client, [](std::vector<uint8_t>& q) { q.resize(40, 0); }), t0,
       CookieVerdict::Invalid},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.why);
    uint8_t out[kResponseCookieSize];
    CookieVerdict v = judge_cookie(c.query.data(), c.query.size(), client, s, c.now, out);
    EXPECT_STREQ(name(v), name(c.want));
    EXPECT_EQ(hex(out, 8), hex(c.query.data(), 8)) << "RFC 7873 5.2: the client cookie is echoed";
    EXPECT_EQ(out[8], 1) << "RFC 9018 4.2: version 1";
    if (v == CookieVerdict::Valid)
      EXPECT_EQ(hex(out + 8, 16), hex(c.query.data() + 8, 16)) << "a valid cookie is echoed";
    else  // a fresh cookie: made now, and valid from here on
      EXPECT_EQ(hex(out + 12, 4), hex(cookie(c.now, client, nullptr).data() + 12, 4));
  }
}

TEST(ServerCookie, MalformedLengthsPerRfc7873) {
  // RFC 7873 5.2.2: shorter than a client cookie, between 9 and 15, or over 40: FORMERR.
  for (size_t n = 0; n <= 48; ++n)
    EXPECT_EQ(cookie_length_ok(n), n == 8 || (n >= 16 && n <= 40)) << n;
}

TEST(ServerCookie, ClientAddressUnmapsIpv4MappedIpv6) {
  ClientAddress v4 = address("192.0.2.7"), mapped = address("::ffff:192.0.2.7");
  EXPECT_EQ(mapped.length, 4);
  EXPECT_EQ(hex(mapped.bytes, 4), hex(v4.bytes, 4));
  EXPECT_EQ(address("2001:db8::1").length, 16);
  sockaddr unix_sa{};
  unix_sa.sa_family = AF_UNIX;
  EXPECT_EQ(client_address(&unix_sa).length, 0);
}

}  // namespace
}  // namespace dnsd::answer
