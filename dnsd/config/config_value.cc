// Checks one TOML value against its KeySpec and converts it (see config_schema.h kinds).
#include "dnsd/config/config_value.h"

#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "dnsd/common/dns_name_text.h"

namespace dnsd::config {
namespace {

using common::ErrorList;

// Reports `reason` about `node` under `key`.
void report(const ValueContext& ctx, const std::string& key, const toml::node& node,
            const std::string& reason, ErrorList& errors) {
  errors.add(ctx.file, line_of(node), key, show_node(node), reason);
}

std::string range_text(const KeySpec& s, bool duration) {
  if (duration)
    return common::format_duration(common::Millis{s.min}) + " and " +
           common::format_duration(common::Millis{s.max});
  return std::to_string(s.min) + " and " + std::to_string(s.max);
}

std::optional<std::string> as_string(const toml::node& n, const ValueContext& ctx,
                                     const std::string& key, ErrorList& errors) {
  if (auto s = n.value<std::string>(); s && n.is_string()) return s;
  report(ctx, key, n, "must be a string", errors);
  return std::nullopt;
}

bool user_exists(const std::string& name) {
  passwd pw{};
  passwd* found = nullptr;
  std::vector<char> buf(16384);
  return getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found != nullptr;
}

bool valid_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

// An "addr:port" string; port 0 is refused because nothing could reach it.
std::optional<common::SocketAddress> parse_address(const KeySpec& spec, const std::string& text,
                                                   std::string& reason) {
  std::optional<uint16_t> dflt;
  if (spec.default_port != 0) dflt = spec.default_port;
  auto a = common::parse_socket_address(text, dflt);
  if (!a) {
    reason = spec.default_port != 0
                 ? "must be an IP address with an optional port: \"192.0.2.1\", "
                   "\"192.0.2.1:5353\", \"[2001:db8::1]:53\""
                 : "must be an IP address and port: \"127.0.0.1:53\" or \"[::1]:53\"";
    return std::nullopt;
  }
  if (a->port() == 0) {
    reason = "port 0 is not usable here";
    return std::nullopt;
  }
  return a;
}

// A local address to send from: "addr" (any port) or "addr:port". It must be an address
// of this host, else every send would fail later (EADDRNOTAVAIL): a bind with port 0
// tells now, without holding any port.
std::optional<common::SocketAddress> parse_source_address(const std::string& text,
                                                          std::string& reason) {
  auto a = common::parse_socket_address(text, uint16_t{0});
  if (!a) {
    reason = "must be an IP address with an optional port: \"192.0.2.1\", \"[2001:db8::1]\", "
             "\"192.0.2.1:5300\"";
    return std::nullopt;
  }
  common::SocketAddress probe = *a;
  if (probe.family() == AF_INET) reinterpret_cast<sockaddr_in*>(&probe.storage)->sin_port = 0;
  else reinterpret_cast<sockaddr_in6*>(&probe.storage)->sin6_port = 0;
  int fd = ::socket(probe.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && ::bind(fd, probe.sa(), probe.length) != 0) {
    reason = std::string("not usable as a source address on this host: ") + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  if (fd >= 0) ::close(fd);
  return a;
}

// Converts every element of an array with `one(text, reason, canonical)`, which fills
// `reason` on failure and `canonical` (the form compared for duplicates) on success.
// Element errors name key[i] and the element's own line.
template <typename T, typename F>
std::optional<std::vector<T>> convert_list(const KeySpec& spec, const toml::node& node,
                                           const ValueContext& ctx, ErrorList& errors, F one) {
  const toml::array* arr = node.as_array();
  if (!arr) {
    report(ctx, ctx.key, node, "must be a list, e.g. [\"...\"]", errors);
    return std::nullopt;
  }
  size_t before = errors.size();
  std::vector<T> out;
  std::vector<std::string> seen;
  for (size_t i = 0; i < arr->size(); ++i) {
    const toml::node& el = *arr->get(i);
    std::string key = ctx.key + "[" + std::to_string(i) + "]";
    auto text = as_string(el, ctx, key, errors);
    if (!text) continue;
    std::string reason, canon;
    std::optional<T> v = one(*text, reason, canon);
    if (!v) {
      report(ctx, key, el, reason, errors);
      continue;
    }
    for (const auto& s : seen)
      if (s == canon) report(ctx, key, el, "listed twice", errors);
    seen.push_back(canon);
    out.push_back(std::move(*v));
  }
  if (errors.size() != before) return std::nullopt;
  if (static_cast<int64_t>(out.size()) < spec.min) {
    report(ctx, ctx.key, node,
           spec.min == 1 ? "at least one entry is required"
                         : "at least " + std::to_string(spec.min) + " entries are required",
           errors);
    return std::nullopt;
  }
  if (static_cast<int64_t>(out.size()) > spec.max) {
    report(ctx, ctx.key, node, "at most " + std::to_string(spec.max) + " entries", errors);
    return std::nullopt;
  }
  return out;
}

std::optional<Value> convert_path(const KeySpec& spec, const toml::node& node,
                                  const ValueContext& ctx, ErrorList& errors) {
  auto s = as_string(node, ctx, ctx.key, errors);
  if (!s) return std::nullopt;
  if (s->empty() && spec.kind == ValueKind::OptionalFile) return Value{*s};  // not set
  if (s->empty()) {
    report(ctx, ctx.key, node, "must not be empty", errors);
    return std::nullopt;
  }
  std::string path = resolve_path(ctx.base_dir, *s);
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (spec.kind == ValueKind::Directory && std::filesystem::exists(st) &&
      !std::filesystem::is_directory(st)) {
    report(ctx, ctx.key, node, "exists and is not a directory (" + path + ")", errors);
    return std::nullopt;
  }
  if (spec.kind == ValueKind::ExistingFile || spec.kind == ValueKind::OptionalFile) {
    if (!std::filesystem::exists(st)) {
      report(ctx, ctx.key, node, "file does not exist (looked for " + path + ")", errors);
      return std::nullopt;
    }
    if (!std::filesystem::is_regular_file(st)) {
      report(ctx, ctx.key, node, "not a regular file (" + path + ")", errors);
      return std::nullopt;
    }
  }
  return Value{path};
}

}  // namespace

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

// TOML syntax with double-quoted strings, as operators usually write them.
static void show(const toml::node& node, std::string& out) {
  if (auto s = node.as_string()) {
    out += '"';
    for (char c : s->get()) {
      if (c == '"' || c == '\\') out += '\\';
      if (static_cast<unsigned char>(c) < 0x20)
        out += '?';
      else
        out += c;
    }
    out += '"';
  } else if (auto a = node.as_array()) {
    out += '[';
    for (size_t i = 0; i < a->size(); ++i) {
      if (i) out += ", ";
      show(*a->get(i), out);
    }
    out += ']';
  } else if (node.is_table()) {
    out += "{...}";
  } else {
    std::ostringstream os;
    node.visit([&](auto&& v) { os << v; });
    out += os.str();
  }
}

std::string show_node(const toml::node& node) {
  std::string s;
  show(node, s);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
  return p.lexically_normal().string();
}

std::optional<Value> convert_value(const KeySpec& spec, const toml::node& node,
                                   const ValueContext& ctx, ErrorList& errors) {
  auto fail = [&](const std::string& reason) -> std::optional<Value> {
    report(ctx, ctx.key, node, reason, errors);
    return std::nullopt;
  };
  switch (spec.kind) {
    case ValueKind::Bool:
      if (!node.is_boolean()) return fail("must be true or false");
      return Value{*node.value<bool>()};
    case ValueKind::Integer: {
      if (!node.is_integer()) return fail("must be an integer");
      int64_t v = *node.value<int64_t>();
      if (v < spec.min || v > spec.max) return fail("must be between " + range_text(spec, false));
      return Value{v};
    }
    case ValueKind::String: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      auto n = static_cast<int64_t>(s->size());
      if (n < spec.min) return fail("must not be empty");
      if (n > spec.max) return fail("must be at most " + std::to_string(spec.max) + " bytes");
      return Value{*s};
    }
    case ValueKind::Label: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      if (s->empty() && spec.min == 0) return Value{*s};  // "" = not set
      if (!valid_label(*s))
        return fail("must be one DNS label: 1 to 63 letters, digits, '-' or '_'");
      return Value{*s};
    }
    case ValueKind::Choice: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      std::string_view all = spec.choices;
      for (size_t start = 0; start <= all.size();) {
        size_t bar = all.find('|', start);
        if (bar == all.npos) bar = all.size();
        if (all.substr(start, bar - start) == *s) return Value{*s};
        start = bar + 1;
      }
      std::string list(all);
      for (auto& c : list)
        if (c == '|') c = ',';
      return fail("must be one of " + list);
    }
    case ValueKind::Duration: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      auto d = common::parse_duration(*s);
      if (!d) return fail("must be a duration such as \"500ms\", \"10s\", \"2m\" or \"1h\"");
      if (d->count() < spec.min || d->count() > spec.max)
        return fail("must be between " + range_text(spec, true));
      return Value{*d};
    }
    case ValueKind::SystemUser: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      // Checked here so a typo fails `--check` instead of a started server after binding.
      if (!s->empty() && !user_exists(*s)) return fail("no such user on this system");
      return Value{*s};
    }
    case ValueKind::Directory:
    case ValueKind::ExistingFile:
    case ValueKind::OptionalFile:
      return convert_path(spec, node, ctx, errors);
    case ValueKind::SocketPath: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      if (s->empty() || *s == "off") return Value{*s};
      std::string path = resolve_path(ctx.base_dir, *s);
      if (static_cast<int64_t>(path.size()) > spec.max)
        return fail("path too long for a unix socket (" + std::to_string(path.size()) +
                    " bytes, at most " + std::to_string(spec.max) + "): " + path);
      return Value{path};
    }
    case ValueKind::ZoneName: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      std::string reason;
      auto n = common::normalize_absolute_name(*s, reason);
      if (!n) return fail(reason);
      return Value{*n};
    }
    case ValueKind::OptionalAddress: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      if (s->empty()) return Value{std::optional<common::SocketAddress>{}};
      std::string reason;
      auto a = parse_address(spec, *s, reason);
      if (!a) return fail(reason + " (or \"\" for off)");
      return Value{std::optional<common::SocketAddress>{*a}};
    }
    case ValueKind::AddressList: {
      auto v = convert_list<common::SocketAddress>(
          spec, node, ctx, errors, [&](const std::string& t, std::string& r, std::string& c) {
            auto a = parse_address(spec, t, r);
            if (a) c = a->to_string();
            return a;
          });
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueKind::SourceAddresses: {
      auto v = convert_list<common::SocketAddress>(
          spec, node, ctx, errors, [&](const std::string& t, std::string& r, std::string& c) {
            auto a = parse_source_address(t, r);
            if (a) c = a->to_string();
            return a;
          });
      if (!v) return std::nullopt;
      if (v->size() == 2 && (*v)[0].family() == (*v)[1].family()) {
        report(ctx, ctx.key, node, "at most one IPv4 and one IPv6 address", errors);
        return std::nullopt;
      }
      return Value{std::move(*v)};
    }
    case ValueKind::Ipv4List: {
      auto v = convert_list<in_addr>(
          spec, node, ctx, errors, [](const std::string& t, std::string& r, std::string& c) {
            auto a = common::parse_ipv4(t);
            if (!a) r = "not an IPv4 address";
            c = t;  // inet_pton accepts only the dotted-quad form, which is canonical
            return a;
          });
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueKind::Ipv6List: {
      auto v = convert_list<in6_addr>(
          spec, node, ctx, errors, [](const std::string& t, std::string& r, std::string& c) {
            auto a = common::parse_ipv6(t);
            if (!a) r = "not an IPv6 address";
            // Canonical text, so "2001:db8::1" and "2001:DB8:0::1" count as the same.
            else if (auto p = common::parse_socket_address("[" + t + "]:1"))
              c = p->to_string();
            return a;
          });
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueKind::RelativeNames:
    case ValueKind::AbsoluteNames:
    case ValueKind::KeyRefs: {
      bool relative = spec.kind == ValueKind::RelativeNames;
      auto v = convert_list<std::string>(
          spec, node, ctx, errors, [&](const std::string& t, std::string& r, std::string& c) {
            auto n = relative ? common::normalize_relative_name(t, r) : common::normalize_absolute_name(t, r);
            if (n) c = *n;
            return n;
          });
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueKind::KeyRef: {
      auto s = as_string(node, ctx, ctx.key, errors);
      if (!s) return std::nullopt;
      if (s->empty()) return Value{*s};
      std::string reason;
      auto n = common::normalize_absolute_name(*s, reason);
      if (!n) return fail(reason);
      return Value{*n};
    }
    case ValueKind::ReplicaList: {
      auto v = convert_list<std::string>(
          spec, node, ctx, errors, [](const std::string& t, std::string& r, std::string& c) {
            auto rep = parse_replica(t, r);
            if (!rep) return std::optional<std::string>{};
            c = rep->name;  // a node listed twice is an error, whatever its address
            return std::optional<std::string>{rep->name + "=" + rep->address.to_string()};
          });
      if (!v) return std::nullopt;
      return Value{std::move(*v)};
    }
    case ValueKind::External:
      break;
  }
  return fail("internal: key has no converter");
}

}  // namespace dnsd::config
