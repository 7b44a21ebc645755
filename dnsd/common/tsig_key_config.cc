// [[key]] tables -> TsigKey: name, algorithm, and a secret given inline or in a key file
// (plain base64, or the `key "name" { algorithm ..; secret ".."; };` blocks of tsig-keygen).
#include "dnsd/common/tsig_key_config.h"

#include "dnsd/common/secret_file.h"

#include "dnsd/common/dns_name_text.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dnsd::common {
namespace {

// Shorter secrets are refused: 16 bytes (128 bits) is the least that resists brute force
// of the MAC key; RFC 2104 section 3 recommends the hash length (32 bytes for SHA-256).
constexpr size_t kMinSecretBytes = 16;
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Key names are DNS names (RFC 8945 section 4.2): compared lowercase, stored absolute.
std::optional<std::string> normalize_key_name(std::string_view text, std::string& reason) {
  if (text.empty() || text == ".") {
    reason = "key name must not be empty";
    return std::nullopt;
  }
  auto n = normalize_absolute_name(text, reason);
  if (!n) reason = "key name: " + reason;
  return n;
}

// Why an algorithm name is not accepted, phrased for the operator.
std::string algorithm_refusal(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.rfind("hmac-md5", 0) == 0)
    return "hmac-md5 is refused: MD5 is broken (RFC 6151); use hmac-sha256, hmac-sha384 or "
           "hmac-sha512";
  if (lower == "hmac-sha1" || lower == "hmac-sha224")
    return "not supported; use hmac-sha256, hmac-sha384 or hmac-sha512";
  return "unknown algorithm; use hmac-sha256, hmac-sha384 or hmac-sha512";
}

// One token of a BIND-style key file, with the line it starts on.
struct Token {
  std::string text;
  int line = 0;
  bool quoted = false;
};

// Splits BIND configuration syntax: '#', '//' and '/* */' comments, "quoted strings",
// and the punctuation { } ; as separate tokens.
bool tokenize(const std::string& s, std::vector<Token>& out, int& bad_line) {
  int line = 1;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\n') {
      ++line;
      ++i;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < s.size() && s[i + 1] == '/')) {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      size_t end = s.find("*/", i + 2);
      if (end == std::string::npos) {
        bad_line = line;
        return false;
      }
      for (size_t j = i; j < end; ++j) line += s[j] == '\n';
      i = end + 2;
      continue;
    }
    if (c == '{' || c == '}' || c == ';') {
      out.push_back({std::string(1, c), line, false});
      ++i;
      continue;
    }
    if (c == '"') {
      size_t end = s.find('"', i + 1);
      if (end == std::string::npos) {
        bad_line = line;
        return false;
      }
      out.push_back({s.substr(i + 1, end - i - 1), line, true});
      for (size_t j = i; j < end; ++j) line += s[j] == '\n';
      i = end + 1;
      continue;
    }
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != '{' &&
           s[i] != '}' && s[i] != ';' && s[i] != '"')
      ++i;
    out.push_back({s.substr(start, i - start), line, false});
  }
  return true;
}

// What a key file said about one key.
struct FileKey {
  std::string name;  // normalized; empty for a plain base64 file
  std::string algorithm;
  int algorithm_line = 0;
  std::string secret;
  int secret_line = 0;
};

// Parses `key NAME { algorithm A; secret "S"; };` blocks. Errors go to `errors` with `path`.
bool parse_bind_keys(const std::vector<Token>& toks, const std::string& path,
                     std::vector<FileKey>& keys, ErrorList& errors) {
  size_t i = 0;
  auto fail = [&](int line, const std::string& reason) {
    errors.add(path, line, "", "", reason);
    return false;
  };
  auto at = [&](size_t k) -> const Token* { return k < toks.size() ? &toks[k] : nullptr; };
  int last_line = toks.empty() ? 1 : toks.back().line;
  while (i < toks.size()) {
    const Token& kw = toks[i];
    if (kw.quoted || kw.text != "key") return fail(kw.line, "expected `key \"name\" { ... };`");
    const Token* name = at(i + 1);
    if (!name || name->text == "{" || name->text == ";") return fail(kw.line, "key name missing");
    std::string reason;
    auto norm = normalize_key_name(name->text, reason);
    if (!norm) return fail(name->line, quote(name->text) + ": " + reason);
    const Token* open = at(i + 2);
    if (!open || open->text != "{") return fail(name->line, "expected '{' after the key name");
    FileKey fk;
    fk.name = *norm;
    i += 3;
    while (true) {
      const Token* stmt = at(i);
      if (!stmt) return fail(last_line, "unterminated key block (missing '};')");
      if (stmt->text == "}" && !stmt->quoted) break;
      const Token* val = at(i + 1);
      const Token* semi = at(i + 2);
      if (!val || !semi || semi->text != ";")
        return fail(stmt->line, "expected `" + stmt->text + " VALUE;`");
      if (stmt->text == "algorithm") {
        fk.algorithm = val->text;
        fk.algorithm_line = val->line;
      } else if (stmt->text == "secret") {
        fk.secret = val->text;
        fk.secret_line = val->line;
      } else {
        return fail(stmt->line, "unknown statement " + quote(stmt->text) +
                                    " in key block (expected algorithm or secret)");
      }
      i += 3;
    }
    const Token* semi = at(i + 1);
    if (!semi || semi->text != ";") return fail(toks[i].line, "expected ';' after '}'");
    i += 2;
    if (fk.secret_line == 0) return fail(kw.line, "key " + quote(fk.name) + " has no secret");
    keys.push_back(std::move(fk));
  }
  return true;
}

// A plain file: base64 over one or more lines; '#' lines are comments.
FileKey parse_plain_key(const std::string& text) {
  FileKey fk;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    if (fk.secret_line == 0) fk.secret_line = n;
    fk.secret += line;
  }
  return fk;
}

// Reads the key named `want` from `path`; nullopt after adding errors.
std::optional<FileKey> read_key_file(const std::string& path, const std::string& want,
                                     const std::string& ctx_file, int ctx_line,
                                     const std::string& ctx_key, const std::string& shown,
                                     ErrorList& errors) {
  auto file = read_secret_file(path, kMaxKeyFileBytes, "a key file", ctx_file, ctx_line,
                               ctx_key, shown, errors);
  if (!file) return std::nullopt;
  const std::string& text = *file;
  std::vector<Token> toks;
  int bad_line = 0;
  if (!tokenize(text, toks, bad_line)) {
    errors.add(path, bad_line, "", "", "unterminated quoted string or comment");
    return std::nullopt;
  }
  if (toks.empty()) {
    errors.add(ctx_file, ctx_line, ctx_key, shown, path + " holds no key");
    return std::nullopt;
  }
  if (toks[0].quoted || toks[0].text != "key") return parse_plain_key(text);
  std::vector<FileKey> keys;
  if (!parse_bind_keys(toks, path, keys, errors)) return std::nullopt;
  std::string names;
  for (auto& k : keys) {
    if (k.name == want) return k;
    names += (names.empty() ? "" : ", ") + k.name;
  }
  errors.add(ctx_file, ctx_line, ctx_key, shown,
             "no key named " + quote(want) + " in " + path + " (it has: " + names + ")");
  return std::nullopt;
}

}  // namespace

std::optional<TsigKey> parse_key_table(const toml::table& table, const std::string& file,
                                       const std::string& base_dir, size_t index,
                                       ErrorList& errors) {
  const std::string prefix = "key[" + std::to_string(index) + "].";
  const int table_line = line_of(table);
  const size_t before = errors.size();
  for (auto&& [k, v] : table) {
    std::string key(k.str());
    if (key != "name" && key != "algorithm" && key != "secret" && key != "secret_file")
      errors.add(file, line_of(v), prefix + key, "",
                 "unknown key (a [[key]] has name, algorithm, secret, secret_file)");
    else if (!v.is_string())
      errors.add(file, line_of(v), prefix + key, "", "must be a string");
  }
  if (errors.size() != before) return std::nullopt;

  TsigKey out;
  auto name = table["name"].value<std::string>();
  if (!name) {
    errors.add(file, table_line, prefix + "name", "", "is required");
  } else {
    std::string reason;
    if (auto n = normalize_key_name(*name, reason))
      out.name = *n;
    else
      errors.add(file, line_of(*table.get("name")), prefix + "name", quote(*name), reason);
  }

  auto algorithm = table["algorithm"].value<std::string>();
  if (algorithm && !parse_tsig_algorithm(*algorithm, out.algorithm))
    errors.add(file, line_of(*table.get("algorithm")), prefix + "algorithm", quote(*algorithm),
               algorithm_refusal(*algorithm));

  auto secret = table["secret"].value<std::string>();
  auto secret_file = table["secret_file"].value<std::string>();
  std::string secret_text, secret_src = file;
  int secret_line = 0;
  std::string secret_key = prefix + "secret";
  if (secret && secret_file) {
    errors.add(file, line_of(*table.get("secret_file")), prefix + "secret_file", "",
               "give either secret or secret_file, not both");
  } else if (!secret && !secret_file) {
    errors.add(file, table_line, prefix + "secret", "",
               "is required (or secret_file); generate one with "
               "`tsig-keygen -a hmac-sha256 NAME`");
  } else if (secret) {
    secret_text = *secret;
    secret_line = line_of(*table.get("secret"));
  } else if (!out.name.empty()) {
    std::filesystem::path p(*secret_file);
    if (p.is_relative()) p = std::filesystem::path(base_dir) / p;
    std::string path = p.lexically_normal().string();
    int line = line_of(*table.get("secret_file"));
    auto fk = read_key_file(path, out.name, file, line, prefix + "secret_file", quote(*secret_file),
                            errors);
    if (fk) {
      secret_text = fk->secret;
      secret_src = path;
      secret_line = fk->secret_line;
      secret_key = "secret";
      TsigAlgorithm file_alg{};
      if (!fk->algorithm.empty()) {
        if (!parse_tsig_algorithm(fk->algorithm, file_alg))
          errors.add(path, fk->algorithm_line, "algorithm", fk->algorithm,
                     algorithm_refusal(fk->algorithm));
        else if (algorithm && file_alg != out.algorithm)
          errors.add(file, line_of(*table.get("algorithm")), prefix + "algorithm",
                     quote(*algorithm),
                     "differs from the algorithm " + fk->algorithm + " in " + path);
        else
          out.algorithm = file_alg;
      }
    }
  }
  if (secret_line != 0) {
    // The secret itself is never echoed into messages or logs.
    if (!base64_decode(secret_text, out.secret))
      errors.add(secret_src, secret_line, secret_key, "", "not valid base64");
    else if (out.secret.size() < kMinSecretBytes)
      errors.add(secret_src, secret_line, secret_key, "",
                 "decodes to " + std::to_string(out.secret.size()) + " bytes; at least " +
                     std::to_string(kMinSecretBytes) +
                     " are required (RFC 2104 section 3 recommends the hash length, 32 for "
                     "hmac-sha256); generate one with `tsig-keygen -a hmac-sha256 NAME`");
  }
  if (errors.size() != before) return std::nullopt;
  return out;
}

}  // namespace dnsd::common
