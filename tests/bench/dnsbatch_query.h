// dnsbatch's query file: "name type" lines (dnsperf's format) to wire-format queries.
// Pure functions, unit-tested in tests/unit/bench (dnsbatch_query_test.cc).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnsbatch {

inline constexpr size_t kMaxQuery = 512;  // header + a name of at most 255 + type and class

// "host1.example.test A" -> a query with ID 0, no flags, one question of class IN.
// Types: a mnemonic (A, AAAA, NS, SOA, CNAME, MX, PTR, TXT, SRV, CAA, ANY, DS, DNSKEY,
// HTTPS, SVCB) or TYPEnnn. False with `error` set on a malformed line.
bool encode_query_line(std::string_view line, std::vector<uint8_t>& wire, std::string& error);

// "NOERROR", "NXDOMAIN", ... or "RCODEn".
const char* rcode_name(int rcode);

}  // namespace dnsbatch
