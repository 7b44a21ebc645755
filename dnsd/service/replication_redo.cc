// The primary's start-up repair of its own zone from its replication log: the log is
// written (and fdatasync'd) before the zone's journal, so a primary stopped between the
// two holds entry N in its log while its zone still serves entry N-1's marker. Entry N
// was never acknowledged, but a push loop may already have sent it to the other nodes:
// applying it (redo, as from any write-ahead log) makes every node converge on it, where
// dropping it would make the nodes that hold it "diverged".
#include <spdlog/spdlog.h>

#include "dnsd/replication/replication_entry.h"
#include "dnsd/replication/replication_log.h"
#include "dnsd/service/zone_service.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/update/update_message.h"
#include "dnsd/wire/name.h"

namespace dnsd::service {

bool ZoneService::redo_logged_entry(const zone::ZoneEntry& z, replication::ReplicationLog& log,
                                    const std::optional<replication::Marker>& served) {
  const std::string& origin = z.snapshot->origin();
  const std::string zone_text = wire::name_to_text(origin);
  uint64_t last = log.last_seq();
  if (last == 0) return false;
  // Only the one-entry gap the write order can leave; anything else is not ours to guess.
  auto before = log.marker_at(last - 1);
  if (!before || *before != served) return false;
  auto e = log.entry(last);
  if (!e) return false;
  auto wire_update = replication::build_replication_update(
      *e, served ? replication::format_marker(*served) : std::string(), origin, 0);
  update::UpdateMessage msg;
  if (!update::parse_update(wire_update.data(), wire_update.size(), msg)) {
    spdlog::error("zone {}: replication entry {} of the log does not make an update; not applied", zone_text, last);
    return false;
  }
  update::UpdateResult result = update::apply_update(msg, z.snapshot, z.self.owners);
  if (result.rcode || !result.changed) {
    spdlog::error("zone {}: replication entry {} of the log does not apply to the zone (rcode {}: {}); not applied",
                  zone_text, last, result.rcode, result.reason);
    return false;
  }
  spdlog::warn("zone {}: the replication log holds entry {} but the zone stopped at entry {} (dnsd stopped between "
               "the log's write and the journal's): applying entry {} from the log",
               zone_text, last, last - 1, last);
  net::SlowRequest self_request;
  RequestContext ctx{self_request, {}, holder_.get(), {}, &z, zone_text, 0};
  return commit_update(ctx, z.snapshot, result) == wire::rcode::NOERROR;
}

}  // namespace dnsd::service
