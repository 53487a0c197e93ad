#include "report/svg.h"

#include <fmt/format.h>

#include <algorithm>

namespace mara::report {
namespace {

// A round upper bound for the axis: 1, 2 or 5 times a power of ten.
int64_t NiceMax(int64_t v) {
  if (v <= 0) return 1;
  int64_t p = 1;
  while (p * 10 <= v) p *= 10;
  for (int64_t m : {1, 2, 5, 10}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string Number(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

}  // namespace

std::string EscapeXml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ColumnChartSvg(std::string_view title, const std::vector<Bar>& bars) {
  const double left = 48, right = 8, top = 16, bottom = 28, plot_h = 180;
  const double slot = bars.size() > 24 ? 18 : 40;
  const double width = left + right + slot * std::max<size_t>(bars.size(), 1);
  const double height = top + plot_h + bottom;
  int64_t max = 0;
  for (const Bar& b : bars) max = std::max(max, b.value);
  const int64_t axis = NiceMax(max);
  std::string out = fmt::format(
      "<svg class=\"chart\" role=\"img\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\">"
      "<title>{}</title>",
      width, height, width, height, EscapeXml(title));
  for (int i = 0; i <= 4; ++i) {
    double y = top + plot_h - plot_h * i / 4.0;
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}</text>",
        left, y, width - right, y, left - 4, y + 4, Number(axis * i / 4));
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double h = plot_h * static_cast<double>(b.value) / static_cast<double>(axis);
    double x = left + slot * i + slot * 0.15;
    double w = slot * 0.7;
    double y = top + plot_h - h;
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"{}\"/>", x, y,
        w, h, b.highlight ? "bar hi" : "bar");
    if (bars.size() <= 24) {
      out += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"value\" text-anchor=\"middle\">{}</text>",
          x + w / 2, y - 3, Number(b.value));
    }
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"middle\">{}</text>",
        x + w / 2, top + plot_h + 16, EscapeXml(b.label));
  }
  out += "</svg>";
  return out;
}

std::string BarChartSvg(std::string_view title, const std::vector<Bar>& bars) {
  const double label_w = 190, plot_w = 300, value_w = 70, row = 20, top = 4;
  const double width = label_w + plot_w + value_w;
  const double height = top * 2 + row * std::max<size_t>(bars.size(), 1);
  int64_t max = 0;
  for (const Bar& b : bars) max = std::max(max, b.value);
  std::string out = fmt::format(
      "<svg class=\"chart\" role=\"img\" "
      "viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\">"
      "<title>{}</title>",
      width, height, width, height, EscapeXml(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    double y = top + row * i;
    double w = max > 0 ? plot_w * static_cast<double>(b.value) / static_cast<double>(max) : 0;
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"axis\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"value\">{}</text>",
        label_w - 6, y + 14, EscapeXml(b.label), label_w, y + 3, w, row - 6,
        b.highlight ? "bar hi" : "bar", label_w + w + 4, y + 14, Number(b.value));
  }
  out += "</svg>";
  return out;
}

}  // namespace mara::report
