// Serial changes between two catalogs.
#include "dnsd/xfr/serial_changes.h"

namespace dnsd::xfr {

std::vector<const zone::ZoneEntry*> zones_with_new_serial(const zone::Catalog* before,
                                                          const zone::Catalog& after) {
  std::vector<const zone::ZoneEntry*> out;
  for (const auto& z : after.zones) {
    const zone::ZoneEntry* old = nullptr;
    if (before)
      for (const auto& b : before->zones)
        if (b.snapshot->origin() == z.snapshot->origin()) old = &b;
    if (!old || old->snapshot->serial() != z.snapshot->serial()) out.push_back(&z);
  }
  return out;
}

}  // namespace dnsd::xfr
