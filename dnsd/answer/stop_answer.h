// What dnsd answers in the stop_grace window ([server] stop_answer), and its config names.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace dnsd::answer {

enum class StopAnswer : uint8_t {
  Refused,   // REFUSED
  Lame,      // an empty NOERROR, not authoritative, RA set ("recursion lame")
  Referral,  // NOERROR, not authoritative, the zone's own apex NS set in authority: a
             // referral that goes nowhere ("lame delegation"); REFUSED outside our zones
  Upward,    // the same, but the NS set owned by the zone's parent: an upward referral
  NotAuth,   // NOTAUTH (RFC 2845/8945 rcode 9: not authoritative for the zone)
};

constexpr std::string_view kStopAnswerChoices = "refused|lame|referral|upward|notauth";

constexpr std::string_view stop_answer_name(StopAnswer a) {
  switch (a) {
    case StopAnswer::Refused: return "refused";
    case StopAnswer::Lame: return "lame";
    case StopAnswer::Referral: return "referral";
    case StopAnswer::Upward: return "upward";
    case StopAnswer::NotAuth: return "notauth";
  }
  return "refused";
}

constexpr std::optional<StopAnswer> parse_stop_answer(std::string_view s) {
  for (auto a : {StopAnswer::Refused, StopAnswer::Lame, StopAnswer::Referral, StopAnswer::Upward,
                 StopAnswer::NotAuth})
    if (stop_answer_name(a) == s) return a;
  return std::nullopt;
}

}  // namespace dnsd::answer
