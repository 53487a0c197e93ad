// The Markdown rendering: the same document as the HTML, with tables in
// GitHub's pipe syntax; charts are left out (their tables follow them). In a
// language other than English the isolates around data (document.h) stay in
// the text, where they do what <bdi> does in HTML.
#include <fmt/format.h>

#include "i18n/messages.h"
#include "report/document.h"
#include "report/render.h"

namespace mara::report {
namespace {

// Table cells and text may hold any character: pipes and line breaks would
// break the table, and markup characters would be read as formatting.
std::string EscapeMd(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\n':
      case '\r':
        out += ' ';
        break;
      case '|':
      case '\\':
      case '*':
      case '_':
      case '`':
      case '[':
      case ']':
      case '<':
      case '>':
      case '#':
        out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

void AppendMarkdownTable(const Table& t, std::string* out) {
  *out += "|";
  for (const std::string& h : t.header) *out += " " + EscapeMd(h) + " |";
  *out += "\n|";
  for (size_t i = 0; i < t.header.size(); ++i) {
    *out += i < t.numeric.size() && t.numeric[i] ? " ---: |" : " --- |";
  }
  *out += "\n";
  for (const auto& row : t.rows) {
    *out += "|";
    for (const std::string& cell : row) *out += " " + EscapeMd(cell) + " |";
    *out += "\n";
  }
  *out += "\n";
}

}  // namespace

std::string RenderMarkdown(const Report& r, Language lang) {
  Document d = BuildDocument(r, lang);
  std::string out;
  if (!d.edition_mark.empty()) out += "**" + EscapeMd(d.edition_mark) + "**\n\n";
  out += "# " + EscapeMd(d.title) + "\n\n";
  for (const auto& [label, value] : d.provenance) {
    out += fmt::format("- {}: `{}`\n", EscapeMd(label), value);
  }
  out += "\n## " + EscapeMd(Message(lang, "doc.contents")) + "\n\n";
  for (const Section& s : d.sections) {
    out += fmt::format("{}- [{}](#{})\n", s.level > 2 ? "  " : "", EscapeMd(s.title), s.anchor);
  }
  out += "\n";
  for (const Section& s : d.sections) {
    out += fmt::format("<a id=\"{}\"></a>\n\n{} {}\n\n", s.anchor, std::string(s.level, '#'),
                       EscapeMd(s.title));
    for (const Block& b : s.blocks) {
      switch (b.kind) {
        case Block::Kind::kParagraph:
          out += EscapeMd(b.text) + "\n\n";
          break;
        case Block::Kind::kNote:
          out += "> " + EscapeMd(b.text) + "\n\n";
          break;
        case Block::Kind::kList:
          for (const std::string& item : b.items) out += "- " + EscapeMd(item) + "\n";
          out += "\n";
          break;
        case Block::Kind::kTable:
          AppendMarkdownTable(b.table, &out);
          break;
        case Block::Kind::kChart:
          break;
      }
    }
    if (!d.edition_mark.empty() && s.level == 2) out += "*" + EscapeMd(d.edition_mark) + "*\n\n";
  }
  return out;
}

}  // namespace mara::report
