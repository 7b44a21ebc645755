// Fuzz target: query parser + answer builder (the hot path), over UDP, TCP and the stop
// grace window, from IPv4 and IPv6 clients (DNS cookies). Checks the response never exceeds its limit and echoes the query ID.
#include <cstdint>
#include <cstdlib>

#include "dnsd/answer/answer.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static uint8_t out[65535];
  const auto& cat = fuzz::catalog();
  using dnsd::answer::Transport;
  const dnsd::answer::ClientAddress v4{4, {192, 0, 2, 1}};
  const dnsd::answer::ClientAddress v6{16, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}};
  const uint32_t now = 1559731985;  // fixed, so a run is reproducible
  using dnsd::answer::StopAnswer;
  const dnsd::answer::QueryContext contexts[] = {
      {Transport::Udp, false, StopAnswer::Refused, v4, now},
      {Transport::Tcp, false, StopAnswer::Refused, v6, now},
      {Transport::Udp, true, StopAnswer::Lame, v4, now},
      {Transport::Udp, true, StopAnswer::Upward, v4, now},  // the stop_grace answers that
      {Transport::Tcp, true, StopAnswer::Referral, v6, now}};  // write NS sets
  const size_t caps[] = {512, 65535, 1232, 512, 65535};
  for (int i = 0; i < 5; ++i) {
    auto r = dnsd::answer::answer(data, size, cat, contexts[i], out, caps[i]);
    if (r.outcome != dnsd::answer::Outcome::Answered) continue;
    if (r.length < 12 || r.length > caps[i]) std::abort();
    if (size >= 2 && (out[0] != data[0] || out[1] != data[1])) std::abort();
    if (!(out[2] & 0x80)) std::abort();  // QR
  }
  return 0;
}
