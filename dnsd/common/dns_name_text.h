// DNS names as written in dnsd.toml: zone names, relative "self" owners, key references.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace dnsd::common {

// "API.Example.com" or "api.example.com." -> "api.example.com." (lowercase, absolute).
// Labels are letters, digits, '-' and '_', 1..63 bytes; the name at most 255 bytes in
// wire form (RFC 1035 section 2.3.4). On failure returns nullopt and sets `reason`.
std::optional<std::string> normalize_absolute_name(std::string_view text, std::string& reason);

// A name relative to a zone: "@" (the apex), "*", "www", "*.eu". '*' is allowed only as
// the whole leftmost label (RFC 4592 section 2.1.1). Returns it lowercased.
std::optional<std::string> normalize_relative_name(std::string_view text, std::string& reason);

// Bytes the name takes in wire form: "api.example.com." -> 17, "@" -> 0 (no extra labels),
// "www" -> 4 (the labels it adds in front of the zone).
size_t wire_length(std::string_view normalized);

}  // namespace dnsd::common
