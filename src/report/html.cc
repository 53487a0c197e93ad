// The HTML rendering: one self-contained file. No script, no external
// request (no link, img or font from elsewhere), inline CSS with print rules
// (page breaks, a running edition mark on every printed page).
#include <fmt/format.h>

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

void AppendHtmlTable(const Table& t, std::string* out) {
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
      *out += i < t.numeric.size() && t.numeric[i] ? "<td class=\"n\">" : "<td>";
      *out += EscapeXml(row[i]);
      *out += "</td>";
    }
    *out += "</tr>\n";
  }
  *out += "</tbody></table>\n";
}

}  // namespace

std::string RenderDocumentHtml(const Document& d) {
  std::string out;
  out.reserve(1 << 16);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}{}</title>\n", EscapeXml(d.title),
                     d.edition_mark.empty() ? "" : " (confidential edition)");
  for (const auto& [label, value] : d.provenance) {
    out += fmt::format("<meta name=\"mara-{}\" content=\"{}\">\n", EscapeXml(Words(label)),
                       EscapeXml(value));
  }
  out += "<style>";
  out += kStyle;
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
  out += fmt::format("<header>\n<h1>{}</h1>\n<dl class=\"prov\">\n", EscapeXml(d.title));
  for (const auto& [label, value] : d.provenance) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", EscapeXml(label), EscapeXml(value));
  }
  out += "</dl>\n</header>\n";
  // A document of one section needs no table of contents.
  if (d.sections.size() > 1) {
    out += "<nav class=\"toc\">\n<h2 id=\"contents\">Contents</h2>\n<ol>\n";
    for (const Section& s : d.sections) {
      out += fmt::format("<li{}><a href=\"#{}\">{}</a></li>\n", s.level > 2 ? " class=\"sub\"" : "",
                         EscapeXml(s.anchor), EscapeXml(s.title));
    }
    out += "</ol>\n</nav>\n";
  }
  out += "<main>\n";
  for (const Section& s : d.sections) {
    out += fmt::format("<h{0} id=\"{1}\">{2}</h{0}>\n", s.level, EscapeXml(s.anchor),
                       EscapeXml(s.title));
    for (const Block& b : s.blocks) {
      switch (b.kind) {
        case Block::Kind::kParagraph:
          out += "<p>" + EscapeXml(b.text) + "</p>\n";
          break;
        case Block::Kind::kNote:
          out += "<p class=\"note\">" + EscapeXml(b.text) + "</p>\n";
          break;
        case Block::Kind::kList:
          out += "<ul>\n";
          for (const std::string& item : b.items) out += "<li>" + EscapeXml(item) + "</li>\n";
          out += "</ul>\n";
          break;
        case Block::Kind::kTable:
          AppendHtmlTable(b.table, &out);
          break;
        case Block::Kind::kChart:
          out +=
              "<figure>" + b.svg + "<figcaption>" + EscapeXml(b.text) + "</figcaption></figure>\n";
          break;
      }
    }
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

std::string RenderHtml(const Report& r) { return RenderDocumentHtml(BuildDocument(r)); }

std::string RenderCaseHtml(const StatementOfCase& s, bool public_edition) {
  return RenderDocumentHtml(BuildCaseDocument(StatementOfCaseToJson(s, public_edition)));
}

}  // namespace mara::report
