// The report as a document: sections of paragraphs, tables and charts, in
// reading order, shared by the HTML and Markdown renderers so that both say
// the same thing in the same words.
//
// Contract: BuildDocument is pure and deterministic; all text is plain
// (renderers escape it); a chart is a complete SVG element that only HTML
// embeds (Markdown prints the table beside it instead).
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
  std::string title;
  std::string edition_mark;                                     // "" for the public edition
  std::vector<std::pair<std::string, std::string>> provenance;  // label, value
  std::vector<Section> sections;
};

Document BuildDocument(const Report& r);
// One statement of case on its own, from its JSON in one edition
// (service/case.h StatementOfCaseToJson, which decides what the edition
// discloses: this shows all of it and nothing else): provenance (party,
// cycle, edition, policy and data digests), the status in sentences, the
// counted incidents and the party's record.
Document BuildCaseDocument(const nlohmann::ordered_json& statement);
// One self-contained HTML file of any document, in the report's style.
std::string RenderDocumentHtml(const Document& d);

// "sexual_slavery" -> "sexual slavery".
std::string Words(std::string_view snake);
// 1234567 -> "1,234,567".
std::string Thousands(int64_t v);

}  // namespace mara::report

#endif  // MARA_REPORT_DOCUMENT_H_
