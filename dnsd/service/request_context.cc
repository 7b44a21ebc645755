// Request context.
#include "dnsd/service/request_context.h"

#include "dnsd/wire/dns_constants.h"
#include "dnsd/wire/name.h"
#include "dnsd/wire/response_header.h"

namespace dnsd::service {
namespace {
using Status = update::TsigVerification::Status;
}

void finish_tsig(std::vector<uint8_t>& r, const update::TsigVerification& v, uint64_t now) {
  if (v.status == Status::Ok) {
    update::TsigSigner(*v.key, v.record, now).sign(r);
  } else if (v.status == Status::BadTime) {
    update::TsigSigner(*v.key, v.record, now, update::tsig_error::BADTIME).sign(r);
  } else if (v.status == Status::BadKey) {
    update::append_unsigned_tsig(r, v.record, update::tsig_error::BADKEY, now);
  } else if (v.status == Status::BadSig) {
    update::append_unsigned_tsig(r, v.record, update::tsig_error::BADSIG, now);
  }
}

std::string RequestContext::who() const {
  std::string s = request.client.to_string();
  if (tsig.status != Status::Unsigned) s += " key " + wire::name_to_text(tsig.record.key_name);
  return s;
}

std::vector<uint8_t> RequestContext::reply(uint8_t rcode, bool tc) const {
  const auto& q = bytes();
  auto r = wire::response_head(q.data(), parsed.has_question ? parsed.question_end : wire::kHeaderSize,
                               parsed.opcode, parsed.flags, rcode, {.tc = tc});
  finish_tsig(r, tsig, now);
  return r;
}

uint8_t RequestContext::tsig_failure_rcode() const {
  switch (tsig.status) {
    case Status::FormErr: return wire::rcode::FORMERR;
    case Status::BadKey:
    case Status::BadSig:
    case Status::BadTime: return wire::rcode::NOTAUTH;
    default: return 0;
  }
}

bool make_context(RequestContext& ctx, std::shared_ptr<const zone::Catalog> catalog, uint64_t now) {
  const auto& q = ctx.bytes();
  answer::parse_query(q.data(), q.size(), ctx.parsed);
  if (ctx.parsed.decision != answer::Decision::Ok) return false;
  ctx.catalog = std::move(catalog);
  ctx.now = now;
  ctx.tsig = update::verify_request(q.data(), q.size(), ctx.parsed.tsig_offset, ctx.catalog->keys, now);
  ctx.zone_text = wire::name_to_text(ctx.parsed.qname_lower.view());
  std::string apex(ctx.parsed.qname_lower.view());
  for (const auto& z : ctx.catalog->zones)
    if (z.snapshot->apex() == apex) ctx.zone = &z;
  return true;
}

}  // namespace dnsd::service
