// The parent's delegation: desired, read back, updated.
#include "sentinel/records/parent_update.h"

#include <algorithm>

#include "sentinel/records/dns_client.h"
#include "sentinel/records/dns_message.h"
#include "sentinel/records/record_set.h"

namespace sentinel::records {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

const std::vector<std::string>& glue_of(const std::map<std::string, std::vector<std::string>>& m,
                                        const std::string& name) {
  static const std::vector<std::string> none;
  auto it = m.find(name);
  return it == m.end() ? none : it->second;
}

}  // namespace

cluster::Delegation desired_delegation(const config::SentinelConfig& c,
                                       const std::set<std::string>& in_service) {
  auto d = cluster::pick_delegation(ns_nodes(c), in_service, c.zone, c.parent.glue);
  auto canon = [](const std::string& owner, const char* type, std::vector<std::string>& addrs) {
    for (auto& a : addrs)
      if (auto text = canonical_rdata(owner, type, a)) a = *text;
    std::sort(addrs.begin(), addrs.end());
  };
  for (auto& [name, addrs] : d.a) canon(name, "A", addrs);
  for (auto& [name, addrs] : d.aaaa) canon(name, "AAAA", addrs);
  return d;
}

DelegationReadout parse_delegation(const std::vector<uint8_t>& response,
                                   const std::string& child_zone) {
  DelegationReadout out;
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, response.data(), response.size()) != LDNS_STATUS_OK) {
    out.error = "malformed response";
    return out;
  }
  PktPtr pkt(raw);
  int rcode = ldns_pkt_get_rcode(pkt.get());
  out.rcode = rcode_name(rcode);
  if (rcode != LDNS_RCODE_NOERROR) {
    out.error = "answered " + out.rcode;
    return out;
  }
  std::vector<std::pair<std::string, uint32_t>> ns;
  for (ldns_rr_list* section : {ldns_pkt_answer(pkt.get()), ldns_pkt_authority(pkt.get())})
    for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(section, i);
      if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || owner_text(rr) != child_zone) continue;
      std::string name = rdata_text(rr);
      if (std::none_of(ns.begin(), ns.end(), [&](const auto& p) { return p.first == name; }))
        ns.emplace_back(name, ldns_rr_ttl(rr));
    }
  std::sort(ns.begin(), ns.end());
  for (const auto& [name, ttl] : ns) {
    out.ns.push_back(name);
    out.ns_ttls.push_back(ttl);
  }
  ldns_rr_list* extra = ldns_pkt_additional(pkt.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(extra); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(extra, i);
    ldns_rr_type t = ldns_rr_get_type(rr);
    if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA) continue;
    std::string owner = owner_text(rr);
    if (!contains(out.ns, owner)) continue;
    bool v4 = t == LDNS_RR_TYPE_A;
    auto& addrs = (v4 ? out.a : out.aaaa)[owner];
    std::string text = rdata_text(rr);
    if (!contains(addrs, text)) addrs.push_back(text);
    out.glue_ttls[owner + (v4 ? " A" : " AAAA")] = ldns_rr_ttl(rr);
  }
  for (auto* m : {&out.a, &out.aaaa})
    for (auto& [name, addrs] : *m) std::sort(addrs.begin(), addrs.end());
  out.ok = true;
  return out;
}

DelegationReadout read_delegation(const dnsd::common::SocketAddress& server,
                                  const std::string& child_zone, std::chrono::milliseconds timeout) {
  DelegationReadout out;
  auto q = build_query(child_zone, "NS");
  if (q.empty()) {
    out.error = "cannot build a query for " + child_zone;
    return out;
  }
  Exchange ex = dns_exchange(server, q, timeout, false);
  if (!ex.ok) {
    out.error = ex.error;
    return out;
  }
  return parse_delegation(ex.response, child_zone);
}

bool delegation_in_sync(const DelegationReadout& r, const cluster::Delegation& want,
                        const std::vector<std::string>& owned, const std::string& child_zone,
                        uint32_t ttl, bool glue) {
  if (!r.ok) return false;
  std::vector<std::string> ours;
  for (size_t i = 0; i < r.ns.size(); ++i) {
    if (!contains(owned, r.ns[i])) continue;
    if (r.ns_ttls[i] != ttl) return false;
    ours.push_back(r.ns[i]);
  }
  if (ours != want.ns) return false;
  if (!glue) return true;
  for (const auto& name : want.ns) {
    // A name outside the zone has no glue of ours: the A/AAAA a parent sends along for it
    // are its own data (a sibling name in the parent zone), not ours to check or delete.
    if (!cluster::in_domain(name, child_zone)) continue;
    for (bool v4 : {true, false}) {
      const auto& w = glue_of(v4 ? want.a : want.aaaa, name);
      if (glue_of(v4 ? r.a : r.aaaa, name) != w) return false;
      auto t = r.glue_ttls.find(name + (v4 ? " A" : " AAAA"));
      if (!w.empty() && (t == r.glue_ttls.end() || t->second != ttl)) return false;
    }
  }
  return true;
}

std::vector<uint8_t> build_delegation_update(const dnsd::common::TsigKey& key,
                                             const std::string& parent_zone,
                                             const std::string& child_zone,
                                             const cluster::Delegation& want,
                                             const std::vector<std::string>& owned,
                                             const DelegationReadout& have, uint32_t ttl,
                                             bool glue, std::string& error) {
  ldns_rr_list* up = ldns_rr_list_new();
  auto push = [&](const std::string& text, bool delete_one) {
    ldns_rr* rr = rr_from(text);
    if (!rr) {
      error = "bad record: " + text;
      return;
    }
    if (delete_one) {  // RFC 2136 2.5.4: class NONE, TTL 0 deletes this one record
      ldns_rr_set_class(rr, LDNS_RR_CLASS_NONE);
      ldns_rr_set_ttl(rr, 0);
    }
    ldns_rr_list_push_rr(up, rr);
  };
  std::string t = " " + std::to_string(ttl) + " IN ";
  // Adds first: within the one message the set is never smaller than `want`.
  for (const auto& ns : want.ns) push(child_zone + t + "NS " + ns, false);
  if (glue)
    for (bool v4 : {true, false})
      for (const auto& [name, addrs] : v4 ? want.a : want.aaaa)
        for (const auto& a : addrs) push(name + t + (v4 ? "A " : "AAAA ") + a, false);
  for (const auto& ns : owned)
    if (!contains(want.ns, ns)) push(child_zone + " 0 IN NS " + ns, true);
  if (glue) {
    for (bool v4 : {true, false})
      for (const auto& [name, addrs] : v4 ? have.a : have.aaaa) {
        // Names that left are handled below when owned; others, and names outside the
        // zone (whose addresses are the parent's own data), are not ours.
        if (!contains(want.ns, name) || !cluster::in_domain(name, child_zone)) continue;
        const auto& w = glue_of(v4 ? want.a : want.aaaa, name);
        for (const auto& a : addrs)
          if (!contains(w, a)) push(name + " 0 IN " + (v4 ? "A " : "AAAA ") + a, true);
      }
    for (const auto& ns : owned)
      if (!contains(want.ns, ns) && cluster::in_domain(ns, child_zone))
        for (const char* type : {"A", "AAAA"})
          ldns_rr_list_push_rr(up, empty_rr(ns, type, LDNS_RR_CLASS_ANY));
  }
  std::vector<uint8_t> wire;
  if (!error.empty()) {
    ldns_rr_list_deep_free(up);
    return wire;
  }
  ldns_rr_list* pr = ldns_rr_list_new();
  ldns_pkt* pkt = ldns_update_pkt_new(ldns_dname_new_frm_str(parent_zone.c_str()),
                                      LDNS_RR_CLASS_IN, pr, up, nullptr);
  ldns_rr_list_deep_free(pr);  // the packet holds clones
  ldns_rr_list_deep_free(up);
  if (!pkt) {
    error = "cannot build the update";
    return wire;
  }
  ldns_pkt_set_random_id(pkt);
  ldns_pkt_set_rd(pkt, false);
  wire = sign_to_wire(pkt, key, error);
  ldns_pkt_free(pkt);
  return wire;
}

const char* delegation_status_name(DelegationOutcome::Status s) {
  switch (s) {
    case DelegationOutcome::Status::Updated: return "updated";
    case DelegationOutcome::Status::InSync: return "in-sync";
    case DelegationOutcome::Status::Refused: return "refused";
    case DelegationOutcome::Status::Unreachable: return "unreachable";
    case DelegationOutcome::Status::Failed: return "failed";
  }
  return "?";
}

DelegationOutcome push_delegation(const config::ParentConfig& p, const std::string& child_zone,
                                  const cluster::Delegation& want,
                                  const std::vector<std::string>& owned,
                                  std::chrono::milliseconds timeout) {
  using S = DelegationOutcome::Status;
  DelegationOutcome out;
  std::string unreachable;
  for (const auto& server : p.servers) {
    out.server = server.to_string();
    DelegationReadout have = read_delegation(server, child_zone, timeout);
    if (!have.ok) {
      // No answer, or one that is not the delegation (SERVFAIL, REFUSED: not its zone):
      // the next server may be the primary.
      unreachable += (unreachable.empty() ? "" : "; ") + out.server + ": " + have.error;
      continue;
    }
    if (delegation_in_sync(have, want, owned, child_zone, p.ns_ttl, p.glue)) {
      out.status = S::InSync;
      out.detail = "in sync";
      out.readback = std::move(have);
      out.in_sync = true;
      return out;
    }
    std::string error;
    auto wire = build_delegation_update(p.update_key, p.zone, child_zone, want, owned, have,
                                        p.ns_ttl, p.glue, error);
    if (wire.empty()) {
      out.status = S::Failed;
      out.detail = error;
      out.readback = std::move(have);
      return out;
    }
    Exchange ex = dns_exchange(server, wire, timeout, true);
    if (!ex.ok) {
      unreachable += (unreachable.empty() ? "" : "; ") + out.server + ": update: " + ex.error;
      out.readback = std::move(have);
      continue;
    }
    out.rcode = response_rcode(ex.response);
    if (out.rcode != "NOERROR") {
      out.status = S::Refused;
      out.detail = out.server + " answered the update " + out.rcode;
      out.readback = std::move(have);
      return out;
    }
    out.status = S::Updated;
    out.readback = read_delegation(server, child_zone, timeout);
    out.in_sync = delegation_in_sync(out.readback, want, owned, child_zone, p.ns_ttl, p.glue);
    out.detail = out.in_sync ? "updated" : "updated, but the read-back differs: retried next round";
    return out;
  }
  out.status = S::Unreachable;
  out.detail = unreachable.empty() ? "no [parent] server" : unreachable;
  return out;
}

}  // namespace sentinel::records
