// The fenced RFC 2136 updates of the owned records on one dnsd: built, sized, sent.
#include "sentinel/records/zone_updater.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "dnsd/common/ldns_include.h"
#include "sentinel/records/dns_client.h"
#include "sentinel/records/dns_message.h"
#include "sentinel/records/update_plan.h"

namespace sentinel::records {
namespace {

// The unsigned message's size, packed into a buffer that grows: ldns_pkt2wire (also inside
// ldns_pkt_tsig_sign) packs into a fixed 65,535-byte one and aborts the process on a
// message that does not fit (an assertion in Debian's libldns), e.g. an update for ~640
// nodes' records.
size_t packed_size(ldns_pkt* pkt) {
  ldns_buffer* b = ldns_buffer_new(4 * kMaxUpdateSize);
  if (!b) return SIZE_MAX;
  size_t size = ldns_pkt2buffer_wire(b, pkt) == LDNS_STATUS_OK ? ldns_buffer_position(b) : SIZE_MAX;
  ldns_buffer_free(b);
  return size;
}

}  // namespace

const char* push_status_name(PushOutcome::Status s) {
  switch (s) {
    case PushOutcome::Status::Updated: return "updated";
    case PushOutcome::Status::InSync: return "in-sync";
    case PushOutcome::Status::Fenced: return "fenced";
    case PushOutcome::Status::Unreachable: return "unreachable";
    case PushOutcome::Status::Rejected: return "rejected";
  }
  return "?";
}

namespace {

// The unsigned update that rewrites the RRsets of `desired`; null when it cannot be built.
PktPtr update_packet(const std::string& zone, const RecordSet& desired,
                     const std::vector<std::string>& prereq_txt, std::string& error) {
  ldns_rr_list* pr = ldns_rr_list_new();
  ldns_rr_list* up = ldns_rr_list_new();
  std::string sentinel_owner = "_sentinel." + zone;
  if (prereq_txt.empty()) {
    ldns_rr_list_push_rr(pr, empty_rr(sentinel_owner, "TXT", LDNS_RR_CLASS_NONE));
  } else {
    for (const auto& t : prereq_txt) {
      ldns_rr* rr = rr_from(sentinel_owner + " 0 IN TXT " + t);
      if (rr) ldns_rr_list_push_rr(pr, rr);
    }
  }
  for (const auto& [k, rdatas] : desired.rrsets) {
    auto shared = desired.shared.find(k);
    // A shared RRset (the apex NS) is never deleted whole (dnsd, like RFC 2136 3.4.2.3,
    // ignores that for the apex NS anyway): our records are added first, so that the set
    // never empties, then those of ours that must go are deleted one by one (class NONE).
    if (shared == desired.shared.end())
      ldns_rr_list_push_rr(up, empty_rr(k.first, k.second, LDNS_RR_CLASS_ANY));
    std::string head = k.first + " " + std::to_string(desired.ttl_of(k)) + " IN " + k.second + " ";
    for (const auto& r : rdatas) {
      ldns_rr* rr = rr_from(head + r);
      if (!rr) {
        error = "bad record: " + k.first + " " + k.second + " " + r;
        continue;
      }
      ldns_rr_list_push_rr(up, rr);
    }
    if (shared == desired.shared.end()) continue;
    for (const auto& r : shared->second) {
      if (std::find(rdatas.begin(), rdatas.end(), r) != rdatas.end()) continue;
      ldns_rr* rr = rr_from(k.first + " 0 IN " + k.second + " " + r);
      if (!rr) {
        error = "bad record: " + k.first + " " + k.second + " " + r;
        continue;
      }
      ldns_rr_set_class(rr, LDNS_RR_CLASS_NONE);
      ldns_rr_set_ttl(rr, 0);
      ldns_rr_list_push_rr(up, rr);
    }
  }
  ldns_rdf* zone_rdf = ldns_dname_new_frm_str(zone.c_str());
  PktPtr pkt(ldns_update_pkt_new(zone_rdf, LDNS_RR_CLASS_IN, pr, up, nullptr));
  ldns_rr_list_deep_free(pr);  // the packet holds clones
  ldns_rr_list_deep_free(up);
  if (!pkt) {
    error = "cannot build the update";
    return pkt;
  }
  ldns_pkt_set_random_id(pkt.get());
  ldns_pkt_set_rd(pkt.get(), false);
  return pkt;
}

}  // namespace

size_t update_size(const std::string& zone, const RecordSet& desired,
                   const std::vector<std::string>& prereq_txt) {
  std::string error;
  PktPtr pkt = update_packet(zone, desired, prereq_txt, error);
  return pkt ? packed_size(pkt.get()) : SIZE_MAX;
}

std::vector<RecordSet> plan_updates(const std::string& zone, const Readout& r,
                                    const RecordSet& desired, std::string& error) {
  RecordSet changed = changed_rrsets(r.records, r.wrong_ttl, desired);
  return split_update(changed, kMaxUpdateSize,
                      [&](const RecordSet& part) { return update_size(zone, part, r.sentinel_txt); },
                      error);
}

std::vector<uint8_t> build_update(const dnsd::common::TsigKey& key, const std::string& zone,
                                  const RecordSet& desired,
                                  const std::vector<std::string>& prereq_txt, std::string& error) {
  std::vector<uint8_t> wire;
  PktPtr owned = update_packet(zone, desired, prereq_txt, error);
  if (!owned) return wire;
  ldns_pkt* pkt = owned.get();
  size_t records = 0;
  for (const auto& [k, rdatas] : desired.rrsets) records += rdatas.size();
  if (size_t size = packed_size(pkt); size > kMaxUpdateSize) {
    error = "the update for " + std::to_string(desired.rrsets.size()) + " RRsets (" + std::to_string(records) +
            " records) would be " + (size == SIZE_MAX ? std::string("too many") : std::to_string(size)) +
            " bytes before its TSIG, over the " + std::to_string(kMaxUpdateSize) +
            " one DNS message can carry with it";
    return wire;
  }
  return sign_to_wire(pkt, key, error);
}

namespace {

std::string sizes_text(const std::vector<size_t>& sizes) {
  std::string out;
  for (size_t n : sizes) out += (out.empty() ? "" : " + ") + std::to_string(n);
  return std::to_string(sizes.size()) + (sizes.size() == 1 ? " update (" : " updates (") + out +
         " bytes)";
}

}  // namespace

PushOutcome push_records(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, uint64_t epoch,
                         std::chrono::milliseconds timeout) {
  using S = PushOutcome::Status;
  PushOutcome out;
  std::vector<size_t> sent;  // bytes of each signed update answered NOERROR
  auto with = [&out](S status, std::string detail) {
    out.status = status;
    out.detail = std::move(detail);
    return out;
  };
  for (int attempt = 0; attempt < 3; ++attempt) {
    Readout r = read_owned(server, key, zone, desired, timeout);
    if (!r.ok) return with(S::Unreachable, r.error);
    if (r.epoch > epoch)
      return with(S::Fenced, "serves epoch " + std::to_string(r.epoch) + " (master " + r.master +
                                 "), newer than ours (" + std::to_string(epoch) + ")");
    if (in_sync(r, desired))
      return with(S::InSync, "already serves epoch " + std::to_string(epoch) + ", read by " +
                                 r.summary());
    std::string error;
    std::vector<RecordSet> parts = plan_updates(zone, r, desired, error);
    if (parts.empty()) return with(S::Rejected, error);
    bool reread = false;
    for (size_t i = 0; i < parts.size() && !reread; ++i) {
      auto wire = build_update(key, zone, parts[i], r.sentinel_txt, error);
      if (wire.empty()) return with(S::Rejected, error);
      std::string which = parts.size() == 1 ? "update" :
          "update " + std::to_string(i + 1) + " of " + std::to_string(parts.size());
      Exchange ex = dns_exchange(server, wire, timeout, true);
      if (!ex.ok) return with(S::Unreachable, which + ": " + ex.error);
      int rcode = ex.response[3] & 0x0f;
      if (rcode == LDNS_RCODE_NOERROR) {
        sent.push_back(wire.size());
        continue;
      }
      with(S::Rejected, which + " answered " + response_rcode(ex.response));
      // NXRRSET/YXRRSET: `_sentinel` changed since our read (another writer, or an earlier
      // part of ours got lost): read again and send what is still missing.
      if (rcode != LDNS_RCODE_NXRRSET && rcode != LDNS_RCODE_YXRRSET) return out;
      reread = true;
    }
    if (!reread)
      return with(S::Updated, "epoch " + std::to_string(epoch) + " in " +
                                  sizes_text(sent) + ", read by " + r.summary());
  }
  return out;
}

}  // namespace sentinel::records
