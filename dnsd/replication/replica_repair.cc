// The repair of a diverged node (docs/dnsd.md "One zone on every node"): read its zone by
// AXFR signed with replication_key, compute what turns it into this node's (zone_diff),
// and send that as ONE replication update fenced by the node's current (diverged) marker
// that sets our current marker. A concurrent change on that node makes the fence fail and
// the repair is tried again on the next round.
#include <spdlog/spdlog.h>

#include <ctime>

#include "dnsd/replication/axfr_reader.h"
#include "dnsd/replication/replicator.h"
#include "dnsd/replication/tcp_exchange.h"
#include "dnsd/replication/zone_diff.h"
#include "dnsd/update/tsig.h"
#include "dnsd/wire/dns_constants.h"

namespace dnsd::replication {
namespace {
constexpr common::Millis kTransferTimeout{5000};  // the whole AXFR of the node's zone
constexpr common::Millis kRepairTimeout{3000};    // the repair update: one journal fdatasync
constexpr size_t kMaxTcpMessage = 65535;

std::string marker_text(const std::optional<Marker>& m) { return m ? format_marker(*m) : std::string("(none)"); }
}  // namespace

bool Replicator::repair(Link& link, const std::optional<Marker>& marker, const std::string& reason) {
  // Records why it is still diverged; logs it when that changes (every round retries).
  auto stays = [&](const std::string& why, bool error_level = false, bool reread = true) {
    set(link, [&](Link& l) {
      std::string problem = reason + "; repair: " + why;
      if (l.st.problem != problem) {
        if (error_level) spdlog::error("replication {}: node {} stays diverged: {}", zone_text_, l.node.name, why);
        else spdlog::warn("replication {}: node {}: repair not done yet: {}", zone_text_, l.node.name, why);
      }
      l.st.problem = std::move(problem);
      if (reread) l.reread = true;
    });
    return false;
  };
  // A repair found too big is not read again until its marker or our log moves.
  const std::string attempt = marker_text(marker) + "@" + std::to_string(log_->last_seq());
  if (link.too_big == attempt) return false;
  auto snap = current_ ? current_() : nullptr;
  if (!snap) return stays("this node has no snapshot of the zone");
  auto served = served_marker(*snap);
  if (!served || !*served) return stays("this node serves no valid _replication marker yet");
  // Our zone must be at an entry of our log, or the node would be "repaired" to a marker
  // that is diverged again (an entry being committed right now: the next round).
  auto held = log_->marker_at((*served)->seq);
  if (!held || *held != *served)
    return stays("this node serves " + format_marker(**served) + ", not an entry of its replication log");
  const Marker target = **served;

  // Its zone, by AXFR.
  std::string error;
  uint16_t id = link.next_id++;
  auto query = build_axfr_query(origin_, id);
  const size_t unsigned_size = query.size();
  const auto now = static_cast<uint64_t>(std::time(nullptr));
  update::sign_request(query, key_, now);
  // Every message of the transfer must be signed by the node with the replication key:
  // the repair rewrites its zone from what it says it holds.
  auto request = update::verify_request(query.data(), query.size(), unsigned_size, {key_}, now);
  update::TsigResponseVerifier verifier(key_, request.record.mac, now);
  AxfrReader reader(origin_, id);
  auto progress = AxfrReader::Progress::More;
  std::string read_error;
  bool streamed = tcp_stream(link.node.address, &self_address_, {query}, kTransferTimeout,
                             [&](std::vector<uint8_t>&& m) {
                               if ((m[3] & 0xF) != wire::rcode::NOERROR) {
                                 progress = reader.add(m, read_error);  // the refusal, signed or not
                               } else if (!verifier.verify(m, read_error)) {
                                 read_error = "AXFR: " + read_error;
                                 progress = AxfrReader::Progress::Error;
                               } else {
                                 progress = reader.add(m, read_error);
                               }
                               return progress == AxfrReader::Progress::More;
                             }, error);
  if (progress == AxfrReader::Progress::Error) return stays(read_error);
  if (!streamed) return stays("AXFR: " + error);
  std::optional<Marker> transferred;
  for (const auto& r : reader.records())
    if (r.type == wire::type::TXT && r.owner == marker_owner(origin_)) {
      auto text = txt_text(r.rdata);
      transferred = text ? parse_marker(*text) : std::nullopt;
    }
  if (transferred != marker)
    return stays("its marker moved to " + marker_text(transferred) + " since it was read; read again");

  // One update: the fence is its marker, then the difference, our SOA and our marker.
  std::vector<std::string> self_owners = snap->self() ? snap->self()->owners : std::vector<std::string>{};
  ZoneDiff diff = zone_diff(snapshot_records(*snap), reader.records(), origin_, self_owners);
  ReplicationEntry e;
  e.seq = target.seq;
  e.marker = format_marker(target);
  zone::NodeContent apex;
  if (snap->node_content(origin_, apex))
    if (auto soa = apex.find(wire::type::SOA); soa != apex.end() && !soa->second.rdatas.empty()) {
      e.soa_rdata = soa->second.rdatas[0];
      e.soa_ttl = soa->second.ttl;
    }
  e.deleted = std::move(diff.deleted);
  e.added = std::move(diff.added);
  const size_t removed = e.deleted.size(), added = e.added.size();
  uint16_t uid = link.next_id++;
  auto msg = build_replication_update(e, marker ? format_marker(*marker) : "", origin_, uid);
  update::sign_request(msg, key_, static_cast<uint64_t>(std::time(nullptr)));
  if (msg.size() > kMaxTcpMessage || removed + added + 3 > 0xFFFF) {
    link.too_big = attempt;
    return stays("the repair (" + std::to_string(removed) + " RRs removed, " + std::to_string(added) +
                     " added, " + std::to_string(msg.size()) + " bytes) does not fit one TCP DNS message (" +
                     std::to_string(kMaxTcpMessage) + " bytes); repair it by hand (docs/dnsd.md \"One zone "
                     "on every node\")",
                 true, false);
  }
  auto answer = tcp_exchange(link.node.address, &self_address_, msg, kRepairTimeout, error);
  if (!answer) return stays("repair update: " + error);
  const auto& a = *answer;
  if ((a[0] << 8 | a[1]) != uid || !(a[2] & 0x80)) return stays("a reply that does not answer the repair update");
  uint8_t rcode = a[3] & 0xF;
  if (rcode == wire::rcode::NXRRSET) return stays("its marker moved before the repair update; read again");
  if (rcode != wire::rcode::NOERROR) return stays("the repair update was answered rcode " + std::to_string(rcode), true);
  spdlog::warn("replication {}: node {} repaired: {} RRs removed, {} added; marker \"{}\" -> \"{}\"", zone_text_,
               link.node.name, removed, added, marker_text(marker), format_marker(target));
  ++repairs_;
  set(link, [&](Link& l) {
    l.st.known = true;
    l.st.reachable = true;
    l.st.diverged = false;
    l.st.seq = target.seq;
    l.st.problem.clear();
    l.marker = target;
  });
  return target.seq < log_->last_seq();
}

}  // namespace dnsd::replication
