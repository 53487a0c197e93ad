// The report as a document: sections of paragraphs, tables and charts, in
// reading order, shared by the HTML and Markdown renderers so that both say
// the same thing in the same words.
//
// Contract: BuildDocument is pure and deterministic; all text is plain
// (renderers escape it); a chart is a complete SVG element that only HTML
// embeds (Markdown prints the table beside it instead). The fixed texts come
// from the message catalogues (i18n/messages.h) in the document's
// language, English by default, whose output is the report's reference
// text. The explanations of a status in the report's statements of case
// are worded in the document's language (policy/explain.h, from the
// assessment and Report::policy); in a statement of case laid out on its
// own (BuildCaseDocument) they are printed as its JSON holds them and set
// apart like data. Data (names, places, ids, narratives, dates, policy rule
// keys) is never translated. In a language other than
// English, data in running text and in titles is set between the Unicode
// isolates U+2068 and U+2069 (kept in Markdown, written as <bdi> in HTML),
// so that a name in Latin letters does not reorder an Arabic sentence; what
// always reads left to right (the "<3" of a small cell) is set between
// U+2066 and U+2069 (<bdi dir="ltr">).
#ifndef MARA_REPORT_DOCUMENT_H_
#define MARA_REPORT_DOCUMENT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "report/model.h"

namespace mara::report {

struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
};

struct Block {
  enum class Kind { kParagraph, kNote, kList, kTable, kChart };
  Kind kind = Kind::kParagraph;
  std::string text;                // paragraph, note, chart title
  std::vector<std::string> items;  // list
  Table table;
  std::string svg;  // chart
};

struct Section {
  std::string anchor;
  std::string title;
  int level = 2;  // 2: numbered section, 3: subsection
  std::vector<Block> blocks;
};

struct Document {
  Language lang = Language::kEn;
  std::string title;
  std::string edition_mark;                                     // "" for the public edition
  std::vector<std::pair<std::string, std::string>> provenance;  // label, value
  // Per provenance line, its English label (the HTML's <meta> names do not
  // change with the language).
  std::vector<std::string> provenance_names;
  std::vector<Section> sections;
};

Document BuildDocument(const Report& r, Language lang = Language::kEn);
// One statement of case on its own, from its JSON in one edition
// (service/case.h StatementOfCaseToJson, which decides what the edition
// discloses: this shows all of it and nothing else): provenance (party,
// cycle, edition, policy and data digests), the status in sentences, the
// counted incidents and the party's record.
Document BuildCaseDocument(const nlohmann::ordered_json& statement, Language lang = Language::kEn);
// One self-contained HTML file of any document, in the report's style.
std::string RenderDocumentHtml(const Document& d);

// "sexual_slavery" -> "sexual slavery".
std::string Words(std::string_view snake);
// 1234567 -> "1,234,567".
std::string Thousands(int64_t v);

// Data in running text: as it is in English, between U+2068 and U+2069 in
// the other languages.
std::string Isolate(Language lang, std::string_view data);
// A value of a closed vocabulary in the language: the catalogue's
// `prefix` + `name` ("violation." "sexual_slavery" -> "sexual slavery"),
// or Words(name) when the catalogue has no such key.
std::string VocabularyWord(Language lang, std::string_view prefix, std::string_view name);
// As VocabularyWord, but English keeps the snake_case spelling itself
// (where the English report prints codes such as "in_progress").
std::string VocabularyCode(Language lang, std::string_view prefix, std::string_view name);

}  // namespace mara::report

#endif  // MARA_REPORT_DOCUMENT_H_
