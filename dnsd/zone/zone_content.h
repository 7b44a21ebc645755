// The plain, ordered map form of zone data (owner -> type -> RRset): what an update works
// on for the few owners it touches (ZoneEdit), and a whole zone in tests. The served zone
// itself lives only in ZoneSnapshot's compact shards.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace dnsd::zone {

struct RRsetContent {
  uint32_t ttl = 0;
  std::vector<std::string> rdatas;  // uncompressed wire rdata, no duplicates
  int line = 0;                     // line in the master file of the first RR (0 = not from file)

  // Adds an RR; identical rdata is merged (RFC 2181 5). Returns false if it was a duplicate.
  bool add(const std::string& rdata);
  // Same data (the file line is only for messages).
  bool operator==(const RRsetContent& o) const { return ttl == o.ttl && rdatas == o.rdatas; }
};

using NodeContent = std::map<uint16_t, RRsetContent>;

struct ZoneContent {
  std::string origin;                          // lowercase wire name
  std::map<std::string, NodeContent> nodes;    // owner: lowercase wire name

  const RRsetContent* find(const std::string& owner, uint16_t type) const;
  // The SOA serial (RFC 1035 3.3.13), 0 if there is no SOA.
  uint32_t serial() const;
};

// SOA rdata fields after the two names.
struct SoaFields {
  uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
};
// Parses an uncompressed SOA rdata; false if malformed.
bool parse_soa(const std::string& rdata, SoaFields& out, size_t* fields_offset = nullptr);

}  // namespace dnsd::zone
