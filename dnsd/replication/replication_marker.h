// The _replication.<zone> TXT record: where a node is in the primary's sequence of
// replicated updates. "seq=12 primary=lb1 hash=0123456789abcdef": entry 12 is the last one
// this node applied, lb1 sequenced it, and hash chains every entry up to 12 (each entry's
// hash covers the one before), so two nodes at the same seq with different hashes have
// diverged. The primary's replication update for entry N carries, as an RFC 2136
// prerequisite, the TXT exactly as entry N-1 left it: a compare-and-swap, as sentinel's
// _sentinel epoch is.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::replication {

struct Marker {
  uint64_t seq = 0;
  std::string primary;  // the node that sequenced entry `seq`
  std::string hash;     // 16 lowercase hex digits
  bool operator==(const Marker&) const = default;
};

// The marker's owner: "_replication" in front of the zone's (lowercase wire) origin.
std::string marker_owner(const std::string& origin);

std::string format_marker(const Marker& m);
// Exactly the form format_marker writes; nullopt for anything else.
std::optional<Marker> parse_marker(std::string_view text);

// TXT RDATA of one character-string holding `text` (at most 255 bytes), and back: nullopt
// unless the RDATA is exactly one character-string.
std::string txt_rdata(std::string_view text);
std::optional<std::string> txt_text(std::string_view rdata);

// The hash of the entry after one whose hash is `previous` ("" before entry 1), whose
// encoded changes are `changes` (ReplicationEntry::changes_bytes).
std::string chain_hash(const std::string& previous, const std::vector<uint8_t>& changes);

}  // namespace dnsd::replication
