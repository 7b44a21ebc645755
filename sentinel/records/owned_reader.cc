// Read-back of the owned records: one AXFR, or one query per RRset when refused.
#include "sentinel/records/owned_reader.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include "dnsd/common/ldns_include.h"
#include "sentinel/records/dns_client.h"
#include "sentinel/records/dns_message.h"

namespace sentinel::records {
namespace {

struct RdfDeleter {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
using RdfPtr = std::unique_ptr<ldns_rdf, RdfDeleter>;

std::string type_text(const ldns_rr* rr) {
  char* s = ldns_rr_type2str(ldns_rr_get_type(rr));
  std::string out = s ? s : "";
  free(s);
  return out;
}

Readout failed(Readout r, std::string why) {
  r.ok = false;
  r.error = std::move(why);
  return r;
}

// The MAC of the TSIG RR `pkt` carries (rdata field 3, RFC 8945 4.2), cloned; null if none.
RdfPtr mac_of(ldns_pkt* pkt) {
  const ldns_rr* tsig = ldns_pkt_tsig(pkt);
  if (!tsig || ldns_rr_rd_count(tsig) < 4) return nullptr;
  return RdfPtr(ldns_rdf_clone(ldns_rr_rdf(tsig, 3)));
}

}  // namespace

std::string Readout::summary() const {
  if (method == "axfr")
    return "AXFR (" + std::to_string(exchanges) + " exchange, " + std::to_string(messages) +
           (messages == 1 ? " message)" : " messages)");
  return std::to_string(exchanges) + " " + method;
}

Readout empty_readout(const RecordSet& desired) {
  Readout out;
  out.records.ttl = desired.ttl;
  out.records.ttls = desired.ttls;
  out.records.shared = desired.shared;
  out.records.master_rrsets = desired.master_rrsets;
  for (const auto& [key, want] : desired.rrsets) out.records.rrsets[key];
  return out;
}

void add_served(Readout& out, const RecordSet& desired, const RecordSet::Key& key,
                std::string rdata, uint32_t ttl) {
  auto it = out.records.rrsets.find(key);
  if (it == out.records.rrsets.end()) return;  // not ours
  // Of a shared RRset only our own records count (the zone file's others are not ours).
  auto shared = desired.shared.find(key);
  if (shared != desired.shared.end() &&
      std::find(shared->second.begin(), shared->second.end(), rdata) == shared->second.end())
    return;
  it->second.push_back(std::move(rdata));
  if (ttl != desired.ttl_of(key)) out.wrong_ttl.insert(key);
}

void finish_readout(Readout& out) {
  for (auto& [key, got] : out.records.rrsets) {
    std::sort(got.begin(), got.end());
    got.erase(std::unique(got.begin(), got.end()), got.end());
    if (key.first.rfind("_sentinel.", 0) == 0 && key.second == "TXT") {
      out.sentinel_txt = got;
      for (const auto& t : got) {
        out.epoch = std::max(out.epoch, epoch_of_txt(t));
        if (out.master.empty()) out.master = master_of_txt(t);
      }
    }
  }
  out.ok = true;
}

Readout read_by_queries(const dnsd::common::SocketAddress& server, const RecordSet& desired,
                        std::chrono::milliseconds timeout) {
  Readout out = empty_readout(desired);
  out.method = "queries";
  for (const auto& [key, want] : desired.rrsets) {
    auto q = build_query(key.first, key.second);
    if (q.empty()) return failed(std::move(out), "cannot build a query for " + key.first);
    Exchange ex = dns_exchange(server, q, timeout, false);
    out.exchanges++;
    if (!ex.ok) return failed(std::move(out), ex.error);
    out.messages++;
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, ex.response.data(), ex.response.size()) != LDNS_STATUS_OK)
      return failed(std::move(out), "malformed response");
    PktPtr pkt(raw);
    int rcode = ldns_pkt_get_rcode(pkt.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
      out.records.rrsets[key].push_back("; " + std::string(rcode_name(rcode)));  // never equal to a record
      continue;
    }
    ldns_rr_list* ans = ldns_pkt_answer(pkt.get());
    ldns_rr_type want_type = ldns_get_rr_type_by_name(key.second.c_str());
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) != want_type) continue;
      add_served(out, desired, key, rdata_text(rr), ldns_rr_ttl(rr));
    }
  }
  finish_readout(out);
  return out;
}

Readout read_by_transfer(const dnsd::common::SocketAddress& server,
                         const dnsd::common::TsigKey& key, const std::string& zone,
                         const RecordSet& desired, std::chrono::milliseconds timeout,
                         bool& refused) {
  refused = false;
  Readout out = empty_readout(desired);
  out.method = "axfr";
  ldns_rdf* name = ldns_dname_new_frm_str(zone.c_str());
  if (!name) return failed(std::move(out), "bad zone name " + zone);
  PktPtr query(ldns_pkt_query_new(name, LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0));
  if (!query) return failed(std::move(out), "cannot build the AXFR query");
  ldns_pkt_set_random_id(query.get());
  std::string error;
  auto wire = sign_to_wire(query.get(), key, error);
  if (wire.empty()) return failed(std::move(out), error);
  RdfPtr prior_mac = mac_of(query.get());
  std::string secret = dnsd::common::base64_encode(key.secret.data(), key.secret.size());
  uint16_t id = ldns_pkt_id(query.get());
  int soas = 0;
  std::string stop;  // why the stream was cut short (empty: it ended with its SOA)
  out.exchanges = 1;
  auto on_message = [&](std::vector<uint8_t>&& msg) {
    out.messages++;
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, msg.data(), msg.size()) != LDNS_STATUS_OK) {
      stop = "malformed transfer message";
      return false;
    }
    PktPtr pkt(raw);
    if (ldns_pkt_id(pkt.get()) != id) {
      stop = "a transfer message with another ID";
      return false;
    }
    if (int rcode = ldns_pkt_get_rcode(pkt.get()); rcode != LDNS_RCODE_NOERROR) {
      refused = out.messages == 1;
      stop = std::string("AXFR answered ") + response_rcode(msg);
      return false;
    }
    // RFC 8945 5.3.1: the first message's MAC covers the request's MAC, each later one
    // the previous message's MAC and only the timers of its own TSIG.
    bool first = out.messages == 1;
    if (!ldns_pkt_tsig_verify_next(pkt.get(), msg.data(), msg.size(), key.name.c_str(),
                                   secret.c_str(), prior_mac.get(), first ? 0 : 1)) {
      stop = "the transfer's TSIG does not verify";
      return false;
    }
    prior_mac = mac_of(pkt.get());
    ldns_rr_list* ans = ldns_pkt_answer(pkt.get());
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans); ++i) {
      ldns_rr* rr = ldns_rr_list_rr(ans, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
        if (++soas == 2) return false;  // the closing SOA (RFC 5936 2.2)
        continue;
      }
      if (soas == 0) {
        stop = "the transfer does not start with the SOA";
        return false;
      }
      add_served(out, desired, {owner_text(rr), type_text(rr)}, rdata_text(rr), ldns_rr_ttl(rr));
    }
    return true;
  };
  if (!dns_stream(server, wire, timeout, on_message, error))
    return failed(std::move(out), "AXFR: " + error);
  if (!stop.empty()) return failed(std::move(out), stop);
  finish_readout(out);
  return out;
}

Readout read_owned(const dnsd::common::SocketAddress& server, const dnsd::common::TsigKey& key,
                   const std::string& zone, const RecordSet& desired,
                   std::chrono::milliseconds timeout) {
  bool refused = false;
  Readout r = read_by_transfer(server, key, zone, desired, timeout, refused);
  if (r.ok || !refused) return r;
  Readout q = read_by_queries(server, desired, timeout);
  q.method = "queries (" + r.error + ")";
  return q;
}

bool in_sync(const Readout& r, const RecordSet& desired) {
  return r.ok && r.wrong_ttl.empty() && r.records == desired;
}

}  // namespace sentinel::records
