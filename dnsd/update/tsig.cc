// TSIG signing and verification.
#include "dnsd/update/tsig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "dnsd/wire/byte_append.h"
#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/wire/wire_reader.h"

namespace dnsd::update {
namespace {

const EVP_MD* digest(common::TsigAlgorithm a) {
  switch (a) {
    case common::TsigAlgorithm::HmacSha384: return EVP_sha384();
    case common::TsigAlgorithm::HmacSha512: return EVP_sha512();
    default: return EVP_sha256();
  }
}

using wire::append_u16;
using wire::append_u32;
using wire::append_u48;

void put_bytes(std::vector<uint8_t>& v, const std::string& s) { v.insert(v.end(), s.begin(), s.end()); }

std::string lower_wire(const std::string& text_name) {
  auto w = wire::name_from_text(text_name);
  std::string out = w ? *w : std::string(1, '\0');
  for (auto& c : out) c = static_cast<char>(wire::lower_byte(static_cast<uint8_t>(c)));
  return out;
}

// TSIG variables (RFC 8945 4.3.3): key name, class ANY, TTL 0, algorithm, time, fudge,
// error, other.
void put_variables(std::vector<uint8_t>& v, const std::string& key_wire, const std::string& alg_wire,
                   uint64_t time, uint16_t fudge, uint16_t error, const std::vector<uint8_t>& other) {
  put_bytes(v, key_wire);
  append_u16(v, wire::klass::ANY);
  append_u32(v, 0);
  put_bytes(v, alg_wire);
  append_u48(v, time);
  append_u16(v, fudge);
  append_u16(v, error);
  append_u16(v, static_cast<uint16_t>(other.size()));
  v.insert(v.end(), other.begin(), other.end());
}

void append_tsig_rr(std::vector<uint8_t>& msg, const std::string& key_wire, const std::string& alg_wire,
                    uint64_t time, uint16_t fudge, const std::vector<uint8_t>& mac, uint16_t original_id,
                    uint16_t error, const std::vector<uint8_t>& other) {
  put_bytes(msg, key_wire);
  append_u16(msg, wire::type::TSIG);
  append_u16(msg, wire::klass::ANY);
  append_u32(msg, 0);
  std::vector<uint8_t> rd;
  put_bytes(rd, alg_wire);
  append_u48(rd, time);
  append_u16(rd, fudge);
  append_u16(rd, static_cast<uint16_t>(mac.size()));
  rd.insert(rd.end(), mac.begin(), mac.end());
  append_u16(rd, original_id);
  append_u16(rd, error);
  append_u16(rd, static_cast<uint16_t>(other.size()));
  rd.insert(rd.end(), other.begin(), other.end());
  append_u16(msg, static_cast<uint16_t>(rd.size()));
  msg.insert(msg.end(), rd.begin(), rd.end());
  uint16_t ar = static_cast<uint16_t>(msg[10] << 8 | msg[11]);
  ++ar;
  msg[10] = static_cast<uint8_t>(ar >> 8);
  msg[11] = static_cast<uint8_t>(ar);
}

}  // namespace

std::vector<uint8_t> hmac(const common::TsigKey& key, const uint8_t* data, size_t len) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(digest(key.algorithm), key.secret.data(), static_cast<int>(key.secret.size()), data, len, out,
       &out_len);
  return std::vector<uint8_t>(out, out + out_len);
}

TsigVerification verify_request(const uint8_t* msg, size_t len, size_t tsig_offset,
                                const std::vector<common::TsigKey>& keys, uint64_t now) {
  TsigVerification v;
  if (tsig_offset == 0) return v;
  v.status = TsigVerification::Status::FormErr;
  v.unsigned_length = tsig_offset;
  wire::WireReader r(msg, len);
  r.seek(tsig_offset);
  wire::NameBuf name, alg;
  if (!r.name(name)) return v;
  r.skip(8);  // type, class, ttl
  uint16_t rdlen = r.u16();
  size_t rd_start = r.pos();
  if (!r.name(alg)) return v;
  uint64_t hi = r.u16();
  v.record.time_signed = hi << 32 | r.u32();
  v.record.fudge = r.u16();
  uint16_t mac_size = r.u16();
  const uint8_t* mac = r.bytes(mac_size);
  v.record.original_id = r.u16();
  v.record.error = r.u16();
  uint16_t other_len = r.u16();
  const uint8_t* other = r.bytes(other_len);
  if (!r.ok() || r.pos() != rd_start + rdlen) return v;
  wire::lowercase(name);
  wire::lowercase(alg);
  v.record.key_name.assign(name.view());
  v.record.algorithm.assign(alg.view());
  v.record.mac.assign(mac, mac + mac_size);
  v.record.other.assign(other, other + other_len);

  for (const auto& k : keys) {
    if (lower_wire(k.name) == v.record.key_name &&
        lower_wire(common::tsig_algorithm_name(k.algorithm)) == v.record.algorithm) {
      v.key = &k;
      break;
    }
  }
  if (!v.key) {
    v.status = TsigVerification::Status::BadKey;
    return v;
  }
  // Digest input: the request without TSIG, ARCOUNT - 1, ID = original ID; then variables.
  std::vector<uint8_t> data(msg, msg + tsig_offset);
  uint16_t ar = static_cast<uint16_t>(data[10] << 8 | data[11]);
  --ar;
  data[10] = static_cast<uint8_t>(ar >> 8);
  data[11] = static_cast<uint8_t>(ar);
  data[0] = static_cast<uint8_t>(v.record.original_id >> 8);
  data[1] = static_cast<uint8_t>(v.record.original_id);
  put_variables(data, v.record.key_name, v.record.algorithm, v.record.time_signed, v.record.fudge,
                v.record.error, v.record.other);
  std::vector<uint8_t> expect = hmac(*v.key, data.data(), data.size());
  // RFC 8945 5.2.2.1: longer than the hash, or shorter than max(10, half), is FORMERR.
  if (mac_size > expect.size() || mac_size < std::max<size_t>(10, expect.size() / 2)) {
    v.status = TsigVerification::Status::FormErr;
    return v;
  }
  if (CRYPTO_memcmp(expect.data(), mac, mac_size) != 0) {
    v.status = TsigVerification::Status::BadSig;
    return v;
  }
  uint64_t diff = now > v.record.time_signed ? now - v.record.time_signed : v.record.time_signed - now;
  if (diff > v.record.fudge) {
    v.status = TsigVerification::Status::BadTime;
    return v;
  }
  v.status = TsigVerification::Status::Ok;
  return v;
}

TsigSigner::TsigSigner(const common::TsigKey& key, const TsigRecord& request, uint64_t now,
                       uint16_t error)
    : key_(key), prior_mac_(request.mac), original_id_(request.original_id), now_(now), error_(error) {}

void TsigSigner::sign(std::vector<uint8_t>& msg) {
  std::string key_wire = lower_wire(key_.name);
  std::string alg_wire = lower_wire(common::tsig_algorithm_name(key_.algorithm));
  std::vector<uint8_t> other;
  if (error_ == tsig_error::BADTIME) append_u48(other, now_);  // RFC 8945 5.2.3
  std::vector<uint8_t> data;
  append_u16(data, static_cast<uint16_t>(prior_mac_.size()));
  data.insert(data.end(), prior_mac_.begin(), prior_mac_.end());
  data.insert(data.end(), msg.begin(), msg.end());
  if (first_) {
    put_variables(data, key_wire, alg_wire, now_, 300, error_, other);
  } else {
    append_u48(data, now_);  // timers only (RFC 8945 5.3.1)
    append_u16(data, 300);
  }
  std::vector<uint8_t> mac = hmac(key_, data.data(), data.size());
  append_tsig_rr(msg, key_wire, alg_wire, now_, 300, mac, original_id_, error_, other);
  prior_mac_ = std::move(mac);
  first_ = false;
}

void sign_request(std::vector<uint8_t>& msg, const common::TsigKey& key, uint64_t now) {
  std::string key_wire = lower_wire(key.name);
  std::string alg_wire = lower_wire(common::tsig_algorithm_name(key.algorithm));
  std::vector<uint8_t> data(msg);
  put_variables(data, key_wire, alg_wire, now, 300, 0, {});
  std::vector<uint8_t> mac = hmac(key, data.data(), data.size());
  uint16_t id = static_cast<uint16_t>(msg[0] << 8 | msg[1]);
  append_tsig_rr(msg, key_wire, alg_wire, now, 300, mac, id, 0, {});
}

TsigResponseVerifier::TsigResponseVerifier(const common::TsigKey& key, std::vector<uint8_t> request_mac,
                                           uint64_t now)
    : key_(key), prior_mac_(std::move(request_mac)), now_(now) {}

bool TsigResponseVerifier::verify(const std::vector<uint8_t>& msg, std::string& error) {
  auto bad = [&](const std::string& why) {
    error = "TSIG of the response: " + why;
    return false;
  };
  wire::WireReader r(msg.data(), msg.size());
  r.skip(4);
  uint16_t qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
  if (!r.ok() || ar == 0) return bad("unsigned");
  wire::NameBuf name, alg;
  for (uint16_t i = 0; i < qd && r.ok(); ++i) {
    r.name(name);
    r.skip(4);
  }
  for (uint32_t i = 0; i + 1 < uint32_t{an} + ns + ar && r.ok(); ++i) {
    r.name(name);
    r.skip(8);
    r.skip(r.u16());
  }
  size_t tsig_offset = r.pos();
  r.name(name);
  uint16_t type = r.u16();
  r.skip(6);  // class, TTL
  uint16_t rdlen = r.u16();
  size_t rd_start = r.pos();
  r.name(alg);
  uint64_t hi = r.u16();
  uint64_t time_signed = hi << 32 | r.u32();
  uint16_t fudge = r.u16();
  uint16_t mac_size = r.u16();
  const uint8_t* mac = r.bytes(mac_size);
  uint16_t original_id = r.u16();
  uint16_t tsig_error = r.u16();
  uint16_t other_len = r.u16();
  const uint8_t* other = r.bytes(other_len);
  if (!r.ok() || type != wire::type::TSIG || r.pos() != rd_start + rdlen || r.pos() != msg.size())
    return bad("unsigned, or not a TSIG RR last");
  wire::lowercase(name);
  wire::lowercase(alg);
  std::string key_wire = lower_wire(key_.name);
  std::string alg_wire = lower_wire(common::tsig_algorithm_name(key_.algorithm));
  if (name.view() != key_wire || alg.view() != alg_wire) return bad("signed with another key");
  if (tsig_error != tsig_error::NOERROR) return bad("TSIG error " + std::to_string(tsig_error));
  std::vector<uint8_t> data;
  append_u16(data, static_cast<uint16_t>(prior_mac_.size()));
  data.insert(data.end(), prior_mac_.begin(), prior_mac_.end());
  size_t body = data.size();
  data.insert(data.end(), msg.begin(), msg.begin() + static_cast<long>(tsig_offset));
  data[body] = static_cast<uint8_t>(original_id >> 8);
  data[body + 1] = static_cast<uint8_t>(original_id);
  data[body + 10] = static_cast<uint8_t>((ar - 1) >> 8);
  data[body + 11] = static_cast<uint8_t>(ar - 1);
  if (first_) {
    put_variables(data, key_wire, alg_wire, time_signed, fudge, tsig_error,
                  std::vector<uint8_t>(other, other + other_len));
  } else {
    append_u48(data, time_signed);  // timers only (RFC 8945 5.3.1)
    append_u16(data, fudge);
  }
  std::vector<uint8_t> expect = hmac(key_, data.data(), data.size());
  if (mac_size > expect.size() || mac_size < std::max<size_t>(10, expect.size() / 2) ||
      CRYPTO_memcmp(expect.data(), mac, mac_size) != 0)
    return bad("wrong MAC");
  uint64_t diff = now_ > time_signed ? now_ - time_signed : time_signed - now_;
  if (diff > fudge) return bad("signed " + std::to_string(diff) + " s away from our clock");
  prior_mac_.assign(mac, mac + mac_size);
  first_ = false;
  return true;
}

void append_unsigned_tsig(std::vector<uint8_t>& msg, const TsigRecord& request, uint16_t error,
                          uint64_t now) {
  append_tsig_rr(msg, request.key_name, request.algorithm, now, 300, {}, request.original_id, error, {});
}

}  // namespace dnsd::update
