// dnsgtm-man: writes the man pages (built at build time by meson), or prints one page or
// a markdown key reference for the lead's docs/.
//   dnsgtm-man --version V --date D --out-dir DIR   every page into DIR
//   dnsgtm-man --version V --date D --print dnsd.8  one page to stdout
//   dnsgtm-man --markdown dnsd|sentinel             the key reference as markdown
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "man/man_pages.h"

namespace {

int usage() {
  std::fputs("usage: dnsgtm-man [--version V] [--date YYYY-MM-DD] "
             "(--out-dir DIR | --print PAGE | --markdown dnsd|sentinel)\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  dnsgtm::man::PageInfo info{"0.0.0", ""};
  std::string out_dir, print, markdown;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    std::string v = argv[++i];
    if (a == "--version") info.version = v;
    else if (a == "--date") info.date = v;
    else if (a == "--out-dir") out_dir = v;
    else if (a == "--print") print = v;
    else if (a == "--markdown") markdown = v;
    else return usage();
  }
  if (!markdown.empty()) {
    std::string md = dnsgtm::man::config_markdown(markdown);
    if (md.empty()) return usage();
    std::fputs(md.c_str(), stdout);
    return 0;
  }
  if (out_dir.empty() && print.empty()) return usage();
  bool found = false;
  for (const auto& page : dnsgtm::man::all_pages(info)) {
    if (!print.empty()) {
      if (page.file != print) continue;
      std::fputs(page.roff.c_str(), stdout);
      found = true;
      continue;
    }
    std::string path = out_dir + "/" + page.file;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << page.roff;
    if (!out.flush()) {
      std::fprintf(stderr, "dnsgtm-man: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
      return 1;
    }
  }
  if (!print.empty() && !found) {
    std::fprintf(stderr, "dnsgtm-man: no page %s\n", print.c_str());
    return 1;
  }
  return 0;
}
