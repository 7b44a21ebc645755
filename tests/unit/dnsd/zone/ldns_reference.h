// The reference for the master file reader: the loader's former ldns loop
// (ldns_rr_new_frm_fp_l, one call per record), its results in the shape of
// read_master_file's. Shared by the unit test and the fuzz target.
#pragma once
#include <cstdio>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include "dnsd/common/ldns_include.h"
#include "dnsd/wire/name.h"
#include "dnsd/zone/master_file.h"

namespace dnsd::zone::reference {

struct Rec {
  std::string owner;
  uint16_t type, klass;
  uint32_t ttl;
  std::string rdata;
  int line;
  bool operator==(const Rec&) const = default;
};

struct Result {
  std::vector<Rec> recs;
  std::vector<std::string> errors;  // "line: reason"
};

inline std::string hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

inline std::ostream& operator<<(std::ostream& os, const Rec& r) {
  return os << "{" << wire::name_to_text(r.owner) << " " << r.ttl << " class " << r.klass
            << " type " << r.type << " " << hex(r.rdata) << " line " << r.line << "}";
}

inline Result with_reader(const std::string& path, const std::string& origin) {
  Result r;
  common::ErrorList errors;
  read_master_file(path, origin, errors, [&](const MasterRecord& m) {
    r.recs.push_back({std::string(m.owner), m.type, m.klass, m.ttl, std::string(m.rdata), m.line});
  });
  for (const auto& e : errors.errors())
    r.errors.push_back(std::to_string(e.line) + ": " + e.reason);
  return r;
}

// The physical line where ldns's next record starts when it reads from `pos`: the first
// byte that is not blank, a parenthesis or inside a comment.
inline int start_line(const std::string& d, size_t pos) {
  while (pos < d.size()) {
    char c = d[pos];
    if (c == ';') {
      while (pos < d.size() && d[pos] != '\n') ++pos;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' ||
               c == '\0' || c == '(' || c == ')') {
      ++pos;
    } else {
      break;
    }
  }
  int line = 1;
  for (size_t i = 0; i < pos && i < d.size(); ++i) line += d[i] == '\n';
  return line;
}

inline std::string text_of_line(const std::string& d, int n) {
  std::string out;
  int line = 1;
  for (char c : d) {
    if (c == '\n') {
      if (++line > n) break;
    } else if (line == n && out.size() < 120) {
      out.push_back(c);
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r'))
    out.pop_back();
  return out;
}

// The former loader's loop, verbatim in its ldns calls; lines as the record's first line.
inline Result with_ldns(const std::string& path, const std::string& origin) {
  Result r;
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  FILE* fp = std::fopen(path.c_str(), "r");
  if (!fp) return r;
  ldns_rdf* ldns_origin = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin.size(), origin.data());
  ldns_rdf* prev = ldns_origin ? ldns_rdf_clone(ldns_origin) : nullptr;
  uint32_t default_ttl = 3600;
  int line_nr = 0;
  while (!std::feof(fp)) {
    int line = start_line(data, static_cast<size_t>(std::ftell(fp)));
    ldns_rr* rr = nullptr;
    ldns_status s = ldns_rr_new_frm_fp_l(&rr, fp, &default_ttl, &ldns_origin, &prev, &line_nr);
    if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
        s == LDNS_STATUS_SYNTAX_ORIGIN)
      continue;
    if (s == LDNS_STATUS_SYNTAX_INCLUDE) {
      r.errors.push_back(std::to_string(line) +
                         ": $INCLUDE is not supported; use one file per zone");
    } else if (s != LDNS_STATUS_OK) {
      std::string text = text_of_line(data, line);
      r.errors.push_back(std::to_string(line) + ": " + ldns_get_errorstr_by_id(s) +
                         (text.empty() ? "" : ": " + text));
    } else {
      ldns_buffer* buf = ldns_buffer_new(512);
      ldns_rr_rdata2buffer_wire(buf, rr);
      const ldns_rdf* o = ldns_rr_owner(rr);
      const char* owner = reinterpret_cast<const char*>(ldns_rdf_data(o));
      r.recs.push_back({std::string(owner, ldns_rdf_size(o)),
                        static_cast<uint16_t>(ldns_rr_get_type(rr)),
                        static_cast<uint16_t>(ldns_rr_get_class(rr)), ldns_rr_ttl(rr),
                        std::string(reinterpret_cast<const char*>(ldns_buffer_begin(buf)),
                                    ldns_buffer_position(buf)),
                        line});
      ldns_buffer_free(buf);
      ldns_rr_free(rr);
    }
    if (r.errors.size() > 50) break;
  }
  std::fclose(fp);
  if (ldns_origin) ldns_rdf_deep_free(ldns_origin);
  if (prev) ldns_rdf_deep_free(prev);
  return r;
}

}  // namespace dnsd::zone::reference
