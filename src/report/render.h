// The renderers of the annual report: one function per format, each taking a
// built Report (report/builder.h) and returning the file's bytes, so that a
// caller can write, sign or serve them (docs/reports.md specifies each
// format).
//
// Contract:
// - html, md, json, csv and ftm are pure and deterministic: the same Report
//   gives the same bytes. They print what the Report holds and add nothing
//   from elsewhere, so an edition's protections are those of its Report.
// - html is one self-contained file: inline CSS and SVG, no script, no
//   external reference. A confidential Report is marked as such on every
//   page (screen banner and a running print header).
// - pdf prints the html through headless Chromium in a private temporary
//   directory; kNotFound when no Chromium binary is found, kIOError when it
//   fails or writes no PDF. It runs a child process; call it from one
//   thread at a time per temporary directory root.
// - html, md and pdf are written in a language (i18n/messages.h), English
//   by default; json, csv and ftm are data and have none.
#ifndef MARA_REPORT_RENDER_H_
#define MARA_REPORT_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "report/model.h"

namespace mara::report {

enum class Format { kHtml, kMarkdown, kJson, kCsv, kFtm, kPdf };

// "html", "md", "json", "csv", "ftm" or "pdf"; kInvalidArgument otherwise.
Result<Format> ParseFormat(std::string_view text);
std::string_view FormatName(Format format);

// The report as data, schema "mara-report/1" (docs/reports.md).
nlohmann::ordered_json ReportToJson(const Report& r);

std::string RenderJson(const Report& r);
std::string RenderHtml(const Report& r, Language lang = Language::kEn);
std::string RenderMarkdown(const Report& r, Language lang = Language::kEn);
// Two tables in one file, each opened by a "# table: NAME" line: the annex
// (every listed, on-notice and removed party) and the per-situation counts.
std::string RenderCsv(const Report& r);
// FollowTheMoney entities, one JSON object per line.
std::string RenderFtm(const Report& r);

struct PdfOptions {
  // The Chromium binary; empty: $MARA_CHROMIUM, else "chromium" or
  // "chromium-browser" on PATH.
  std::string chromium;
};
Result<std::string> RenderPdf(const Report& r, const PdfOptions& options = {},
                              Language lang = Language::kEn);
// Any self-contained HTML file printed to PDF by headless Chromium.
Result<std::string> HtmlToPdf(const std::string& html, const PdfOptions& options = {});

// A statement of case on its own (document.h BuildCaseDocument), as HTML or
// PDF; the statement decides what the edition shows, and its explanation is
// printed as the statement holds it (service/case.h builds it in a
// language), set apart like data.
std::string RenderCaseHtml(const StatementOfCase& s, bool public_edition,
                           Language lang = Language::kEn);
Result<std::string> RenderCasePdf(const StatementOfCase& s, bool public_edition,
                                  const PdfOptions& options = {}, Language lang = Language::kEn);

// Any format; pdf with default options; `lang` for html, md and pdf.
Result<std::string> Render(const Report& r, Format format, Language lang = Language::kEn);
// Whether the format is written in a language (html, md, pdf).
bool FormatHasLanguage(Format format);

}  // namespace mara::report

#endif  // MARA_REPORT_RENDER_H_
