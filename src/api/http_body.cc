#include "api/http_body.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "api/http_wire.h"

namespace mara::api {
namespace {

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreAsciiCase(text.substr(text.size() - suffix.size()), suffix);
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoreAsciiCase(text.substr(0, prefix.size()), prefix);
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

struct Param {
  std::string name;  // lower case
  std::string value;
};

// The `type/subtype` (or disposition type) before the first ';', and the
// parameter text after it. A type never holds a quote, so the first ';' is
// the end of the type even when a quoted parameter holds another.
std::pair<std::string_view, std::string_view> SplitType(std::string_view value) {
  const size_t semi = value.find(';');
  if (semi == std::string_view::npos) return {TrimBlanks(value), {}};
  return {TrimBlanks(value.substr(0, semi)), value.substr(semi + 1)};
}

// `name=value` pairs separated by ';' (RFC 9110 §5.6.6), values either
// tokens or quoted strings with backslash escapes. Unquoted values run to
// the next ';' rather than stopping at the first blank, because some
// clients send filenames with spaces unquoted. nullopt when malformed.
std::optional<std::vector<Param>> ParseParams(std::string_view text) {
  std::vector<Param> params;
  size_t i = 0;
  const size_t n = text.size();
  auto skip_blanks = [&] {
    while (i < n && IsBlank(text[i])) ++i;
  };
  for (;;) {
    while (i < n && (IsBlank(text[i]) || text[i] == ';')) ++i;
    if (i == n) break;
    const size_t name_start = i;
    while (i < n && text[i] != '=' && text[i] != ';' && !IsBlank(text[i])) ++i;
    Param param;
    if (i == name_start) return std::nullopt;
    for (char c : text.substr(name_start, i - name_start)) param.name += AsciiLower(c);
    skip_blanks();
    if (i == n || text[i] != '=') return std::nullopt;
    ++i;
    skip_blanks();
    if (i < n && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (i == n) return std::nullopt;
          param.value += text[i++];
        } else {
          param.value += c;
        }
      }
      if (!closed) return std::nullopt;
      skip_blanks();
      if (i < n && text[i] != ';') return std::nullopt;
    } else {
      const size_t value_start = i;
      while (i < n && text[i] != ';') ++i;
      param.value = std::string(TrimBlanks(text.substr(value_start, i - value_start)));
    }
    params.push_back(std::move(param));
  }
  return params;
}

// The first parameter of that (lower-case) name: a repeated parameter is
// either a client bug or an attempt to have two parsers disagree, and the
// first is what most parsers keep.
const Param* FindParam(const std::vector<Param>& params, std::string_view name) {
  for (const Param& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Status MultipartError(std::string message) {
  return Status::InvalidArgument("multipart body: " + std::move(message));
}

std::string PartLabel(size_t number) { return "part " + std::to_string(number); }

struct Delimiter {
  size_t begin = 0;  // the CRLF before "--boundary" (or 0 at the start of the body)
  size_t next = 0;   // the first byte after the delimiter line
  bool closing = false;
};

// Whether the bytes after a "--boundary" at `after` complete a delimiter
// line: "--" (the close delimiter; the epilogue after it is ignored) or
// transport padding then CRLF. Anything else makes it content.
std::optional<Delimiter> DelimiterLine(std::string_view body, size_t begin, size_t after) {
  if (body.substr(after).starts_with("--")) return Delimiter{begin, body.size(), true};
  size_t i = after;
  while (i < body.size() && IsBlank(body[i])) ++i;
  if (body.substr(i).starts_with("\r\n")) return Delimiter{begin, i + 2, false};
  return std::nullopt;
}

// The first delimiter ("\r\n--boundary" plus a valid line end) at or after
// `from`. Each candidate is looked at once and the search moves past it,
// and the transport padding skipped after different candidates never
// overlaps, so the whole parse stays linear in the body.
std::optional<Delimiter> FindDelimiter(std::string_view body, size_t from,
                                       std::string_view crlf_dash_boundary) {
  for (;;) {
    const size_t at = body.find(crlf_dash_boundary, from);
    if (at == std::string_view::npos) return std::nullopt;
    if (auto d = DelimiterLine(body, at, at + crlf_dash_boundary.size())) return d;
    from = at + 1;
  }
}

Status ParsePartHeaders(std::string_view block, size_t number, FormPart& part) {
  // Logical header lines, with obsolete line folding joined.
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= block.size() && !block.empty()) {
    size_t end = block.find("\r\n", start);
    if (end == std::string_view::npos) end = block.size();
    const std::string_view line = block.substr(start, end - start);
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return MultipartError(PartLabel(number) + " has a bare CR or LF in its headers");
    }
    if (!line.empty() && IsBlank(line.front())) {
      if (lines.empty()) {
        return MultipartError(PartLabel(number) + " has a malformed header line");
      }
      lines.back() += ' ';
      lines.back() += TrimBlanks(line);
    } else {
      lines.emplace_back(line);
    }
    start = end + 2;
  }

  std::optional<std::string> disposition;
  std::optional<std::string> content_type;
  for (const std::string& line : lines) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      return MultipartError(PartLabel(number) + " has a malformed header line");
    }
    const std::string_view name(line.data(), colon);
    if (std::any_of(name.begin(), name.end(), [](char c) { return IsBlank(c); })) {
      return MultipartError(PartLabel(number) + " has a malformed header line");
    }
    const std::string_view value = TrimBlanks(std::string_view(line).substr(colon + 1));
    if (EqualsIgnoreAsciiCase(name, "content-disposition")) {
      if (!disposition) disposition = std::string(value);
    } else if (EqualsIgnoreAsciiCase(name, "content-type")) {
      if (!content_type) content_type = std::string(value);
    }
  }

  if (!disposition) {
    return MultipartError(PartLabel(number) + " has no Content-Disposition header");
  }
  const auto [type, param_text] = SplitType(*disposition);
  if (!EqualsIgnoreAsciiCase(type, "form-data")) {
    return MultipartError(PartLabel(number) + " Content-Disposition is not form-data");
  }
  const std::optional<std::vector<Param>> params = ParseParams(param_text);
  if (!params) {
    return MultipartError(PartLabel(number) + " has a malformed Content-Disposition header");
  }
  const Param* name = FindParam(*params, "name");
  if (name == nullptr || name->value.empty()) {
    return MultipartError(PartLabel(number) + " has no name");
  }
  part.name = name->value;
  if (const Param* filename = FindParam(*params, "filename")) part.filename = filename->value;
  if (content_type) part.content_type = *content_type;
  return Status::Ok();
}

// RFC 9110 qvalue: "0" ["." 0*3DIGIT] / "1" ["." 0*3("0")]. nullopt when
// malformed, otherwise whether the weight is above zero.
std::optional<bool> QValueIsPositive(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  bool positive = q[0] == '1';
  if (q.size() == 1) return positive;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    if (q[0] == '1' && c != '0') return std::nullopt;
    if (c != '0') positive = true;
  }
  return positive;
}

}  // namespace

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body) {
  const auto [media_type, param_text] = SplitType(content_type);
  if (!EqualsIgnoreAsciiCase(media_type, "multipart/form-data")) {
    return MultipartError("Content-Type is not multipart/form-data");
  }
  const std::optional<std::vector<Param>> params = ParseParams(param_text);
  if (!params) return MultipartError("malformed Content-Type parameters");
  const Param* boundary = FindParam(*params, "boundary");
  if (boundary == nullptr) return MultipartError("no boundary parameter in Content-Type");
  const std::string& b = boundary->value;
  if (b.empty()) return MultipartError("boundary parameter is empty");
  if (b.size() > 70) return MultipartError("boundary longer than 70 characters");
  if (b.back() == ' ' ||
      std::any_of(b.begin(), b.end(), [](char c) { return c < 0x20 || c > 0x7e; })) {
    return MultipartError("boundary holds a character RFC 2046 does not allow");
  }
  const std::string crlf_dash_boundary = "\r\n--" + b;
  const std::string_view dash_boundary = std::string_view(crlf_dash_boundary).substr(2);

  // The first delimiter either opens the body or follows the preamble's
  // CRLF.
  std::optional<Delimiter> delimiter;
  if (body.starts_with(dash_boundary)) delimiter = DelimiterLine(body, 0, dash_boundary.size());
  if (!delimiter) delimiter = FindDelimiter(body, 0, crlf_dash_boundary);
  if (!delimiter) return MultipartError("no opening boundary");

  std::vector<FormPart> parts;
  while (!delimiter->closing) {
    const size_t number = parts.size() + 1;
    if (number > kMaxFormParts) {
      return MultipartError("more than " + std::to_string(kMaxFormParts) + " parts");
    }
    // `start` follows a CRLF, so searching from start - 2 finds both a part
    // with no headers at all and the delimiter right after a part's header
    // block (RFC 2046 makes the CRLF and content after the headers
    // optional).
    const size_t start = delimiter->next;
    const std::optional<Delimiter> end = FindDelimiter(body, start - 2, crlf_dash_boundary);
    if (end && end->begin + 2 == start) {
      return MultipartError(PartLabel(number) + " has no Content-Disposition header");
    }

    // The header block ends at the first empty line; it may share its last
    // CRLF with the delimiter, but may not run past it.
    const size_t region_end = end ? end->begin + 2 : body.size();
    const size_t window_end = std::min(region_end, start + kMaxPartHeaderBytes + 2);
    const std::string_view window = body.substr(start - 2, window_end - (start - 2));
    const size_t blank = window.find("\r\n\r\n");
    if (blank == std::string_view::npos) {
      if (window_end < region_end) {
        return MultipartError(PartLabel(number) + " header block longer than " +
                              std::to_string(kMaxPartHeaderBytes) + " bytes");
      }
      return MultipartError(PartLabel(number) + " header block not terminated");
    }
    const size_t headers_end = start - 2 + blank;  // the CRLF ending the last header
    const std::string_view headers =
        headers_end > start ? body.substr(start, headers_end - start) : std::string_view();

    FormPart part;
    MARA_RETURN_IF_ERROR(ParsePartHeaders(headers, number, part));
    if (!end) return MultipartError("missing closing boundary");
    const size_t content_start = std::min(headers_end + 4, end->begin);
    part.content = body.substr(content_start, end->begin - content_start);
    parts.push_back(std::move(part));
    delimiter = end;
  }
  return parts;
}

bool AcceptsGzip(std::string_view accept_encoding) {
  bool gzip_listed = false;
  bool gzip_accepted = false;
  bool star_listed = false;
  bool star_accepted = false;
  size_t start = 0;
  while (start <= accept_encoding.size()) {
    size_t comma = accept_encoding.find(',', start);
    if (comma == std::string_view::npos) comma = accept_encoding.size();
    const auto [coding, param_text] = SplitType(accept_encoding.substr(start, comma - start));
    start = comma + 1;
    const bool gzip =
        EqualsIgnoreAsciiCase(coding, "gzip") || EqualsIgnoreAsciiCase(coding, "x-gzip");
    const bool star = coding == "*";
    if (!gzip && !star) continue;
    const std::optional<std::vector<Param>> params = ParseParams(param_text);
    if (!params) continue;
    bool positive = true;
    if (const Param* q = FindParam(*params, "q")) {
      const std::optional<bool> weight = QValueIsPositive(q->value);
      // A weight we cannot read is no consent to an encoding.
      if (!weight) continue;
      positive = *weight;
    }
    if (gzip) {
      gzip_listed = true;
      gzip_accepted = gzip_accepted || positive;
    } else {
      star_listed = true;
      star_accepted = star_accepted || positive;
    }
  }
  // An explicit entry for gzip outranks the wildcard (RFC 9110 §12.5.3).
  if (gzip_listed) return gzip_accepted;
  return star_listed && star_accepted;
}

bool IsCompressible(std::string_view content_type) {
  const std::string_view type = SplitType(content_type).first;
  if (StartsWithIgnoreCase(type, "text/")) return true;
  if (EndsWithIgnoreCase(type, "+json") || EndsWithIgnoreCase(type, "+xml")) return true;
  for (std::string_view known :
       {"application/json", "application/javascript", "application/xml", "image/svg+xml"}) {
    if (EqualsIgnoreAsciiCase(type, known)) return true;
  }
  return false;
}

std::string Gzip(std::string_view data) {
  z_stream zs{};
  // 15 + 16: the largest window, wrapped in a gzip header and trailer.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("zlib deflateInit2 failed");
  }
  struct End {
    z_stream* zs;
    ~End() { deflateEnd(zs); }
  } end{&zs};

  // zlib counts in uInt, so larger inputs and outputs go through in slices.
  constexpr size_t kSlice = std::numeric_limits<uInt>::max();
  std::string out;
  out.resize(std::max<size_t>(deflateBound(&zs, static_cast<uLong>(data.size())), 64));
  size_t produced = 0;
  size_t consumed = 0;
  for (;;) {
    if (zs.avail_in == 0 && consumed < data.size()) {
      const size_t n = std::min(data.size() - consumed, kSlice);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + consumed));
      zs.avail_in = static_cast<uInt>(n);
      consumed += n;
    }
    if (produced == out.size()) out.resize(out.size() * 2);
    const size_t room = std::min(out.size() - produced, kSlice);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(room);
    const int flush = (consumed == data.size() && zs.avail_in == 0) ? Z_FINISH : Z_NO_FLUSH;
    const int rc = deflate(&zs, flush);
    produced += room - zs.avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      throw std::runtime_error("zlib deflate failed: " + std::to_string(rc));
    }
  }
  out.resize(produced);
  return out;
}

}  // namespace mara::api
