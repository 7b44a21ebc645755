// Test helpers for answer()/zone tests.
#include "testutil/dns_test_util.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "dnsd/wire/name.h"
#include "dnsd/zone/zone_loader.h"

namespace dnsd::testutil {

std::shared_ptr<zone::Catalog> make_catalog(const std::vector<ZoneSpec>& zones,
                                            std::string identity) {
  auto cat = std::make_shared<zone::Catalog>();
  cat->identity = std::move(identity);
  for (const ZoneSpec& z : zones) {
    char path[] = "/tmp/dnsd-test-zone-XXXXXX";
    int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    if (fd < 0) return nullptr;
    close(fd);
    { std::ofstream(path) << z.text; }
    std::string origin = *wire::name_from_text(z.origin);
    for (auto& c : origin) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
    common::ErrorList errors;
    auto content = zone::load_zone_file(path, origin, errors);
    std::remove(path);
    EXPECT_TRUE(errors.empty()) << errors.to_string();
    if (!content) return nullptr;
    zone::ZoneEntry e;
    e.self.node_name = z.node_name;
    for (const auto& s : z.self) {
      std::string owner = s == "@" ? origin : (*wire::name_from_text(s + ".")).substr(0, s.size() + 1) + origin;
      for (auto& c : owner) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
      e.self.owners.push_back(owner);
    }
    for (const auto& a : z.ipv4) {
      in_addr v{};
      inet_pton(AF_INET, a.c_str(), &v);
      e.self.ipv4.push_back(v);
    }
    for (const auto& a : z.ipv6) {
      in6_addr v{};
      inet_pton(AF_INET6, a.c_str(), &v);
      e.self.ipv6.push_back(v);
    }
    e.snapshot = content->build(std::make_shared<const zone::SelfSpec>(e.self));
    cat->zones.push_back(std::move(e));
  }
  return cat;
}

std::vector<uint8_t> make_query(const std::string& name, uint16_t type, const QueryOptions& o) {
  ldns_rdf* dname = ldns_dname_new_frm_str(name.c_str());
  ldns_pkt* p = ldns_pkt_query_new(dname, static_cast<ldns_rr_type>(type),
                                   static_cast<ldns_rr_class>(o.qclass), o.rd ? LDNS_RD : 0);
  ldns_pkt_set_id(p, o.id);
  if (o.edns) {
    ldns_pkt_set_edns_udp_size(p, o.payload);
    ldns_pkt_set_edns_version(p, o.version);
    std::string opts;  // option code, length, data
    if (o.nsid) opts.append("\x00\x03\x00\x00", 4);
    if (!o.cookie.empty()) {
      opts.append("\x00\x0a", 2);
      opts.push_back(static_cast<char>(o.cookie.size() >> 8));
      opts.push_back(static_cast<char>(o.cookie.size()));
      opts.append(o.cookie.begin(), o.cookie.end());
    }
    if (!opts.empty())
      ldns_pkt_set_edns_data(p, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, opts.size(), opts.data()));
  }
  return to_wire(p);
}

std::vector<uint8_t> to_wire(ldns_pkt* p) {
  uint8_t* wire = nullptr;
  size_t len = 0;
  ldns_pkt2wire(&wire, p, &len);
  std::vector<uint8_t> out(wire, wire + len);
  free(wire);
  ldns_pkt_free(p);
  return out;
}

std::vector<std::string> Response::section(ldns_pkt_section s) const {
  std::vector<std::string> lines;
  ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, s);
  for (size_t i = 0; list && i < ldns_rr_list_rr_count(list); ++i) {
    char* str = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line(str);
    free(str);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    for (auto& c : line)
      if (c == '\t') c = ' ';
    lines.push_back(line);
  }
  if (list) ldns_rr_list_deep_free(list);
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<uint8_t> Response::edns_option(uint16_t code) const {
  ldns_rdf* data = pkt ? ldns_pkt_edns_data(pkt) : nullptr;
  if (!data) return {};
  const uint8_t* p = ldns_rdf_data(data);
  size_t n = ldns_rdf_size(data);
  for (size_t i = 0; i + 4 <= n;) {
    uint16_t c = static_cast<uint16_t>(p[i] << 8 | p[i + 1]);
    size_t len = static_cast<size_t>(p[i + 2] << 8 | p[i + 3]);
    if (i + 4 + len > n) break;
    if (c == code) return {p + i + 4, p + i + 4 + len};
    i += 4 + len;
  }
  return {};
}

std::unique_ptr<Response> run(const zone::Catalog& c, const std::vector<uint8_t>& query,
                              answer::Transport t, bool refuse_all,
                              answer::StopAnswer stop_answer) {
  answer::QueryContext ctx;
  ctx.transport = t;
  ctx.refuse_all = refuse_all;
  ctx.stop_answer = stop_answer;
  return run(c, query, ctx);
}

std::unique_ptr<Response> run(const zone::Catalog& c, const std::vector<uint8_t>& query,
                              const answer::QueryContext& ctx) {
  auto r = std::make_unique<Response>();
  r->wire.resize(65535);
  r->result = answer::answer(query.data(), query.size(), c, ctx, r->wire.data(), r->wire.size());
  r->wire.resize(r->result.length);
  if (r->result.outcome == answer::Outcome::Answered) {
    ldns_status s = ldns_wire2pkt(&r->pkt, r->wire.data(), r->wire.size());
    EXPECT_EQ(s, LDNS_STATUS_OK) << "response does not parse: " << ldns_get_errorstr_by_id(s);
  }
  return r;
}

std::unique_ptr<Response> ask(const zone::Catalog& c, const std::string& name, uint16_t type,
                              const QueryOptions& o, answer::Transport t) {
  return run(c, make_query(name, type, o), t);
}

}  // namespace dnsd::testutil
