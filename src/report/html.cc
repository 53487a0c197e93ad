// The HTML rendering: one self-contained file. No script, no external
// request (no link, img or font from elsewhere), inline CSS with print rules
// (page breaks, a running edition mark on every printed page). The page is in
// the document's language: <html lang dir>, the page's own words from the
// catalogue, data isolated with <bdi> and data cells with dir="auto", and
// CSS in logical properties (start/end rather than left/right). English
// keeps the page it always had, byte for byte.
#include <fmt/format.h>

#include "i18n/messages.h"
#include "report/document.h"
#include "report/render.h"
#include "report/svg.h"

namespace mara::report {
namespace {

constexpr std::string_view kStyle = R"css(
:root { --ink: #1b1f24; --muted: #5b6570; --rule: #d5dae0; --accent: #7a1f2b; --bar: #5b6f86; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "DejaVu Serif", Georgia, serif; color: var(--ink); margin: 0 auto;
       max-width: 60rem; padding: 2rem 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid var(--accent); padding-bottom: .2rem;
     margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .85rem;
        font-family: "DejaVu Sans", Arial, sans-serif; }
th, td { border-bottom: 1px solid var(--rule); padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
th { background: #eef1f4; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: .9rem; border-left: 3px solid var(--rule);
        padding-left: .6rem; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem;
          font-size: .85rem; font-family: "DejaVu Sans Mono", monospace; }
dl.prov dt { color: var(--muted); } dl.prov dd { margin: 0; word-break: break-all; }
nav.toc ol { columns: 2; font-size: .9rem; list-style: none; padding-left: 0; }
nav.toc li.sub { margin-left: 1.2rem; }
figure { margin: .8rem 0; } figcaption { font-size: .85rem; color: var(--muted); }
svg.chart { max-width: 100%; height: auto; font-family: "DejaVu Sans", Arial, sans-serif; }
svg .bar { fill: var(--bar); } svg .hi { fill: var(--accent); }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .axis { font-size: 11px; fill: var(--muted); } svg .value { font-size: 11px; fill: var(--ink); }
.mark { position: fixed; top: 0; left: 0; right: 0; background: var(--accent); color: #fff;
        text-align: center; font: bold 12px/1.8 "DejaVu Sans", Arial, sans-serif;
        letter-spacing: .08em; }
body.confidential { padding-top: 3rem; }
@page { size: A4; margin: 18mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font: 9pt sans-serif;
                         color: #5b6570; } }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  body.confidential { padding-top: 0; }
  .mark { display: none; }
  h2 { break-before: page; } h2#contents { break-before: avoid; }
  h2, h3 { break-after: avoid; }
  tr, figure { break-inside: avoid; }
  nav.toc { break-after: page; }
  a { color: inherit; text-decoration: none; }
}
)css";

// The report's CSS with the physical directions of kStyle made logical, for
// pages other than the English one.
std::string LogicalStyle() {
  std::string css(kStyle);
  const std::pair<std::string_view, std::string_view> swaps[] = {
      {"text-align: left", "text-align: start"}, {"text-align: right", "text-align: end"},
      {"border-left:", "border-inline-start:"},  {"padding-left:", "padding-inline-start:"},
      {"margin-left:", "margin-inline-start:"},  {"left: 0; right: 0;", "inset-inline: 0;"},
  };
  for (const auto& [from, to] : swaps) {
    for (size_t at = css.find(from); at != std::string::npos; at = css.find(from, at + to.size())) {
      css.replace(at, from.size(), to);
    }
  }
  // The charts are drawn left to right in every language (their labels are
  // placed by coordinates).
  css += "svg.chart { direction: ltr; }\n";
  return css;
}

// Escaped text; in a language other than English the isolates around data
// (document.h Isolate; U+2066 for what always reads left to right) become
// <bdi> elements.
std::string HtmlText(Language lang, std::string_view text) {
  std::string out = EscapeXml(text);
  if (lang == Language::kEn) return out;
  const std::pair<std::string_view, std::string_view> swaps[] = {
      {"\u2068", "<bdi>"}, {"\u2066", "<bdi dir=\"ltr\">"}, {"\u2069", "</bdi>"}};
  for (const auto& [from, to] : swaps) {
    for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size())) {
      out.replace(at, from.size(), to);
    }
  }
  return out;
}

void AppendHtmlTable(Language lang, const Table& t, std::string* out) {
  const bool english = lang == Language::kEn;
  *out += "<table><thead><tr>";
  for (size_t i = 0; i < t.header.size(); ++i) {
    *out += i < t.numeric.size() && t.numeric[i] ? "<th class=\"n\">" : "<th>";
    *out += EscapeXml(t.header[i]);
    *out += "</th>";
  }
  *out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    *out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      const bool numeric = i < t.numeric.size() && t.numeric[i];
      if (english) {
        *out += numeric ? "<td class=\"n\">" : "<td>";
        *out += HtmlText(lang, row[i]);
      } else if (numeric) {
        // Numbers and "<3" read left to right; the cell keeps the page's
        // alignment.
        *out += "<td class=\"n\"><span dir=\"ltr\">" + HtmlText(lang, row[i]) + "</span>";
      } else {
        *out += "<td dir=\"auto\">" + HtmlText(lang, row[i]);
      }
      *out += "</td>";
    }
    *out += "</tr>\n";
  }
  *out += "</tbody></table>\n";
}

}  // namespace

std::string RenderDocumentHtml(const Document& d) {
  const Language lang = d.lang;
  const bool english = lang == Language::kEn;
  std::string out;
  out.reserve(1 << 16);
  out += english ? std::string("<!DOCTYPE html>\n<html lang=\"en\">\n")
                 : fmt::format("<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n",
                               LanguageCode(lang), Direction(lang));
  out += "<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}{}</title>\n", EscapeXml(d.title),
                     d.edition_mark.empty() ? "" : Message(lang, "html.confidential_suffix"));
  for (size_t i = 0; i < d.provenance.size(); ++i) {
    const std::string& name =
        i < d.provenance_names.size() ? d.provenance_names[i] : d.provenance[i].first;
    out += fmt::format("<meta name=\"mara-{}\" content=\"{}\">\n", EscapeXml(Words(name)),
                       EscapeXml(d.provenance[i].second));
  }
  out += "<style>";
  out += english ? std::string(kStyle) : LogicalStyle();
  out += "</style>\n";
  if (!d.edition_mark.empty()) {
    // The running header repeats the mark on every printed page.
    out += fmt::format(
        "<style>@page {{ @top-center {{ content: \"{}\"; font: bold 9pt sans-serif; "
        "color: #7a1f2b; }} }}</style>\n",
        d.edition_mark);
  }
  out += "</head>\n";
  out += d.edition_mark.empty() ? "<body>\n" : "<body class=\"confidential\">\n";
  if (!d.edition_mark.empty()) {
    out += fmt::format("<div class=\"mark\">{}</div>\n", EscapeXml(d.edition_mark));
  }
  out += fmt::format("<header>\n<h1>{}</h1>\n<dl class=\"prov\">\n", HtmlText(lang, d.title));
  for (const auto& [label, value] : d.provenance) {
    out += fmt::format("<dt>{}</dt><dd{}>{}</dd>\n", EscapeXml(label),
                       english ? "" : " dir=\"auto\"", EscapeXml(value));
  }
  out += "</dl>\n</header>\n";
  // A document of one section needs no table of contents.
  if (d.sections.size() > 1) {
    out += fmt::format("<nav class=\"toc\">\n<h2 id=\"contents\">{}</h2>\n<ol>\n",
                       EscapeXml(Message(lang, "doc.contents")));
    for (const Section& s : d.sections) {
      out += fmt::format("<li{}><a href=\"#{}\">{}</a></li>\n", s.level > 2 ? " class=\"sub\"" : "",
                         EscapeXml(s.anchor), HtmlText(lang, s.title));
    }
    out += "</ol>\n</nav>\n";
  }
  out += "<main>\n";
  for (const Section& s : d.sections) {
    out += fmt::format("<h{0} id=\"{1}\">{2}</h{0}>\n", s.level, EscapeXml(s.anchor),
                       HtmlText(lang, s.title));
    for (const Block& b : s.blocks) {
      switch (b.kind) {
        case Block::Kind::kParagraph:
          out += "<p>" + HtmlText(lang, b.text) + "</p>\n";
          break;
        case Block::Kind::kNote:
          out += "<p class=\"note\">" + HtmlText(lang, b.text) + "</p>\n";
          break;
        case Block::Kind::kList:
          out += "<ul>\n";
          for (const std::string& item : b.items) out += "<li>" + HtmlText(lang, item) + "</li>\n";
          out += "</ul>\n";
          break;
        case Block::Kind::kTable:
          AppendHtmlTable(lang, b.table, &out);
          break;
        case Block::Kind::kChart:
          out += "<figure>" + b.svg + "<figcaption>" + HtmlText(lang, b.text) +
                 "</figcaption></figure>\n";
          break;
      }
    }
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string RenderHtml(const Report& r, Language lang) {
  return RenderDocumentHtml(BuildDocument(r, lang));
}

std::string RenderCaseHtml(const StatementOfCase& s, bool public_edition, Language lang) {
  return RenderDocumentHtml(BuildCaseDocument(StatementOfCaseToJson(s, public_edition), lang));
}

}  // namespace mara::report
