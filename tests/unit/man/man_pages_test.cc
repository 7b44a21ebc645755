// The generated man pages: every page with its standard sections, every key of both key
// tables with an entry on its (5) page, every dnsdctl command on dnsdctl(8), and the
// markdown reference listing every key.
#include "man/man_pages.h"

#include <gtest/gtest.h>

#include <map>

#include "dnsd/common/key_table.h"
#include "dnsd/config/config_schema.h"
#include "dnsd/control/control_protocol.h"
#include "sentinel/config/sentinel_keys.h"

namespace dnsgtm::man {
namespace {

std::map<std::string, std::string> pages() {
  std::map<std::string, std::string> out;
  for (auto& p : all_pages({"9.9.9", "2026-12-01"})) out[p.file] = p.roff;
  return out;
}

std::string entry(const std::string& dotted) {
  return ".TP\n.B " + dnsd::common::roff_escape(dotted) + "\n";
}

TEST(ManPages, TheFivePagesWithTheirSections) {
  auto all = pages();
  ASSERT_EQ(all.size(), 5u);
  for (const char* file : {"dnsd.8", "sentinel.8", "dnsdctl.8", "dnsd.toml.5", "sentinel.toml.5"}) {
    SCOPED_TRACE(file);
    ASSERT_TRUE(all.count(file));
    const std::string& r = all[file];
    std::string name(file);
    name = name.substr(0, name.rfind('.'));
    std::string section(1, std::string(file).back());
    EXPECT_NE(r.find(".TH \"" + dnsd::common::roff_escape(name) + "\" \"" + section +
                     "\" \"2026-12-01\" \"dnsgtm 9.9.9\""),
              std::string::npos);
    std::vector<std::string> want{"NAME", "SYNOPSIS", "DESCRIPTION", "FILES", "SEE ALSO"};
    if (section == "8") want.insert(want.end(), {"OPTIONS", "EXIT STATUS"});
    if (name != "dnsdctl" && section == "8") want.insert(want.end(), {"SIGNALS", "SYSTEMD"});
    if (section == "5") want.push_back("KEYS");
    for (const auto& s : want) EXPECT_NE(r.find("\n.SH " + s + "\n"), std::string::npos) << s;
  }
}

TEST(ManPages, EveryDnsdKeyHasItsEntry) {
  std::string r = pages()["dnsd.toml.5"];
  for (const auto& k : dnsd::config::key_docs()) {
    SCOPED_TRACE(k.dotted());
    size_t at = r.find(entry(k.dotted()));
    ASSERT_NE(at, std::string::npos);
    std::string facts = r.substr(at, r.find(".br", at) - at);
    EXPECT_NE(facts.find(k.reloadable ? "reloadable" : "restart to change"), std::string::npos)
        << facts;
    if (!k.required && !k.default_text.empty()) {
      EXPECT_NE(facts.find(dnsd::common::roff_escape("default " + k.default_text)),
                std::string::npos)
          << facts;
    }
  }
}

TEST(ManPages, EverySentinelKeyHasItsEntry) {
  std::string r = pages()["sentinel.toml.5"];
  for (const auto& k : sentinel::config::key_docs()) {
    SCOPED_TRACE(k.dotted());
    size_t at = r.find(entry(k.dotted()));
    ASSERT_NE(at, std::string::npos);
    std::string facts = r.substr(at, r.find(".br", at) - at);
    EXPECT_NE(facts.find(k.required ? "required" : "default"), std::string::npos) << facts;
    if (!k.range.empty()) {
      EXPECT_NE(facts.find(dnsd::common::roff_escape(k.range)), std::string::npos) << facts;
    }
  }
}

TEST(ManPages, DnsdctlListsEveryCommand) {
  std::string r = pages()["dnsdctl.8"];
  for (const auto& c : dnsd::control::commands())
    EXPECT_NE(r.find(".B " + std::string(c.name)), std::string::npos) << c.name;
}

TEST(ManPages, SentinelListsEveryCommandAndKeys) {
  std::string r = pages()["sentinel.8"];
  for (const char* c : {"run", "check", "keys", "status", "promote NODE", "drain NODE",
                        "undrain NODE", "history", "explain NODE", "reconcile"})
    EXPECT_NE(r.find(".TP\n.B " + std::string(c) + "\n"), std::string::npos) << c;
}

TEST(ConfigMarkdown, ListsEveryKeyOfBothTables) {
  std::string dnsd_md = config_markdown("dnsd"), sentinel_md = config_markdown("sentinel");
  for (const auto& k : dnsd::config::key_docs())
    EXPECT_NE(dnsd_md.find("| `" + k.dotted() + "` |"), std::string::npos) << k.dotted();
  for (const auto& k : sentinel::config::key_docs())
    EXPECT_NE(sentinel_md.find("| `" + k.dotted() + "` |"), std::string::npos) << k.dotted();
  EXPECT_EQ(config_markdown("other"), "");
}

}  // namespace
}  // namespace dnsgtm::man
