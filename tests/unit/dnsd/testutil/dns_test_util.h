// Test helpers: build a Catalog from zone text, build queries and parse responses with
// ldns (an independent implementation of the wire format), run answer().
#pragma once
#include "dnsd/common/ldns_include.h"

#include <memory>
#include <string>
#include <vector>

#include "dnsd/answer/answer.h"
#include "dnsd/zone/catalog.h"

namespace dnsd::testutil {

struct ZoneSpec {
  std::string origin;     // "example.com."
  std::string text;       // master file text
  std::vector<std::string> self;  // relative: "@", "*"
  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
  std::string node_name = "lb1";
};

// Builds a catalog; fails the current test (and returns nullptr) on zone errors.
std::shared_ptr<zone::Catalog> make_catalog(const std::vector<ZoneSpec>& zones,
                                            std::string identity = "");

struct QueryOptions {
  bool edns = true;
  uint16_t payload = 1232;
  uint8_t version = 0;
  bool nsid = false;
  bool rd = false;
  uint16_t qclass = LDNS_RR_CLASS_IN;
  uint16_t id = 4242;
  std::vector<uint8_t> cookie = {};  // COOKIE option data (RFC 7873), sent when not empty
};

// Encodes and frees `p`.
std::vector<uint8_t> to_wire(ldns_pkt* p);

std::vector<uint8_t> make_query(const std::string& name, uint16_t type, const QueryOptions& o = {});

// Owns a parsed response.
struct Response {
  answer::Result result;
  std::vector<uint8_t> wire;
  ldns_pkt* pkt = nullptr;
  ~Response() {
    if (pkt) ldns_pkt_free(pkt);
  }
  Response() = default;
  Response(const Response&) = delete;
  Response& operator=(const Response&) = delete;

  ldns_pkt_rcode rcode() const { return ldns_pkt_get_rcode(pkt); }
  bool aa() const { return ldns_pkt_aa(pkt); }
  bool tc() const { return ldns_pkt_tc(pkt); }
  size_t ancount() const { return ldns_pkt_ancount(pkt); }
  size_t nscount() const { return ldns_pkt_nscount(pkt); }
  size_t arcount() const { return ldns_pkt_arcount(pkt); }
  // The data of the response's EDNS option `code`, empty when it has none.
  std::vector<uint8_t> edns_option(uint16_t code) const;
  // "owner TTL CLASS TYPE rdata" lines of a section, as ldns prints them, sorted.
  std::vector<std::string> section(ldns_pkt_section s) const;
};

std::unique_ptr<Response> run(const zone::Catalog& c, const std::vector<uint8_t>& query,
                              answer::Transport t = answer::Transport::Udp,
                              bool refuse_all = false,
                              answer::StopAnswer stop_answer = answer::StopAnswer::Refused);
std::unique_ptr<Response> run(const zone::Catalog& c, const std::vector<uint8_t>& query,
                              const answer::QueryContext& ctx);
std::unique_ptr<Response> ask(const zone::Catalog& c, const std::string& name, uint16_t type,
                              const QueryOptions& o = {},
                              answer::Transport t = answer::Transport::Udp);

}  // namespace dnsd::testutil
