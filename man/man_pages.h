// The project's man pages as data: dnsd(8), dnsd.toml(5), sentinel(8), sentinel.toml(5),
// dnsdctl(8). The (5) pages are built from the key tables, dnsdctl's commands from its
// command table; options, signals, files and exit codes are written here once.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "dnsd/common/man_page.h"

namespace dnsgtm::man {

struct PageInfo {
  std::string version;  // "0.1.0"
  std::string date;     // "2026-12-01"
};

std::vector<dnsd::common::ManPage> daemon_pages(const PageInfo& info);  // the (8) pages
std::vector<dnsd::common::ManPage> config_pages(const PageInfo& info);  // the (5) pages

// Every page with its file name ("dnsd.toml.5") and roff.
struct PageFile {
  std::string file;
  int section;
  std::string roff;
};
std::vector<PageFile> all_pages(const PageInfo& info);

// A markdown reference of "dnsd" or "sentinel"'s keys; "" for any other name.
std::string config_markdown(std::string_view daemon);

}  // namespace dnsgtm::man
