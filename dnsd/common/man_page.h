// A man page as data, rendered to roff (man(7) macros). The generator
// (tools/man/dnsgtm_man.cc) fills one per page from the key tables and the CLIs.
#pragma once
#include <string>
#include <vector>

namespace dnsd::common {

struct ManItem {
  std::string tag;   // bold: "\-c, \-\-config FILE" is written plain: "-c, --config FILE"
  std::string text;  // running text
};

// A section after DESCRIPTION: paragraphs, then tagged items; or roff already rendered.
struct ManSection {
  std::string title;  // "OPTIONS", "SIGNALS", ...
  std::vector<std::string> paragraphs;
  std::vector<ManItem> items;
  std::string roff;  // appended as is (key table entries)
};

struct ManPage {
  std::string name;     // "dnsd.toml"
  int section = 8;
  std::string date;     // "2026-12-01"
  std::string source;   // "dnsgtm 0.1.0"
  std::string manual;   // "System Manager's Manual"
  std::string summary;  // NAME line after the dash
  std::vector<std::string> synopsis;  // one line each
  std::vector<std::string> description;
  std::vector<ManSection> sections;
  std::vector<std::string> see_also;  // "dnsd.toml(5)"
};

std::string render_man(const ManPage& page);

}  // namespace dnsd::common
