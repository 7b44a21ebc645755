// Renderings of a config key table: the --keys listing, roff key entries, markdown.
#include "dnsd/common/key_table.h"

namespace dnsd::common {

std::string KeyDoc::default_or_marker() const {
  if (required) return "(required)";
  return default_text.empty() ? "(none)" : default_text;
}

std::string key_list_text(std::span<const KeyDoc> keys) {
  std::string out;
  for (const auto& k : keys)
    out += k.dotted() + (k.reloadable ? " reload " : " restart ") + k.default_or_marker() + "\n";
  return out;
}

std::string roff_escape(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char ch : text) {
    if (line_start && (ch == '.' || ch == '\'')) out += "\\&";
    line_start = ch == '\n';
    if (ch == '\\') out += "\\e";
    else if (ch == '-') out += "\\-";
    else out += ch;
  }
  return out;
}

namespace {

// One `.TP` entry: the key in bold, then what it takes, then the doc.
std::string key_entry_roff(const KeyDoc& k) {
  std::string facts = k.type;
  if (!k.choices.empty()) facts += ", one of " + k.choices;
  if (!k.range.empty()) facts += ", " + k.range;
  facts += k.required ? "; required" : "; default " + k.default_or_marker();
  facts += k.reloadable ? "; reloadable" : "; restart to change";
  return ".TP\n.B " + roff_escape(k.dotted()) + "\n" + roff_escape(facts) + ".\n.br\n" +
         roff_escape(k.doc) + "\n";
}

std::string md_cell(std::string_view text) {
  std::string out;
  for (char ch : text) {
    if (ch == '|') out += "\\|";
    else out += ch;
  }
  return out;
}

}  // namespace

std::string key_table_roff(std::span<const SectionDoc> sections, std::span<const KeyDoc> keys) {
  std::string out;
  for (const auto& s : sections) {
    out += ".SS " + roff_escape(s.header) + "\n" + roff_escape(s.doc) + ".\n";
    for (const auto& k : keys)
      if (k.section == s.name) out += key_entry_roff(k);
  }
  return out;
}

std::string key_table_markdown(std::string_view title, std::span<const SectionDoc> sections,
                               std::span<const KeyDoc> keys) {
  std::string out = "# " + std::string(title) + "\n";
  for (const auto& s : sections) {
    out += "\n## `" + s.header + "`\n\n" + s.doc + ".\n\n";
    out += "| key | type | default | range | reload | description |\n";
    out += "|---|---|---|---|---|---|\n";
    for (const auto& k : keys) {
      if (k.section != s.name) continue;
      std::string range = k.choices.empty() ? k.range : k.choices;
      out += "| `" + k.dotted() + "` | " + k.type + " | `" + md_cell(k.default_or_marker()) +
             "` | " + md_cell(range) + " | " + (k.reloadable ? "reload" : "restart") + " | " +
             md_cell(k.doc) + " |\n";
    }
  }
  return out;
}

}  // namespace dnsd::common
