// SVG charts drawn by Mara for the HTML report: no script, no external
// reference, text escaped, deterministic output (coordinates printed with
// fixed precision). Pure and thread-safe.
#ifndef MARA_REPORT_SVG_H_
#define MARA_REPORT_SVG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mara::report {

struct Bar {
  std::string label;
  int64_t value = 0;
  bool highlight = false;
};

// Vertical columns, one per bar, labels under them and values above; for
// series over cycles. `title` is the accessible name (<title>).
std::string ColumnChartSvg(std::string_view title, const std::vector<Bar>& bars);
// Horizontal bars with their labels on the left; for breakdowns.
std::string BarChartSvg(std::string_view title, const std::vector<Bar>& bars);

// Escapes &, <, >, " and ' for HTML and SVG text and attributes.
std::string EscapeXml(std::string_view text);

}  // namespace mara::report

#endif  // MARA_REPORT_SVG_H_
