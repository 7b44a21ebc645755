// Which log format "auto" resolves to, and which names are valid.
#include "dnsd/common/logging.h"

#include <gtest/gtest.h>

namespace dnsd::common {
namespace {

struct Case {
  const char* format;
  const char* journal_stream;  // JOURNAL_STREAM, nullptr = unset
  unsigned long dev, ino;      // of our stderr
  const char* want;
};

TEST(LogFormat, AutoIsJournalOnlyWhenStderrIsTheJournalStream) {
  const Case cases[] = {
      {"auto", nullptr, 10, 20, "text"},       // not under systemd
      {"auto", "10:20", 10, 20, "journal"},    // systemd.exec(5): stderr is that stream
      {"auto", "10:21", 10, 20, "text"},       // inherited from a parent; stderr redirected
      {"auto", "garbage", 10, 20, "text"},     // unreadable: not the journal
      {"text", "10:20", 10, 20, "text"},       // an explicit choice wins
      {"json", "10:20", 10, 20, "json"},
      {"journal", nullptr, 10, 20, "journal"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(resolve_log_format(c.format, c.journal_stream, c.dev, c.ino), c.want)
        << c.format << " " << (c.journal_stream ? c.journal_stream : "(unset)");
}

TEST(LogFormat, ValidNames) {
  for (const char* ok : {"auto", "text", "journal", "json"}) EXPECT_TRUE(valid_log_format(ok)) << ok;
  for (const char* bad : {"", "JSON", "syslog"}) EXPECT_FALSE(valid_log_format(bad)) << bad;
}

}  // namespace
}  // namespace dnsd::common
