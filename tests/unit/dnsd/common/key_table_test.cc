// The shared key table renderings: the --keys listing, roff escaping and entries, markdown,
// and a whole man page's structure.
#include "dnsd/common/key_table.h"

#include <gtest/gtest.h>

#include "dnsd/common/man_page.h"

namespace dnsd::common {
namespace {

std::vector<KeyDoc> sample() {
  KeyDoc listen{"server", "listen", "address list",          true, "", "1..64 entries",
                "",       false,    "addresses to answer on"};
  KeyDoc level{"log",        "level", "string",         false, "\"info\"", "",
               "trace|info", true,    "how much to log"};
  KeyDoc secret{"key", "secret", "string", false, "", "", "", true, "base64 -- secret"};
  return {listen, level, secret};
}

std::vector<SectionDoc> sample_sections() {
  return {{"server", "[server]", "how it runs"},
          {"log", "[log]", "logging"},
          {"key", "[[key]]", "one per key"}};
}

TEST(KeyTable, ListingHasOneLinePerKeyWithReloadAndDefault) {
  EXPECT_EQ(key_list_text(sample()),
            "server.listen restart (required)\n"
            "log.level reload \"info\"\n"
            "key.secret reload (none)\n");
}

TEST(KeyTable, RoffEscape) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : std::vector<Case>{
           {"plain", "plain"},
           {"--keys", "\\-\\-keys"},
           {"a\\b", "a\\eb"},
           {".starts with a dot", "\\&.starts with a dot"},
           {"'quote first", "\\&'quote first"},
           {"line\n.next", "line\n\\&.next"},
           {"mid.dot", "mid.dot"},
       }) {
    EXPECT_EQ(roff_escape(c.in), c.out) << c.in;
  }
}

TEST(KeyTable, RoffHasASubsectionPerSectionAndAnEntryPerKey) {
  std::string roff = key_table_roff(sample_sections(), sample());
  EXPECT_NE(roff.find(".SS [server]\nhow it runs.\n"), std::string::npos) << roff;
  EXPECT_NE(roff.find(".SS [[key]]\n"), std::string::npos) << roff;
  EXPECT_NE(roff.find(".TP\n.B server.listen\naddress list, 1..64 entries; required; restart "
                      "to change.\n.br\naddresses to answer on\n"),
            std::string::npos)
      << roff;
  EXPECT_NE(roff.find(".B log.level\nstring, one of trace|info; default \"info\"; reloadable."),
            std::string::npos)
      << roff;
  EXPECT_NE(roff.find("base64 \\-\\- secret"), std::string::npos) << roff;
  // A key of a section that is not listed is not rendered (the tables' tests forbid it).
  EXPECT_EQ(key_table_roff({}, sample()), "");
}

TEST(KeyTable, MarkdownHasARowPerKey) {
  std::string md = key_table_markdown("keys", sample_sections(), sample());
  EXPECT_EQ(md.rfind("# keys\n", 0), 0u);
  EXPECT_NE(md.find("## `[server]`"), std::string::npos) << md;
  EXPECT_NE(md.find("| `server.listen` | address list | `(required)` | 1..64 entries | restart |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| `log.level` | string | `\"info\"` | trace\\|info | reload |"),
            std::string::npos)
      << md;
}

TEST(ManPage, RendersTheStandardSectionsInOrder) {
  ManPage p;
  p.name = "tool";
  p.section = 8;
  p.date = "2026-12-01";
  p.source = "dnsgtm 1.0";
  p.manual = "System Manager's Manual";
  p.summary = "does -things";
  p.synopsis = {"tool -c FILE", "tool --version"};
  p.description = {"first", "second"};
  p.sections = {{"OPTIONS", {}, {{"-c FILE", "the config"}}, ""},
                {"FILES", {"intro"}, {}, ".TP\nraw\n"}};
  p.see_also = {"other(5)", "third(8)"};
  std::string r = render_man(p);
  EXPECT_NE(
      r.find(".TH \"tool\" \"8\" \"2026-12-01\" \"dnsgtm 1.0\" \"System Manager's Manual\"\n"),
      std::string::npos)
      << r;
  EXPECT_NE(r.find(".SH NAME\ntool \\- does \\-things\n"), std::string::npos) << r;
  EXPECT_NE(r.find(".SH SYNOPSIS\ntool \\-c FILE\n.br\ntool \\-\\-version\n"), std::string::npos)
      << r;
  EXPECT_NE(r.find(".SH DESCRIPTION\nfirst\n.PP\nsecond\n"), std::string::npos) << r;
  EXPECT_NE(r.find(".SH OPTIONS\n.TP\n.B \\-c FILE\nthe config\n"), std::string::npos) << r;
  EXPECT_NE(r.find(".SH FILES\nintro\n.TP\nraw\n"), std::string::npos) << r;
  EXPECT_NE(r.find(".SH SEE ALSO\n.BR other (5),\n.BR third (8)\n"), std::string::npos) << r;
  EXPECT_LT(r.find(".SH NAME"), r.find(".SH SYNOPSIS"));
  EXPECT_LT(r.find(".SH DESCRIPTION"), r.find(".SH OPTIONS"));
  EXPECT_LT(r.find(".SH FILES"), r.find(".SH SEE ALSO"));
}

}  // namespace
}  // namespace dnsd::common
