// One sentinel.toml value checked against its key's kind and range (the key table's rules).
#include <algorithm>
#include <filesystem>
#include <sstream>

#include "dnsd/common/address.h"
#include "dnsd/common/dns_name_text.h"
#include "dnsd/common/duration.h"
#include "sentinel/config/sentinel_keys.h"

namespace sentinel::config {
namespace fs = std::filesystem;
using dnsd::common::ErrorList;

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(base_dir) / p).lexically_normal().string();
}

namespace {

std::string as_text(const toml::node& n) {
  if (auto s = n.as_string()) return "\"" + s->get() + "\"";
  std::ostringstream out;
  n.visit([&](const auto& v) { out << v; });
  return out.str();
}

std::string in_quotes(const std::string& s) { return "\"" + s + "\""; }

// Two choices read as values ("auto" or "manual"), more as written (a|b|c); a selector's
// as prose (dns, tcp, http or tls).
std::string choice_reason(std::string_view choices, bool selector) {
  std::vector<std::string> c;
  for (size_t start = 0;;) {
    size_t bar = choices.find('|', start);
    c.emplace_back(choices.substr(start, bar - start));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  if (c.size() == 2 && !selector) return "must be " + in_quotes(c[0]) + " or " + in_quotes(c[1]);
  if (!selector) return "must be " + std::string(choices);
  std::string out = "must be ";
  for (size_t i = 0; i < c.size(); ++i)
    out += (i == 0 ? "" : i + 1 == c.size() ? " or " : ", ") + c[i];
  return out;
}

bool is_choice(std::string_view choices, std::string_view v) {
  for (size_t start = 0;;) {
    size_t bar = choices.find('|', start);
    if (choices.substr(start, bar - start) == v) return true;
    if (bar == std::string_view::npos) return false;
    start = bar + 1;
  }
}

bool is_url(const std::string& v) {
  return v.rfind("http://", 0) == 0 || v.rfind("https://", 0) == 0;
}

class Converter {
 public:
  Converter(const KeySpec& k, const toml::node& n, const ValueContext& ctx, ErrorList& errors)
      : k_(k), n_(n), ctx_(ctx), errors_(errors) {}

  std::optional<Value> run();

 private:
  std::nullopt_t fail(const std::string& value, const std::string& reason) {
    errors_.add(ctx_.file, static_cast<int>(n_.source().begin.line), ctx_.key, value, reason);
    return std::nullopt;
  }
  std::optional<std::string> string() {
    if (auto s = n_.as_string()) return s->get();
    fail(k_.kind == ValueKind::Secret ? "" : as_text(n_), "must be a string");
    return std::nullopt;
  }
  std::optional<std::vector<std::string>> strings() {
    const toml::array* a = n_.as_array();
    std::vector<std::string> out;
    for (size_t i = 0; a && i < a->size(); ++i) {
      auto s = a->get(i)->as_string();
      if (!s)
        a = nullptr;
      else
        out.push_back(s->get());
    }
    if (!a) {
      fail(as_text(n_), "must be an array of strings");
      return std::nullopt;
    }
    return out;
  }
  std::optional<Value> owner_names(std::vector<std::string> in);
  std::optional<Value> url_list(std::vector<std::string> in);
  std::optional<Value> id_list(std::vector<std::string> in);
  std::optional<Value> address_list(std::vector<std::string> in);

  const KeySpec& k_;
  const toml::node& n_;
  const ValueContext& ctx_;
  ErrorList& errors_;
};

std::optional<Value> Converter::owner_names(std::vector<std::string> in) {
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& s : in) {
    std::string reason;
    auto n = dnsd::common::normalize_relative_name(s, reason);
    if (!n || *n == "@" || n->find('*') != std::string::npos) {
      fail(in_quotes(s), n ? "must be a name below the zone" : reason);
      ok = false;
    } else {
      out.push_back(*n);
    }
  }
  if (!ok) return std::nullopt;
  if (static_cast<int64_t>(out.size()) < k_.min || static_cast<int64_t>(out.size()) > k_.max)
    return fail(as_text(n_),
                "needs " + std::to_string(k_.min) + ".." + std::to_string(k_.max) + " names");
  return out;
}

std::optional<Value> Converter::url_list(std::vector<std::string> in) {
  if (in.empty()) return fail(as_text(n_), "needs at least one URL");
  if (static_cast<int64_t>(in.size()) > k_.max)
    return fail(as_text(n_), "at most " + std::to_string(k_.max) + " URLs");
  for (const auto& u : in)
    if (!is_url(u)) return fail(in_quotes(u), "must start with http:// or https://");
  return in;
}

std::optional<Value> Converter::id_list(std::vector<std::string> in) {
  if (in.empty()) return fail(as_text(n_), "needs at least one id");
  if (in.size() > 16) return fail(as_text(n_), "at most 16 ids");
  for (size_t i = 0; i < in.size(); ++i) {
    const auto& s = in[i];
    if (s.empty() || static_cast<int64_t>(s.size()) > k_.max ||
        s.find_first_of(" \"\\/") != std::string::npos)
      return fail(in_quotes(s), "1.." + std::to_string(k_.max) +
                                    " characters, no spaces, quotes or slashes");
    for (size_t j = 0; j < i; ++j)
      if (in[j] == s) return fail(in_quotes(s), "listed twice");
  }
  return in;
}

std::optional<Value> Converter::address_list(std::vector<std::string> in) {
  if (static_cast<int64_t>(in.size()) < k_.min || static_cast<int64_t>(in.size()) > k_.max)
    return fail(as_text(n_), "needs " + std::to_string(k_.min) + ".." + std::to_string(k_.max) +
                                 " addresses");
  std::vector<std::string> out;
  for (const auto& s : in) {
    auto a = dnsd::common::parse_socket_address(s, k_.default_port);
    if (!a)
      return fail(in_quotes(s), k_.default_port ? "not an address or address:port"
                                                : "not an address:port");
    std::string text = a->to_string();
    if (std::find(out.begin(), out.end(), text) != out.end())
      return fail(in_quotes(s), "listed twice");
    out.push_back(std::move(text));
  }
  return out;
}

std::optional<Value> Converter::run() {
  using VK = ValueKind;
  std::string reason;
  switch (k_.kind) {
    case VK::Bool:
      if (auto b = n_.as_boolean()) return b->get();
      return fail(as_text(n_), "must be true or false");
    case VK::Integer: {
      auto i = n_.as_integer();
      if (!i) return fail(as_text(n_), "must be an integer");
      if (i->get() < k_.min || i->get() > k_.max)
        return fail(as_text(n_),
                    "out of range " + std::to_string(k_.min) + ".." + std::to_string(k_.max));
      return i->get();
    }
    case VK::Number: {
      double v = 0;
      if (auto i = n_.as_integer())
        v = static_cast<double>(i->get());
      else if (auto f = n_.as_floating_point())
        v = f->get();
      else
        return fail(as_text(n_), "must be a number");
      if (v < static_cast<double>(k_.min))
        return fail(as_text(n_), "must be at least " + std::to_string(k_.min));
      return v;
    }
    case VK::External:
      return fail(as_text(n_), "is read by its own reader");
    default:
      break;
  }
  if (k_.kind == VK::Ipv4List || k_.kind == VK::Ipv6List || k_.kind == VK::OwnerNames ||
      k_.kind == VK::Command || k_.kind == VK::UrlList || k_.kind == VK::IdList ||
      k_.kind == VK::AddressList) {
    auto list = strings();
    if (!list) return std::nullopt;
    if (k_.kind == VK::AddressList) return address_list(std::move(*list));
    if (k_.kind == VK::UrlList) return url_list(std::move(*list));
    if (k_.kind == VK::IdList) return id_list(std::move(*list));
    if (k_.kind == VK::OwnerNames) return owner_names(std::move(*list));
    if (k_.kind == VK::Command) {
      if (list->empty())
        return fail(as_text(n_), "a non-empty array: [\"path/to/hook\", \"args\"...]");
      if ((*list)[0].find('/') != std::string::npos)
        (*list)[0] = resolve_path(ctx_.base_dir, (*list)[0]);
      return *list;
    }
    bool v4 = k_.kind == VK::Ipv4List, ok = true;
    for (const auto& a : *list) {
      if (v4 ? !dnsd::common::parse_ipv4(a) : !dnsd::common::parse_ipv6(a)) {
        fail(in_quotes(a), v4 ? "not an IPv4 address" : "not an IPv6 address");
        ok = false;
      }
    }
    if (!ok) return std::nullopt;
    return *list;
  }
  auto s = string();
  if (!s) return std::nullopt;
  const std::string v = in_quotes(*s);
  switch (k_.kind) {
    case VK::Duration: {
      auto d = dnsd::common::parse_duration(*s);
      if (!d) return fail(v, "not a duration (use e.g. \"500ms\", \"10s\", \"2m\")");
      if (d->count() < k_.min)
        return fail(v, "must be at least " + dnsd::common::format_duration(Millis(k_.min)));
      return *d;
    }
    case VK::Choice:
    case VK::Selector:
      if (!is_choice(k_.choices, *s))
        return fail(v, choice_reason(k_.choices, k_.kind == VK::Selector));
      return *s;
    case VK::Id:
      if (s->empty() || static_cast<int64_t>(s->size()) > k_.max ||
          s->find_first_of(" \"\\") != std::string::npos)
        return fail(v, "1.." + std::to_string(k_.max) + " characters, no spaces or quotes");
      return *s;
    case VK::Secret:
      if (static_cast<int64_t>(s->size()) < k_.min)
        return fail("", "must be at least " + std::to_string(k_.min) + " characters");
      return *s;
    case VK::Path:
      return resolve_path(ctx_.base_dir, *s);
    case VK::Address: {
      auto a = dnsd::common::parse_socket_address(*s, k_.default_port);
      if (!a)
        return fail(v, k_.default_port ? "not an address or address:port" : "not an address:port");
      return *a;
    }
    case VK::ZoneName: {
      auto z = dnsd::common::normalize_absolute_name(*s, reason);
      if (!z || *z == ".") return fail(v, z ? "must not be the root" : reason);
      return *z;
    }
    case VK::OwnerName: {
      auto n = dnsd::common::normalize_relative_name(*s, reason);
      if (!n || *n == "@" || n->find('*') != std::string::npos)
        return fail(v, n ? "must be a name below the zone" : reason);
      return *n;
    }
    case VK::Label: {
      auto n = dnsd::common::normalize_relative_name(*s, reason);
      if (!n || *n == "@" || n->find_first_of("*.") != std::string::npos)
        return fail(v, n ? "must be a single label like lb1" : reason);
      return *n;
    }
    case VK::Url:
      if (!is_url(*s)) return fail(v, "must start with http:// or https://");
      return *s;
    default:
      return *s;  // Text
  }
}

}  // namespace

std::optional<Value> convert_value(const KeySpec& spec, const toml::node& node,
                                   const ValueContext& ctx, ErrorList& errors) {
  return Converter(spec, node, ctx, errors).run();
}

}  // namespace sentinel::config
