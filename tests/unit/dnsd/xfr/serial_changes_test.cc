// Which zones send NOTIFY after a load: new ones and those whose serial changed.
#include "dnsd/xfr/serial_changes.h"

#include <gtest/gtest.h>

#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_builder.h"

namespace dnsd::xfr {
namespace {

zone::ZoneEntry entry(const char* name, uint32_t serial) {
  std::string origin = *wire::name_from_text(name);
  zone::ZoneBuilder b(origin);
  std::string soa("\x01n\x00\x01h\x00", 6);
  for (uint32_t v : {serial, 3600u, 600u, 86400u, 300u})
    for (int s = 24; s >= 0; s -= 8) soa.push_back(static_cast<char>(v >> s));
  b.add(origin, 6, 300, soa, 1);
  b.add(origin, 2, 300, std::string("\x01n\x00", 3), 2);
  b.seal();
  zone::ZoneEntry e;
  e.snapshot = b.build(std::make_shared<const zone::SelfSpec>());
  return e;
}

std::vector<std::string> names(const std::vector<const zone::ZoneEntry*>& v) {
  std::vector<std::string> out;
  for (const auto* e : v) out.push_back(wire::name_to_text(e->snapshot->origin()));
  return out;
}

TEST(SerialChangesTest, Table) {
  zone::Catalog before;
  before.zones = {entry("a.test.", 10), entry("b.test.", 20)};
  zone::Catalog after;
  after.zones = {entry("a.test.", 10), entry("b.test.", 21), entry("c.test.", 1)};
  EXPECT_EQ(names(zones_with_new_serial(&before, after)),
            (std::vector<std::string>{"b.test.", "c.test."}));
  EXPECT_EQ(names(zones_with_new_serial(nullptr, before)),
            (std::vector<std::string>{"a.test.", "b.test."}));  // start-up: every zone
  EXPECT_TRUE(zones_with_new_serial(&before, before).empty());   // a reload that changed nothing
}

}  // namespace
}  // namespace dnsd::xfr
