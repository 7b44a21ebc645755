// Desired records, canonical rdata, diffs.
#include "sentinel/records/record_set.h"

#include <algorithm>
#include <cctype>

#include "dnsd/common/ldns_include.h"

namespace sentinel::records {
namespace {

std::string fqdn(const std::string& rel, const std::string& zone) { return rel + "." + zone; }

void put_addresses(RecordSet& rs, const std::string& owner,
                   const std::vector<const config::NodeConfig*>& nodes) {
  auto& a = rs.rrsets[{owner, "A"}];
  auto& aaaa = rs.rrsets[{owner, "AAAA"}];
  for (const auto* n : nodes) {
    a.insert(a.end(), n->ipv4.begin(), n->ipv4.end());
    aaaa.insert(aaaa.end(), n->ipv6.begin(), n->ipv6.end());
  }
}

std::string txt_value(const std::string& rdata, const std::string& key) {
  std::string needle = "\"" + key + "=";
  size_t p = rdata.find(needle);
  if (p == std::string::npos) return "";
  p += needle.size();
  size_t e = rdata.find('"', p);
  return rdata.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

}  // namespace

std::vector<std::string> sentinel_txt(uint64_t epoch, const std::string& master,
                                      const std::string& by,
                                      const std::set<std::string>& drained) {
  std::string d;
  for (const auto& n : drained) d += (d.empty() ? "" : ",") + n;
  return {"epoch=" + std::to_string(epoch), "master=" + master, "by=" + by, "drained=" + d};
}

uint64_t epoch_of_txt(const std::string& rdata_text) {
  std::string v = txt_value(rdata_text, "epoch");
  if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), ::isdigit)) return 0;
  return std::stoull(v);
}

std::string master_of_txt(const std::string& rdata_text) { return txt_value(rdata_text, "master"); }

std::vector<cluster::NsNode> ns_nodes(const config::SentinelConfig& c) {
  std::vector<cluster::NsNode> out;
  for (const auto& n : c.nodes)
    if (!n.ns.empty()) out.push_back({n.name, n.ns, n.priority, n.ipv4, n.ipv6});
  return out;
}

std::vector<std::string> apex_ns_names(const config::SentinelConfig& c,
                                       const std::set<std::string>& in_service) {
  return cluster::pick_ns_set(ns_nodes(c), in_service);
}

RecordSet desired_records(const config::SentinelConfig& c, const cluster::ClusterState& s,
                          const std::set<std::string>& in_service) {
  RecordSet rs;
  rs.ttl = c.ttl;
  std::vector<const config::NodeConfig*> serving;
  for (const auto& n : c.nodes)
    if (in_service.count(n.name)) serving.push_back(&n);
  std::sort(serving.begin(), serving.end(), [](auto* a, auto* b) {
    return a->priority != b->priority ? a->priority < b->priority : a->name < b->name;
  });
  if (!serving.empty()) {
    std::vector<std::string> srv;
    int replica = 0;
    for (const auto* n : serving) {
      int prio = n->name == s.master ? 0 : 10 * ++replica;
      srv.push_back(std::to_string(prio) + " 100 " + std::to_string(n->port) + " " +
                    fqdn(n->name, c.zone));
    }
    for (const auto& owner : c.srv) {
      rs.rrsets[{fqdn(owner, c.zone), "SRV"}] = srv;
      rs.master_rrsets.insert({fqdn(owner, c.zone), "SRV"});
    }
    put_addresses(rs, fqdn(c.pool_name, c.zone), serving);
  }
  if (const auto* m = c.node(s.master)) {
    put_addresses(rs, fqdn(c.master_name, c.zone), {m});
    rs.master_rrsets.insert({fqdn(c.master_name, c.zone), "A"});
    rs.master_rrsets.insert({fqdn(c.master_name, c.zone), "AAAA"});
  }
  for (const auto& n : c.nodes) put_addresses(rs, fqdn(n.name, c.zone), {&n});
  std::string txt;
  for (const auto& part : sentinel_txt(s.epoch, s.master, c.id, s.drained))
    txt += (txt.empty() ? "\"" : " \"") + part + "\"";
  rs.rrsets[{fqdn("_sentinel", c.zone), "TXT"}] = {txt};
  rs.master_rrsets.insert({fqdn("_sentinel", c.zone), "TXT"});
  if (auto ns = apex_ns_names(c, in_service); !ns.empty()) {
    RecordSet::Key apex{c.zone, "NS"};
    rs.rrsets[apex] = ns;
    rs.ttls[apex] = c.ns_ttl;
    auto& owned = rs.shared[apex];
    for (const auto& n : c.nodes)
      if (!n.ns.empty()) owned.push_back(n.ns);
  }
  return canonicalize(rs);
}

std::optional<std::string> canonical_rdata(const std::string& owner, const std::string& type,
                                           const std::string& rdata) {
  std::string line = owner + " 0 IN " + type + " " + rdata;
  ldns_rr* rr = nullptr;
  if (ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !rr)
    return std::nullopt;
  std::string out = rdata_text(rr);
  ldns_rr_free(rr);
  return out;
}

std::string owner_text(const ldns_rr* rr) {
  char* s = ldns_rdf2str(ldns_rr_owner(rr));
  std::string out = s ? s : "";
  free(s);
  for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

std::string rdata_text(const ldns_rr* rr) {
  std::string out;
  for (size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
    char* s = ldns_rdf2str(ldns_rr_rdf(rr, i));
    if (!s) continue;
    if (!out.empty()) out += ' ';
    out += s;
    free(s);
  }
  if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TXT)
    for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

RecordSet canonicalize(const RecordSet& in) {
  RecordSet out;
  out.ttl = in.ttl;
  out.ttls = in.ttls;
  out.master_rrsets = in.master_rrsets;
  auto canon = [](const RecordSet::Key& key, const std::vector<std::string>& rdatas) {
    std::vector<std::string> dst;
    for (const auto& r : rdatas)
      if (auto c = canonical_rdata(key.first, key.second, r)) dst.push_back(*c);
    std::sort(dst.begin(), dst.end());
    dst.erase(std::unique(dst.begin(), dst.end()), dst.end());
    return dst;
  };
  for (const auto& [key, rdatas] : in.rrsets) out.rrsets[key] = canon(key, rdatas);
  for (const auto& [key, rdatas] : in.shared) out.shared[key] = canon(key, rdatas);
  return out;
}

std::vector<std::string> diff_records(const RecordSet& from, const RecordSet& to) {
  std::vector<std::string> out;
  auto line = [](char sign, const RecordSet::Key& key, uint32_t ttl, const std::string& r) {
    return std::string(1, sign) + " " + key.first + " " + std::to_string(ttl) + " " +
           key.second + " " + r;
  };
  for (const auto& [key, rdatas] : to.rrsets) {
    auto it = from.rrsets.find(key);
    const std::vector<std::string> empty;
    const auto& old = it == from.rrsets.end() ? empty : it->second;
    uint32_t from_ttl = from.ttl_of(key), to_ttl = to.ttl_of(key);
    bool ttl_changed = from_ttl != to_ttl;
    for (const auto& r : old)
      if (ttl_changed || std::find(rdatas.begin(), rdatas.end(), r) == rdatas.end())
        out.push_back(line('-', key, from_ttl, r));
    for (const auto& r : rdatas)
      if (ttl_changed || std::find(old.begin(), old.end(), r) == old.end())
        out.push_back(line('+', key, to_ttl, r));
  }
  return out;
}

}  // namespace sentinel::records
