// Check state in words.
#include "sentinel/cluster/check_wording.h"

namespace sentinel::cluster {
namespace {

std::string in_parens(const std::string& detail) {
  return detail.empty() ? "" : " (" + detail + ")";
}

std::string of(int n, int total) { return std::to_string(n) + " of " + std::to_string(total); }

}  // namespace

std::string check_wording(const CheckHealth& c) {
  switch (c.state()) {
    case Health::Up:
      if (c.fail_streak() > 0)
        return "up, failing " + of(c.fail_streak(), c.fall()) + in_parens(c.last_detail());
      return "up" + in_parens(c.last_detail());
    case Health::Down:
      if (c.ok_streak() > 0) return "down, recovering " + of(c.ok_streak(), c.rise());
      return "down" + in_parens(c.last_detail());
    case Health::Unknown:
      break;
  }
  if (!c.has_result()) return "deciding, no result yet";
  if (c.fail_streak() > 0)
    return "deciding, failing " + of(c.fail_streak(), c.fall()) + in_parens(c.last_detail());
  return "deciding, " + of(c.ok_streak(), c.rise()) + " ok";
}

std::string duration_wording(TimeMs ms) {
  TimeMs s = ms < 0 ? 0 : ms / 1000;
  if (s < 60) return std::to_string(s) + "s";
  TimeMs m = s / 60;
  if (m < 60) return std::to_string(m) + "m";
  TimeMs h = m / 60;
  if (h < 24) return std::to_string(h) + "h" + (m % 60 ? std::to_string(m % 60) + "m" : "");
  TimeMs d = h / 24;
  return std::to_string(d) + "d" + (h % 24 ? std::to_string(h % 24) + "h" : "");
}

}  // namespace sentinel::cluster
