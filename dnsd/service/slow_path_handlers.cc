// What the zone service does with each slow-path message: UPDATE (RFC 2136 + TSIG),
// AXFR/IXFR (RFC 5936/1995) to transfer keys, TSIG-signed queries, NOTIFY.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "dnsd/answer/answer.h"
#include "dnsd/answer/query_parser.h"
#include "dnsd/service/request_context.h"
#include "dnsd/service/zone_service.h"
#include "dnsd/wire/response_header.h"

#include "dnsd/update/epoch_guard.h"
#include "dnsd/update/tsig.h"
#include "dnsd/update/update_message.h"
#include "dnsd/update/update_processor.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/wire/wire_reader.h"
#include "dnsd/xfr/xfr_writer.h"

namespace dnsd::service {
namespace {

namespace R = wire::rcode;
using Status = update::TsigVerification::Status;

uint64_t now_seconds() { return static_cast<uint64_t>(std::time(nullptr)); }

bool key_listed(const std::vector<std::string>& keys, const update::TsigVerification& v) {
  return std::find(keys.begin(), keys.end(), v.record.key_name) != keys.end();
}

// The SOA serial in the authority section of an IXFR request (RFC 1995 3).
bool ixfr_client_serial(const std::vector<uint8_t>& q, const answer::ParsedQuery& p, uint32_t& serial) {
  wire::WireReader r(q.data(), q.size());
  r.seek(p.question_end);
  if (q.size() < 12 || (q[6] | q[7]) != 0 || (q[8] << 8 | q[9]) < 1) return false;
  wire::NameBuf owner;
  if (!r.name(owner)) return false;
  uint16_t type = r.u16();
  r.skip(6);
  uint16_t rdlen = r.u16();
  if (!r.ok() || type != wire::type::SOA) return false;
  std::string rd;
  if (!update::read_rdata(q.data(), q.size(), r.pos(), type, rdlen, rd)) return false;
  zone::SoaFields f;
  if (!zone::parse_soa(rd, f)) return false;
  serial = f.serial;
  return true;
}

// The _sentinel epoch `zone` serves (see update/epoch_guard.h).
std::optional<uint64_t> sentinel_epoch(const zone::ZoneSnapshot& zone, const std::string& owner) {
  zone::NodeContent node;
  if (!zone.node_content(owner, node)) return std::nullopt;
  auto txt = node.find(wire::type::TXT);
  if (txt == node.end()) return std::nullopt;
  return update::epoch_of(txt->second.rdatas);
}

}  // namespace

void ZoneService::handle(const net::SlowRequest& req, const net::Responder& respond) {
  RequestContext ctx{req, {}, {}, {}, nullptr, {}, 0};
  if (!make_context(ctx, holder_.get(), now_seconds())) {
    const answer::ParsedQuery& p = ctx.parsed;
    if (p.decision == answer::Decision::Drop) return;
    respond({wire::response_head(req.query.data(), p.has_question ? p.question_end : 12, p.opcode, p.flags,
                                 p.decision == answer::Decision::NotImp ? R::NOTIMP : R::FORMERR)});
    return;
  }
  if (ctx.parsed.opcode == wire::opcode::UPDATE) {
    if (forward_if_replica(ctx, respond)) return;
    auto r = handle_update(ctx);
    if (r.size() >= 12) count_update(r[3] & 0xF);
    refresh_zone_status(false);  // serial, journal size and health may have changed
    return respond({std::move(r)});
  }
  if (ctx.parsed.qtype == wire::type::AXFR || ctx.parsed.qtype == wire::type::IXFR)
    return respond(handle_transfer(ctx));
  return respond({handle_signed_query(ctx)});
}

std::vector<uint8_t> ZoneService::handle_update(const RequestContext& ctx) {
  const update::TsigVerification& v = ctx.tsig;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  auto reply = [&](uint8_t rcode) { return ctx.reply(rcode); };
  if (uint8_t rc = ctx.tsig_failure_rcode()) {
    spdlog::warn("update {} from {}: TSIG failed ({})", zone_text, who, static_cast<int>(v.status));
    return reply(rc);
  }
  if (v.status == Status::Unsigned) {
    spdlog::warn("update {} from {}: refused, unsigned", zone_text, who);
    return reply(R::REFUSED);
  }
  const zone::ZoneEntry* entry = ctx.zone;
  if (!entry) return reply(R::NOTAUTH);
  const zone::ReplicationSpec& rs = entry->replication;
  bool replication_key = rs.enabled() && v.record.key_name == rs.key;
  if (!replication_key && !key_listed(entry->update_keys, v)) {
    spdlog::warn("update {} from {}: refused, key not in update_keys", zone_text, who);
    return reply(R::REFUSED);
  }
  update::UpdateMessage msg;
  size_t end = ctx.parsed.tsig_offset ? ctx.parsed.tsig_offset : ctx.bytes().size();
  if (!update::parse_update(ctx.bytes().data(), end, msg)) return reply(R::FORMERR);
  if (replication_key) return reply(apply_replication_entry(ctx, msg));
  if (rs.enabled()) {
    const std::string marker = std::string("\x0c_replication", 13) + entry->snapshot->origin();
    auto touches = [&](const std::vector<update::UpdateRR>& rrs) {
      return std::any_of(rrs.begin(), rrs.end(), [&](const update::UpdateRR& rr) { return rr.owner == marker; });
    };
    if (touches(msg.updates)) {
      spdlog::warn("update {} from {}: refused, only the replication_key writes _replication", zone_text, who);
      return reply(R::REFUSED);
    }
    if (key_listed(rs.keys, v)) return reply(apply_replicated(ctx, msg));
  }
  return reply(apply_local(ctx, msg));
}

uint8_t ZoneService::apply_local(const RequestContext& ctx, const update::UpdateMessage& msg) {
  const zone::ZoneEntry* entry = ctx.zone;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  const std::shared_ptr<const zone::ZoneSnapshot> current = entry->snapshot;
  update::UpdateResult result = update::apply_update(msg, current, entry->self.owners);
  if (result.rcode) {
    spdlog::info("update {} from {}: rcode {}: {}", zone_text, who, result.rcode, result.reason);
    return result.rcode;
  }
  if (!result.changed) return R::NOERROR;
  if (!epoch_fence_allows(ctx, *current, *result.snapshot)) return R::REFUSED;
  return commit_update(ctx, current, result);
}

bool ZoneService::epoch_fence_allows(const RequestContext& ctx, const zone::ZoneSnapshot& before,
                                     const zone::ZoneSnapshot& after) {
  const std::string sentinel_owner = std::string("\x09_sentinel", 10) + before.origin();
  update::EpochVerdict fence = update::check_epoch_change(
      sentinel_epoch(before, sentinel_owner), sentinel_epoch(after, sentinel_owner),
      ctx.tsig.record.key_name, {ctx.zone->epoch_max_step, ctx.zone->epoch_override_keys});
  if (!fence.allowed) spdlog::warn("update {} from {}: refused, it {}", ctx.zone_text, ctx.who(), fence.reason);
  else if (fence.overridden) spdlog::warn("update {} from {}: it {}", ctx.zone_text, ctx.who(), fence.reason);
  return fence.allowed;
}

uint8_t ZoneService::commit_update(const RequestContext& ctx, const std::shared_ptr<const zone::ZoneSnapshot>& current,
                                   const update::UpdateResult& result) {
  const zone::ZoneEntry* entry = ctx.zone;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  // Durable before visible, visible before acknowledged.
  auto& journal = journals_[current->origin()];
  if (!journal || !journal_usable(*journal, *current, zone_text)) return R::SERVFAIL;
  update::JournalEntry je{current->serial(), result.snapshot->serial(), result.diff};
  std::string error;
  // The first entry of a fresh journal: a snapshot of the state it applies to goes first,
  // so a zone file later refused at start-up (serial not raised) leaves a whole state to
  // serve. Not needed for durability: if it fails, the append still decides.
  if (!journal->has_snapshot()) {
    bool compacted = journal->compact(*current, error);
    count_compaction(current->origin(), compacted);
    if (!compacted) spdlog::warn("zone {}: base snapshot not written ({})", zone_text, error);
    error.clear();
  }
  if (!journal->append(je, error)) {
    spdlog::error("update {} from {}: not durable, not applied, SERVFAIL: {}", zone_text, who, error);
    if (!journal->trusted()) {
      spdlog::error("zone {}: journal untrusted after that failure; updates get SERVFAIL until it "
                    "is rewritten from memory (queries are answered meanwhile)", zone_text);
      journal_usable(*journal, *current, zone_text);  // try at once
    }
    return R::SERVFAIL;
  }
  auto next = std::make_shared<zone::Catalog>(*holder_.get());
  for (auto& z : next->zones) {
    if (z.snapshot == current) z.snapshot = result.snapshot;
  }
  holder_.publish(next);
  spdlog::info("update {} from {}: serial {} -> {} (+{} -{})", zone_text, who, je.serial_from,
               je.serial_to, je.diff.added.size(), je.diff.deleted.size());
  notify_secondaries(*entry, je.serial_to);
  if (journal->entry_count() >= compact_after_) {
    bool compacted = journal->compact(*result.snapshot, error);
    count_compaction(current->origin(), compacted);
    if (compacted) spdlog::info("zone {}: journal compacted", zone_text);
    else spdlog::error("zone {}: journal compaction failed: {}", zone_text, error);
  }
  return R::NOERROR;
}

bool ZoneService::journal_usable(update::Journal& journal, const zone::ZoneSnapshot& current,
                                 const std::string& zone_text) {
  if (journal.trusted()) return true;
  std::string error;
  bool compacted = journal.compact(current, error);
  count_compaction(current.origin(), compacted);
  if (compacted) {
    spdlog::warn("zone {}: journal rewritten from memory at serial {}; updates accepted again",
                 zone_text, current.serial());
    return true;
  }
  spdlog::error("zone {}: journal still untrusted ({}); rewriting it from memory failed: {}; "
                "update refused", zone_text, journal.untrusted_reason(), error);
  return false;
}

std::vector<std::vector<uint8_t>> ZoneService::handle_transfer(const RequestContext& ctx) {
  const net::SlowRequest& req = ctx.request;
  const answer::ParsedQuery& p = ctx.parsed;
  const update::TsigVerification& v = ctx.tsig;
  const std::string& zone_text = ctx.zone_text;
  const std::string who = ctx.who();
  auto reply = [&](uint8_t rcode, bool tc = false) {
    return std::vector<std::vector<uint8_t>>{ctx.reply(rcode, tc)};
  };
  if (uint8_t rc = ctx.tsig_failure_rcode()) return reply(rc);
  const zone::ZoneEntry* entry = ctx.zone;
  // The zone's replication_key may transfer it too: the primary reads a diverged node's
  // zone to repair it (docs/dnsd.md "One zone on every node").
  bool replication_key = entry && entry->replication.enabled() && v.record.key_name == entry->replication.key;
  if (v.status != Status::Ok || !entry || (!key_listed(entry->transfer_keys, v) && !replication_key)) {
    spdlog::warn("transfer of {} to {}: refused", zone_text, who);
    with_status([](ServiceStatus& s) { ++s.counters.transfers_refused; });
    return reply(entry || v.status != Status::Ok ? R::REFUSED : R::NOTAUTH);
  }
  if (req.transport == answer::Transport::Udp) return reply(R::NOERROR, true);  // use TCP
  const zone::ZoneSnapshot& content = *entry->snapshot;
  std::vector<std::vector<uint8_t>> msgs;
  uint32_t client_serial = 0;
  std::vector<xfr::XfrDiff> diffs;
  auto journal = journals_.find(content.origin());
  if (p.qtype == wire::type::IXFR && ixfr_client_serial(ctx.bytes(), p, client_serial) &&
      journal != journals_.end() && journal->second->diffs_since(client_serial, diffs)) {
    msgs = xfr::build_ixfr(ctx.bytes().data(), p.question_end, content, diffs);
    with_status([](ServiceStatus& s) { ++s.counters.ixfr; });
    spdlog::info("IXFR {} to {}: {} -> {} ({} diffs)", zone_text, who, client_serial,
                 content.serial(), diffs.size());
  } else {
    msgs = xfr::build_axfr(ctx.bytes().data(), p.question_end, content);
    bool full_ixfr = p.qtype == wire::type::IXFR;
    with_status([full_ixfr](ServiceStatus& s) { ++(full_ixfr ? s.counters.ixfr_full : s.counters.axfr); });
    spdlog::info("{} {} to {}: serial {}, {} messages", p.qtype == wire::type::IXFR ? "IXFR (full)" : "AXFR",
                 zone_text, who, content.serial(), msgs.size());
  }
  update::TsigSigner signer(*v.key, v.record, ctx.now);
  for (auto& m : msgs) signer.sign(m);
  return msgs;
}

std::vector<uint8_t> ZoneService::handle_signed_query(const RequestContext& ctx) {
  const net::SlowRequest& req = ctx.request;
  const update::TsigVerification& v = ctx.tsig;
  if (uint8_t rc = ctx.tsig_failure_rcode(); rc || ctx.parsed.opcode != wire::opcode::QUERY) {
    // NOTIFY to us: we are the primary, there is nothing to refresh.
    return ctx.reply(rc ? rc : R::REFUSED);
  }
  // Answer the query without its TSIG, then sign the answer.
  std::vector<uint8_t> q(req.query.begin(), req.query.begin() + static_cast<long>(v.unsigned_length ? v.unsigned_length : req.query.size()));
  if (v.unsigned_length) {
    uint16_t ar = static_cast<uint16_t>((q[10] << 8 | q[11]) - 1);
    q[10] = static_cast<uint8_t>(ar >> 8);
    q[11] = static_cast<uint8_t>(ar);
  }
  std::vector<uint8_t> out(65535);
  size_t cap = req.transport == answer::Transport::Udp ? 4096 : 65535;
  answer::QueryContext qctx{req.transport, false, answer::StopAnswer::Refused,
                           answer::client_address(req.client.sa()),
                           static_cast<uint32_t>(ctx.now)};
  auto r = answer::answer(q.data(), q.size(), *ctx.catalog, qctx, out.data(), cap - 200);
  out.resize(r.outcome == answer::Outcome::Answered ? r.length : 0);
  if (out.empty()) return out;
  finish_tsig(out, v, ctx.now);
  return out;
}

}  // namespace dnsd::service
