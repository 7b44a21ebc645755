// Read-back and fenced RFC 2136 updates of the owned records on one dnsd.
#include "sentinel/records/zone_updater.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "dnsd/common/ldns_include.h"
#include "sentinel/records/dns_client.h"
#include "sentinel/records/dns_message.h"

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

Readout read_owned(const dnsd::common::SocketAddress& server, const RecordSet& desired,
                   std::chrono::milliseconds timeout) {
  Readout out;
  out.records.ttl = desired.ttl;
  out.records.ttls = desired.ttls;
  out.records.shared = desired.shared;
  bool ttl_ok = true;
  for (const auto& [key, want] : desired.rrsets) {
    auto q = build_query(key.first, key.second);
    if (q.empty()) {
      out.error = "cannot build a query for " + key.first;
      return out;
    }
    Exchange ex = dns_exchange(server, q, timeout, false);
    if (!ex.ok) {
      out.error = ex.error;
      return out;
    }
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, ex.response.data(), ex.response.size()) != LDNS_STATUS_OK) {
      out.error = "malformed response";
      return out;
    }
    PktPtr pkt(raw);
    auto& got = out.records.rrsets[key];
    int rcode = ldns_pkt_get_rcode(pkt.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
      got.push_back("; " + std::string(rcode_name(rcode)));  // never equal to a record
      continue;
    }
    ldns_rr_list* ans = ldns_pkt_answer(pkt.get());
    ldns_rr_type want_type = ldns_get_rr_type_by_name(key.second.c_str());
    auto shared = desired.shared.find(key);
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) != want_type) continue;
      std::string text = rdata_text(rr);
      // Of a shared RRset only our own records count (the zone file's others are not ours).
      if (shared != desired.shared.end() &&
          std::find(shared->second.begin(), shared->second.end(), text) == shared->second.end())
        continue;
      got.push_back(std::move(text));
      if (ldns_rr_ttl(rr) != desired.ttl_of(key)) ttl_ok = false;
    }
    std::sort(got.begin(), got.end());
    if (key.first.rfind("_sentinel.", 0) == 0 && key.second == "TXT") {
      out.sentinel_txt = got;
      for (const auto& t : got) {
        out.epoch = std::max(out.epoch, epoch_of_txt(t));
        if (out.master.empty()) out.master = master_of_txt(t);
      }
    }
  }
  if (!ttl_ok) out.records.ttl = 0;  // forces a mismatch: the TTL must be rewritten
  out.ok = true;
  return out;
}

bool in_sync(const Readout& r, const RecordSet& desired) {
  return r.ok && r.records == desired;
}

std::vector<uint8_t> build_update(const dnsd::common::TsigKey& key, const std::string& zone,
                                  const RecordSet& desired,
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
  ldns_pkt* pkt = ldns_update_pkt_new(zone_rdf, LDNS_RR_CLASS_IN, pr, up, nullptr);
  ldns_rr_list_deep_free(pr);  // the packet holds clones
  ldns_rr_list_deep_free(up);
  std::vector<uint8_t> wire;
  if (!pkt) {
    error = "cannot build the update";
    return wire;
  }
  ldns_pkt_set_random_id(pkt);
  ldns_pkt_set_rd(pkt, false);
  size_t records = 0;
  for (const auto& [k, rdatas] : desired.rrsets) records += rdatas.size();
  if (size_t size = packed_size(pkt); size > kMaxUpdateSize) {
    error = "the update for " + std::to_string(desired.rrsets.size()) + " RRsets (" + std::to_string(records) +
            " records) would be " + (size == SIZE_MAX ? std::string("too many") : std::to_string(size)) +
            " bytes before its TSIG, over the " + std::to_string(kMaxUpdateSize) +
            " one DNS message can carry with it";
    ldns_pkt_free(pkt);
    return wire;
  }
  std::string secret = dnsd::common::base64_encode(key.secret.data(), key.secret.size());
  if (ldns_pkt_tsig_sign(pkt, key.name.c_str(), secret.c_str(), 300,
                         dnsd::common::tsig_algorithm_name(key.algorithm), nullptr) !=
      LDNS_STATUS_OK) {
    error = "TSIG signing failed";
  } else {
    wire = to_wire(pkt);
  }
  ldns_pkt_free(pkt);
  return wire;
}

PushOutcome push_records(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, uint64_t epoch,
                         std::chrono::milliseconds timeout) {
  using S = PushOutcome::Status;
  PushOutcome out;
  for (int attempt = 0; attempt < 3; ++attempt) {
    Readout r = read_owned(server, desired, timeout);
    if (!r.ok) return {S::Unreachable, r.error};
    if (r.epoch > epoch)
      return {S::Fenced, "serves epoch " + std::to_string(r.epoch) + " (master " + r.master +
                             "), newer than ours (" + std::to_string(epoch) + ")"};
    if (in_sync(r, desired)) return {S::InSync, "already serves epoch " + std::to_string(epoch)};
    std::string error;
    auto wire = build_update(key, zone, desired, r.sentinel_txt, error);
    if (wire.empty()) return {S::Rejected, error};
    Exchange ex = dns_exchange(server, wire, timeout, true);
    if (!ex.ok) return {S::Unreachable, "update: " + ex.error};
    int rcode = ex.response[3] & 0x0f;
    if (rcode == LDNS_RCODE_NOERROR) return {S::Updated, "epoch " + std::to_string(epoch)};
    out = {S::Rejected, std::string("update answered ") + rcode_name(rcode)};
    // NXRRSET/YXRRSET: `_sentinel` changed between our read and the update: re-read.
    if (rcode != LDNS_RCODE_NXRRSET && rcode != LDNS_RCODE_YXRRSET) return out;
  }
  return out;
}

}  // namespace sentinel::records
