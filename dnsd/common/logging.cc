// Logging set-up shared by dnsd and sentinel.
#include "dnsd/common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace dnsd::common {
namespace {

spdlog::level::level_enum to_level(std::string_view level) {
  if (level == "trace") return spdlog::level::trace;
  if (level == "debug") return spdlog::level::debug;
  if (level == "warn") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  return spdlog::level::info;
}

// %* : the sd-daemon(3) priority prefix "<N>" (syslog levels) that journald reads.
class JournalPriority final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    int p = 6;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: p = 7; break;
      case spdlog::level::info: p = 6; break;
      case spdlog::level::warn: p = 4; break;
      case spdlog::level::err: p = 3; break;
      case spdlog::level::critical: p = 2; break;
      default: break;
    }
    const char text[4] = {'<', static_cast<char>('0' + p), '>', 0};
    dest.append(text, text + 3);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JournalPriority>();
  }
};

// %J : the message as the inside of a JSON string (RFC 8259 escapes).
class JsonMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static const char hex[] = "0123456789abcdef";
    for (char ch : std::string_view(msg.payload.data(), msg.payload.size())) {
      auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        const char e[2] = {'\\', static_cast<char>(c)};
        dest.append(e, e + 2);
      } else if (c < 0x20) {
        const char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        dest.append(e, e + 6);
      } else {
        dest.push_back(static_cast<char>(c));
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessage>();
  }
};

}  // namespace

bool valid_log_level(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error";
}

bool valid_log_format(std::string_view format) {
  return format == "auto" || format == "text" || format == "journal" || format == "json";
}

std::string_view resolve_log_format(std::string_view format, const char* journal_stream_env,
                                    unsigned long stderr_dev, unsigned long stderr_ino) {
  if (format != "auto") return format;
  // systemd sets JOURNAL_STREAM=<dev>:<ino> of the stream it connected (systemd.exec(5));
  // it is inherited, so it counts only when it still names our stderr.
  unsigned long dev = 0, ino = 0;
  if (journal_stream_env && std::sscanf(journal_stream_env, "%lu:%lu", &dev, &ino) == 2 &&
      dev == stderr_dev && ino == stderr_ino)
    return "journal";
  return "text";
}

void setup_logging(std::string_view level, std::string_view format) {
  static bool installed = false;
  if (!installed) {
    auto logger = spdlog::stderr_logger_mt("main");
    spdlog::set_default_logger(logger);
    installed = true;
  }
  struct stat st {};
  bool have_stderr = fstat(2, &st) == 0;
  std::string_view chosen = resolve_log_format(
      format, std::getenv("JOURNAL_STREAM"), have_stderr ? static_cast<unsigned long>(st.st_dev) : 0,
      have_stderr ? static_cast<unsigned long>(st.st_ino) : 0);
  std::unique_ptr<spdlog::pattern_formatter> f;
  if (chosen == "journal") {
    f = std::make_unique<spdlog::pattern_formatter>();
    f->add_flag<JournalPriority>('*').set_pattern("%*%v");
  } else if (chosen == "json") {
    f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<JsonMessage>('J').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%J"})");
  } else {
    f = std::make_unique<spdlog::pattern_formatter>();
    f->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  spdlog::set_formatter(std::move(f));
  spdlog::set_level(to_level(level));
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace dnsd::common
