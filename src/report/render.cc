#include "report/render.h"

#include "common/text.h"

namespace mara::report {

Result<Format> ParseFormat(std::string_view text) {
  if (text == "html") return Format::kHtml;
  if (text == "md") return Format::kMarkdown;
  if (text == "json") return Format::kJson;
  if (text == "csv") return Format::kCsv;
  if (text == "ftm") return Format::kFtm;
  if (text == "pdf") return Format::kPdf;
  return Status::InvalidArgument("--format: unknown report format " + QuoteForMessage(text) +
                                 " (expected html, md, json, csv, ftm or pdf)");
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kHtml:
      return "html";
    case Format::kMarkdown:
      return "md";
    case Format::kJson:
      return "json";
    case Format::kCsv:
      return "csv";
    case Format::kFtm:
      return "ftm";
    case Format::kPdf:
      return "pdf";
  }
  return "html";
}

bool FormatHasLanguage(Format format) {
  return format == Format::kHtml || format == Format::kMarkdown || format == Format::kPdf;
}

Result<std::string> Render(const Report& r, Format format, Language lang) {
  switch (format) {
    case Format::kHtml:
      return RenderHtml(r, lang);
    case Format::kMarkdown:
      return RenderMarkdown(r, lang);
    case Format::kJson:
      return RenderJson(r);
    case Format::kCsv:
      return RenderCsv(r);
    case Format::kFtm:
      return RenderFtm(r);
    case Format::kPdf:
      return RenderPdf(r, {}, lang);
  }
  return Status::InvalidArgument("unknown report format");
}

}  // namespace mara::report
