// Master file reading. The file is split into logical lines exactly as ldns's
// ldns_rr_new_frm_fp_l splits it (ldns_fget_token_l_st with LDNS_PARSE_SKIP_SPACE), the
// directives are handled as ldns handles them, and each record line goes to the native
// parser (master_file_fast.cc) or, when that declines, to ldns_rr_new_frm_str with the same
// $ORIGIN, $TTL and previous owner that ldns would have had. So records, values and error
// messages are ldns's, only much faster for the common forms.
#include "dnsd/zone/master_file.h"

#include "dnsd/common/ldns_include.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "dnsd/zone/master_file_fast.h"

namespace dnsd::zone {
namespace {

constexpr size_t kMaxErrors = 50;

bool read_file(const std::string& path, std::string& out, int& err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
    return false;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return true;
}

bool c_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// One logical line as ldns reads it.
struct Line {
  std::string_view text;  // without comments, parentheses and the newlines inside them
  int line = 0;           // physical line of its first non-blank byte
  size_t offset = 0;      // offset in the file of a byte on that line
};

// Splits the file like ldns_fget_token_l_st(fp, .., LDNS_PARSE_SKIP_SPACE, ..), quirks
// included: ';' comments and '(' ')' are dropped unless quoted or after a backslash, a
// newline inside parentheses becomes a space unless a comment ended it, a backslash before
// a newline joins the lines, '\r' reads as ' ', '\f' and '\v' end a line, NUL bytes vanish,
// and a ')' without '(' ends the line and swallows the byte after it. Lines without any of
// those bytes take a copy-free path.
class LineReader {
 public:
  explicit LineReader(std::string_view data) : d_(data) {}

  // The next line (it may be blank: ldns's SYNTAX_EMPTY); false at the end of the data.
  bool next(Line& out) {
    while (pos_ < d_.size() && d_[pos_] == '\n') {  // ldns skips newlines before a line
      ++pos_;
      ++line_;
    }
    if (pos_ >= d_.size()) return false;
    return simple(out) || full(out);
  }

 private:
  // Bytes that mean something to ldns's line reader (anything else is taken as it is).
  static constexpr std::array<bool, 256> kSpecial = [] {
    std::array<bool, 256> t{};
    for (char c : {'\n', '\r', '(', ')', ';', '\\', '\0', '\f', '\v'})
      t[static_cast<unsigned char>(c)] = true;
    return t;
  }();
  static bool special(char c) { return kSpecial[static_cast<unsigned char>(c)]; }
  static bool skip_delim(char c) { return c == '\n' || c == '\f' || c == '\r' || c == '\v'; }

  // ldns skips the delimiters after a line (counting the newlines among them).
  void skip_delims() {
    for (; pos_ < d_.size() && skip_delim(d_[pos_]); ++pos_)
      if (d_[pos_] == '\n') ++line_;
  }

  // A line of ordinary bytes up to a newline or the end: it reads as it is written.
  bool simple(Line& out) {
    size_t p = pos_;
    while (p < d_.size() && !special(d_[p])) ++p;
    if (p < d_.size() && d_[p] != '\n') return false;
    out = {d_.substr(pos_, p - pos_), line_, pos_};
    pos_ = p;
    skip_delims();
    return true;
  }

  void append(char c, size_t at) {
    if (!seen_text_ && !c_space(c)) {
      seen_text_ = true;
      first_line_ = line_;
      first_at_ = at;
    }
    buf_.push_back(c);
  }

  // The byte-by-byte state machine of ldns_fget_token_l_st.
  bool full(Line& out) {
    buf_.clear();
    seen_text_ = false;
    first_line_ = line_;
    first_at_ = pos_;
    int parens = 0;
    bool comment = false, quoted = false;
    size_t count = 0;  // ldns's i: bytes taken, not counting spaces for newlines
    int prev = 0;
    while (pos_ < d_.size()) {
      size_t at = pos_;
      int c = static_cast<unsigned char>(d_[pos_++]);
      if (c == '\n') ++line_;
      if (c == '\r') c = ' ';
      if ((c == '(' || c == ')') && prev != '\\' && !quoted) {
        if (!comment) parens += c == '(' ? 1 : -1;
        prev = c;
        continue;
      }
      if (parens < 0) break;  // more ')' than '(': the line ends, this byte is lost
      if (c == ';' && !quoted && prev != '\\') comment = true;
      if (c == '"' && !comment && prev != '\\') quoted = !quoted;
      if (c == '\n' && comment) {
        comment = false;
        if (parens == 0 && count > 0) {
          skip_delims();
          break;
        }
        prev = c;
        continue;
      }
      if (comment) {
        prev = c;
        continue;
      }
      if (c == '\n' && parens != 0 && !buf_.empty()) {
        buf_.push_back(' ');
        prev = c;
        continue;
      }
      if (skip_delim(static_cast<char>(c)) && count > 0 && prev != '\\' && parens == 0) {
        skip_delims();
        break;
      }
      if (c != '\0' && c != '\n') {
        ++count;
        append(static_cast<char>(c), at);
      }
      prev = (c == '\\' && prev == '\\') ? 0 : c;
    }
    out = {std::string_view(buf_).substr(0, count > 0 ? buf_.size() : 0), first_line_, first_at_};
    return true;
  }

  std::string_view d_;
  size_t pos_ = 0;
  int line_ = 1;
  std::string buf_;
  bool seen_text_ = false;
  int first_line_ = 1;
  size_t first_at_ = 0;
};

// ldns_strip_ws: leading whitespace skipped, trailing whitespace cut unless it follows a
// backslash, and never within the first two bytes after the leading whitespace.
size_t strip_begin(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && c_space(s[b])) ++b;
  return b;
}
size_t strip_end(std::string_view s, size_t b) {
  size_t e = s.size();
  while (e > b + 2 && c_space(s[e - 1]) && s[e - 2] != '\\') --e;
  return e;
}

// The text of the physical line around `offset`, trimmed and at most 120 bytes, for
// messages (as the ldns-based loader quoted it).
std::string line_text(std::string_view d, size_t offset) {
  size_t b = std::min(offset, d.size());
  while (b > 0 && d[b - 1] != '\n') --b;
  size_t e = d.find('\n', b);
  if (e == std::string_view::npos) e = d.size();
  std::string out(d.substr(b, std::min<size_t>(e - b, 120)));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t' || out.back() == '\r'))
    out.pop_back();
  return out;
}

bool absolute_wire(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n;) {
    if (p[i] == 0) return i + 1 == n;
    if (p[i] > 63) return false;
    i += p[i] + 1u;
  }
  return false;
}

// ldns's parsing state ($ORIGIN, $TTL, previous owner) and the ldns side of the reader.
class Reader {
 public:
  Reader(const std::string& path, std::string_view data, const std::string& origin,
         common::ErrorList& errors, const std::function<void(const MasterRecord&)>& on_record)
      : path_(path), data_(data), errors_(errors), before_(errors.size()), on_record_(on_record) {
    origin_ = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, origin.size(), origin.data());
    prev_ = origin_ ? ldns_rdf_clone(origin_) : nullptr;
    sync_origin();
    sync_prev_from_ldns();
    wire_ = ldns_buffer_new(512);
  }
  ~Reader() {
    if (origin_) ldns_rdf_deep_free(origin_);
    if (prev_) ldns_rdf_deep_free(prev_);
    if (wire_) ldns_buffer_free(wire_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  void run() {
    LineReader lines(data_);
    Line l;
    while (!stop_ && lines.next(l)) handle(l);
  }

 private:
  void handle(const Line& l) {
    std::string_view t = l.text;
    if (t.substr(0, 7) == "$ORIGIN" && t.size() > 7 && c_space(t[7])) return set_origin(l);
    if (t.substr(0, 4) == "$TTL" && t.size() > 4 && c_space(t[4])) return set_ttl(t.substr(5));
    if (t.substr(0, 8) == "$INCLUDE")
      return error(l, "$INCLUDE is not supported; use one file per zone");
    size_t b = strip_begin(t);
    if (b == t.size()) return;  // blank
    std::string_view rr = t.substr(0, strip_end(t, b));
    detail::FastContext ctx{origin_ok_ ? std::string_view(origin_wire_) : std::string_view(),
                            has_prev_ ? std::string_view(prev_wire_) : std::string_view(),
                            default_ttl_};
    if (detail::parse_fast(rr, ctx, fast_)) {
      if (fast_.sets_prev) {
        prev_wire_ = fast_.owner;
        has_prev_ = true;
        prev_stale_ = true;
      }
      on_record_({fast_.owner, fast_.type, fast_.klass, fast_.ttl, fast_.rdata, l.line});
      return;
    }
    parse_with_ldns(rr, l);
  }

  // $ORIGIN as ldns handles it: the old origin is dropped first, so a bad name leaves none.
  void set_origin(const Line& l) {
    std::string_view t = l.text.substr(8);
    size_t b = strip_begin(t);
    std::string name(t.substr(b, strip_end(t, b) - b));
    if (origin_) ldns_rdf_deep_free(origin_);
    origin_ = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_DNAME, name.c_str());
    sync_origin();
    if (!origin_) status_error(l, LDNS_STATUS_SYNTAX_DNAME_ERR);
  }

  void set_ttl(std::string_view t) {
    size_t b = strip_begin(t);
    std::string value(t.substr(b, strip_end(t, b) - b));
    const char* end = nullptr;
    default_ttl_ = ldns_str2period(value.c_str(), &end);
  }

  void parse_with_ldns(std::string_view text, const Line& l) {
    if (prev_stale_) {
      if (prev_) ldns_rdf_deep_free(prev_);
      prev_ = has_prev_ ? ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, prev_wire_.size(),
                                                prev_wire_.data())
                        : nullptr;
      prev_stale_ = false;
    }
    text_.assign(text);
    ldns_rr* rr = nullptr;
    ldns_status s = ldns_rr_new_frm_str(&rr, text_.c_str(), default_ttl_, origin_, &prev_);
    sync_prev_from_ldns();  // ldns updates it even when the rdata then fails
    if (s != LDNS_STATUS_OK) return status_error(l, s);
    if (wire_) ldns_buffer_clear(wire_);
    if (!wire_ || ldns_rr_rdata2buffer_wire(wire_, rr) != LDNS_STATUS_OK) {
      error(l, "cannot encode rdata");
    } else {
      const ldns_rdf* owner = ldns_rr_owner(rr);
      MasterRecord rec;
      rec.owner = std::string_view(reinterpret_cast<const char*>(ldns_rdf_data(owner)),
                                   ldns_rdf_size(owner));
      rec.type = static_cast<uint16_t>(ldns_rr_get_type(rr));
      rec.klass = static_cast<uint16_t>(ldns_rr_get_class(rr));
      rec.ttl = ldns_rr_ttl(rr);
      rec.rdata = std::string_view(reinterpret_cast<const char*>(ldns_buffer_begin(wire_)),
                                   ldns_buffer_position(wire_));
      rec.line = l.line;
      on_record_(rec);
    }
    ldns_rr_free(rr);
  }

  void sync_origin() {
    origin_ok_ = false;
    origin_wire_.clear();
    if (!origin_) return;
    const uint8_t* p = ldns_rdf_data(origin_);
    size_t n = ldns_rdf_size(origin_);
    origin_wire_.assign(reinterpret_cast<const char*>(p), n);
    origin_ok_ = absolute_wire(p, n);
  }

  void sync_prev_from_ldns() {
    has_prev_ = prev_ != nullptr;
    prev_wire_.clear();
    if (prev_)
      prev_wire_.assign(reinterpret_cast<const char*>(ldns_rdf_data(prev_)), ldns_rdf_size(prev_));
  }

  void status_error(const Line& l, ldns_status s) {
    std::string text = line_text(data_, l.offset);
    error(l, std::string(ldns_get_errorstr_by_id(s)) + (text.empty() ? "" : ": " + text));
  }

  // Like the ldns-based loader: a binary file stops the reading after enough errors.
  void error(const Line& l, std::string reason) {
    errors_.add(path_, l.line, "", "", std::move(reason));
    if (errors_.size() - before_ > kMaxErrors) stop_ = true;
  }

  const std::string& path_;
  std::string_view data_;
  common::ErrorList& errors_;
  size_t before_;
  const std::function<void(const MasterRecord&)>& on_record_;
  ldns_rdf* origin_ = nullptr;
  ldns_rdf* prev_ = nullptr;
  ldns_buffer* wire_ = nullptr;
  std::string origin_wire_, prev_wire_, text_;
  bool origin_ok_ = false, has_prev_ = false, prev_stale_ = false, stop_ = false;
  uint32_t default_ttl_ = 3600;
  detail::FastRecord fast_;
};

}  // namespace

bool read_master_file(const std::string& path, const std::string& origin,
                      common::ErrorList& errors,
                      const std::function<void(const MasterRecord&)>& on_record) {
  std::string data;
  int err = 0;
  if (!read_file(path, data, err)) {
    errors.add(path, 0, "", "", std::string("cannot open zone file: ") + std::strerror(err));
    return false;
  }
  Reader reader(path, data, origin, errors, on_record);
  reader.run();
  return true;
}

}  // namespace dnsd::zone
