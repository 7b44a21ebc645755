// Authoritative lookup inside one zone.
#include "dnsd/answer/zone_resolver.h"

#include <cstring>

#include "dnsd/wire/dns_constants.h"

namespace dnsd::answer {
namespace {

using Node = zone::ZoneSnapshot::Node;
using RRset = zone::ZoneSnapshot::RRset;
namespace T = wire::type;

constexpr int kMaxCnameChain = 8;
constexpr size_t kQuestionNameOffset = 12;

class Resolver {
 public:
  Resolver(const zone::ZoneSnapshot& z, ResponseWriter& out) noexcept : z_(z), out_(out) {}

  Resolution run(const wire::NameBuf& qname, uint16_t qtype) noexcept {
    lookup(qname, Owner{kQuestionNameOffset, {}}, qtype, 0);
    return res_;
  }

  Resolution apex_referral(bool upward) noexcept {
    res_.authoritative = false;
    const Node* apex = z_.apex_node();
    if (!apex) return res_;
    if (!upward) {
      referral(*apex, z_.apex());
      return res_;
    }
    // The apex NS targets, owned by the zone's parent: no glue (it would be out of zone).
    std::string_view parent = z_.apex().substr(1 + static_cast<uint8_t>(z_.apex()[0]));
    if (const RRset* ns = z_.rrset(*apex, T::NS)) put(Section::Authority, Owner{0, parent}, *ns);
    return res_;
  }

 private:
  // Finds the node for `qname`, following RFC 1034 4.3.2 step 3 with RFC 4592 wildcards.
  void lookup(const wire::NameBuf& qname, const Owner& owner, uint16_t qtype, int depth) noexcept {
    unsigned zl = z_.apex_labels();
    const Node* node = z_.apex_node();
    std::string_view node_name = z_.apex();
    if (!node) return servfail();
    // Walk down from the apex, one label at a time; ENTs exist, so a miss ends the walk.
    for (int k = static_cast<int>(qname.labels) - static_cast<int>(zl) - 1; k >= 0; --k) {
      std::string_view name = qname.suffix(static_cast<unsigned>(k));
      const Node* n = z_.find(name);
      if (!n) return wildcard_or_nxdomain(node_name, owner, qtype, depth);
      node = n;
      node_name = name;
      if (n->flags & zone::ZoneSnapshot::kDelegation) {
        // DS lives on the parent side of the cut (RFC 4035 3.1.4.1).
        if (k == 0 && qtype == T::DS) break;
        if (depth > 0) return;  // a CNAME into a child zone: the resolver follows it
        return referral(*n, name);
      }
    }
    answer_at(*node, owner, qtype, depth);
  }

  void wildcard_or_nxdomain(std::string_view ce, const Owner& owner, uint16_t qtype,
                            int depth) noexcept {
    // RFC 4592 3.3.1: the source of synthesis is "*." + the closest encloser `ce`.
    uint8_t buf[wire::kMaxNameLength];
    if (ce.size() + 2 <= sizeof buf) {
      buf[0] = 1;
      buf[1] = '*';
      std::memcpy(buf + 2, ce.data(), ce.size());
      const Node* wc = z_.find(std::string_view(reinterpret_cast<char*>(buf), ce.size() + 2));
      if (wc) return answer_at(*wc, owner, qtype, depth);
    }
    res_.rcode = wire::rcode::NXDOMAIN;
    negative();
  }

  void answer_at(const Node& node, const Owner& owner, uint16_t qtype, int depth) noexcept {
    if ((node.flags & zone::ZoneSnapshot::kSelf) && z_.self_refused() &&
        (qtype == T::A || qtype == T::AAAA || qtype == T::ANY)) {
      // docs/dnsd.md "Drain": a drained node refuses its self names so resolvers move on at once.
      res_.rcode = wire::rcode::REFUSED;
      res_.authoritative = false;
      return;
    }
    if ((node.flags & zone::ZoneSnapshot::kCname) && qtype != T::CNAME) {
      const RRset* cname = z_.rrset(node, T::CNAME);
      if (cname && !put(Section::Answer, owner, *cname)) return;
      if (cname) follow_cname(*cname, qtype, depth);
      return;
    }
    if (qtype == T::ANY) {
      // RFC 8482 4.2: answer with one RRset of the node rather than all of them.
      if (node.rrset_count == 0) return negative();
      put(Section::Answer, owner, *z_.rrsets_begin(node));
      return;
    }
    const RRset* set = z_.rrset(node, qtype);
    if (!set) return negative();
    if (!put(Section::Answer, owner, *set)) return;
    if (qtype == T::NS || qtype == T::MX || qtype == T::SRV) additional_for(*set, qtype, false);
  }

  void follow_cname(const RRset& cname, uint16_t qtype, int depth) noexcept {
    if (depth + 1 >= kMaxCnameChain) return;
    const uint8_t* p = zone::ZoneSnapshot::rdata(cname);
    uint16_t len = static_cast<uint16_t>(p[0] << 8 | p[1]);
    wire::NameBuf target;
    if (len > wire::kMaxNameLength) return;
    std::memcpy(target.data, p + 2, len);
    target.length = len;
    if (!wire::index_labels(target)) return;
    if (!wire::is_subdomain(target.view(), z_.apex())) return;  // out of zone: resolver's job
    lookup(target, Owner{0, target.view()}, qtype, depth + 1);
  }

  void referral(const Node& cut, std::string_view cut_name) noexcept {
    res_.authoritative = false;  // RFC 1034 4.3.2: referrals are not authoritative
    const RRset* ns = z_.rrset(cut, T::NS);
    if (!ns || !put(Section::Authority, Owner{0, cut_name}, *ns)) return;
    additional_for(*ns, T::NS, true);
  }

  // A/AAAA for the names in NS/MX/SRV rdata, when they are in this zone. Glue below a
  // referral's cut is required (TC if it does not fit); anything else is best effort.
  void additional_for(const RRset& set, uint16_t type, bool referral) noexcept {
    const uint8_t* p = zone::ZoneSnapshot::rdata(set);
    for (uint16_t i = 0; i < set.count; ++i) {
      uint16_t len = static_cast<uint16_t>(p[0] << 8 | p[1]);
      const uint8_t* rd = p + 2;
      p += 2u + len;
      size_t skip = type == T::MX ? 2 : type == T::SRV ? 6 : 0;
      if (len <= skip) continue;
      std::string_view target(reinterpret_cast<const char*>(rd + skip), len - skip);
      if (!wire::is_subdomain(target, z_.apex())) continue;
      wire::NameBuf lower;
      if (target.size() > sizeof lower.data) continue;
      std::memcpy(lower.data, target.data(), target.size());
      lower.length = static_cast<uint16_t>(target.size());
      wire::lowercase(lower);
      const Node* n = z_.find(lower.view());
      if (!n) continue;
      for (uint16_t t : {T::A, T::AAAA}) {
        const RRset* addr = z_.rrset(*n, t);
        if (!addr) continue;
        if (!out_.rrset(Section::Additional, Owner{0, lower.view()}, *addr) && referral)
          res_.truncated = true;
      }
    }
  }

  void negative() noexcept {
    // RFC 2308 3: SOA in authority, TTL = min(SOA TTL, SOA MINIMUM).
    const RRset* soa = z_.soa();
    if (soa) put(Section::Authority, Owner{0, z_.apex()}, *soa, z_.negative_ttl());
  }

  bool put(Section s, const Owner& owner, const RRset& set) noexcept {
    return put(s, owner, set, set.ttl);
  }
  bool put(Section s, const Owner& owner, const RRset& set, uint32_t ttl) noexcept {
    if (out_.rrset(s, owner, set, ttl)) return true;
    res_.truncated = true;
    return false;
  }

  void servfail() noexcept { res_.rcode = wire::rcode::SERVFAIL; }

  const zone::ZoneSnapshot& z_;
  ResponseWriter& out_;
  Resolution res_;
};

}  // namespace

Resolution apex_referral(const zone::ZoneSnapshot& zone, bool upward, ResponseWriter& out) noexcept {
  return Resolver(zone, out).apex_referral(upward);
}

Resolution resolve(const zone::ZoneSnapshot& zone, const wire::NameBuf& qname_lower,
                   uint16_t qtype, ResponseWriter& out) noexcept {
  return Resolver(zone, out).run(qname_lower, qtype);
}

}  // namespace dnsd::answer
