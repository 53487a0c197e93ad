#include "api/http_wire.h"

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <charconv>
#include <string>
#include <utility>

#include "api/problem.h"

namespace mara::api {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace asio = boost::asio;

bool IsTchar(unsigned char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Whether the comma-separated list `value` holds `token` (case-insensitive).
bool ListHas(std::string_view value, std::string_view token) {
  size_t start = 0;
  while (start <= value.size()) {
    size_t end = value.find(',', start);
    if (end == std::string_view::npos) end = value.size();
    if (EqualsIgnoreAsciiCase(TrimBlanks(value.substr(start, end - start)), token)) return true;
    start = end + 1;
  }
  return false;
}

HeadParse Refuse(int status, std::string detail) {
  HeadParse p;
  p.state = HeadParse::kRefused;
  p.status = status;
  p.detail = std::move(detail);
  return p;
}

bool ParseLength(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view RequestHead::Header(std::string_view lowercase_name) const {
  auto it = headers.find(std::string(lowercase_name));
  return it == headers.end() ? std::string_view() : std::string_view(it->second);
}

bool RequestHead::KeepAlive() const {
  const std::string_view connection = Header("connection");
  if (ListHas(connection, "close")) return false;
  return minor_version >= 1 || ListHas(connection, "keep-alive");
}

HeadParse ParseRequestHead(std::string_view data, const HeadLimits& limits) {
  size_t pos = 0;
  while (data.size() - pos >= 2 && data[pos] == '\r' && data[pos + 1] == '\n') pos += 2;
  const size_t end = data.find("\r\n\r\n", pos);
  // The request line may end before the head does; its own limit is checked
  // as soon as it is long enough to break it.
  const size_t first_eol = data.find("\r\n", pos);
  const size_t line_end = first_eol == std::string_view::npos ? data.size() : first_eol;
  if (line_end - pos > limits.max_target + 32) {
    return Refuse(
        414, "the request target is longer than " + std::to_string(limits.max_target) + " bytes");
  }
  if (end == std::string_view::npos) {
    if (data.size() > limits.max_head) {
      return Refuse(
          431, "the request head is longer than " + std::to_string(limits.max_head) + " bytes");
    }
    return {};
  }
  if (end + 4 > limits.max_head) {
    return Refuse(431,
                  "the request head is longer than " + std::to_string(limits.max_head) + " bytes");
  }
  // The limits and rules Beast's parser leaves to its user, on the raw
  // lines: a line's length, the field count, folded lines.
  size_t fields = 0;
  for (size_t line_start = first_eol + 2; line_start < end + 2;) {
    const size_t eol = data.find("\r\n", line_start);
    const std::string_view line = data.substr(line_start, eol - line_start);
    line_start = eol + 2;
    if (line.size() > limits.max_line) {
      return Refuse(431,
                    "a header line is longer than " + std::to_string(limits.max_line) + " bytes");
    }
    if (++fields > limits.max_fields) {
      return Refuse(431, "more than " + std::to_string(limits.max_fields) + " header fields");
    }
    if (line.front() == ' ' || line.front() == '\t') {
      return Refuse(400, "a header line is folded (starts with white space)");
    }
  }
  const std::string_view request_line = data.substr(pos, first_eol - pos);
  // The version as sent, when the line has the three parts it should.
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  const std::string_view version =
      sp2 == std::string_view::npos || request_line.find(' ', sp2 + 1) != std::string_view::npos
          ? std::string_view()
          : request_line.substr(sp2 + 1);

  // The grammar (request line, field names and values, Content-Length and
  // Transfer-Encoding) is Beast's.
  http::request_parser<http::empty_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_head));
  parser.body_limit(boost::none);  // the body's limit is the transport's
  parser.eager(false);
  beast::error_code ec;
  parser.put(asio::buffer(data.data() + pos, end + 4 - pos), ec);
  if (ec == http::error::bad_version && version.substr(0, 5) == "HTTP/") {
    return Refuse(505, "only HTTP/1.0 and HTTP/1.1");
  }
  if (ec == http::error::bad_content_length || ec == http::error::multiple_content_length) {
    return Refuse(400, "Content-Length: expected one non-negative integer");
  }
  if (ec == http::error::bad_transfer_encoding) {
    return Refuse(400, "Transfer-Encoding: only \"chunked\" is accepted, on HTTP/1.1");
  }
  if (ec == http::error::bad_method) return Refuse(400, "the request method is not a token");
  if (ec == http::error::bad_target) return Refuse(400, "the request target is malformed");
  if (ec == http::error::bad_version) {
    return Refuse(400, "the request line is not \"METHOD target HTTP/1.1\"");
  }
  if (ec == http::error::bad_field) {
    return Refuse(400, "a header name is not a token (or has white space before the colon)");
  }
  if (ec == http::error::bad_value) return Refuse(400, "a header value is malformed");
  if (ec || !parser.is_header_done()) {
    return Refuse(400, "the request head is malformed (" + ec.message() + ")");
  }
  const http::request<http::empty_body>& msg = parser.get();
  HeadParse parsed;
  RequestHead& head = parsed.head;
  head.size = end + 4;
  const std::string_view target(msg.target().data(), msg.target().size());
  if (target.size() > limits.max_target) {
    return Refuse(
        414, "the request target is longer than " + std::to_string(limits.max_target) + " bytes");
  }
  if (target.empty()) return Refuse(400, "the request target is empty");
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f) {
      return Refuse(400, "the request target holds a byte that must be percent-encoded");
    }
  }
  if (msg.version() != 10 && msg.version() != 11) {
    return Refuse(505, "only HTTP/1.0 and HTTP/1.1");
  }
  head.method = std::string(msg.method_string());
  head.target = std::string(target);
  head.minor_version = msg.version() % 10;
  for (const auto& field : msg) {
    const std::string_view name(field.name_string().data(), field.name_string().size());
    const std::string_view value = TrimBlanks({field.value().data(), field.value().size()});
    if (!IsToken(name)) {
      return Refuse(400, "a header name is not a token (or has white space before the colon)");
    }
    for (unsigned char c : value) {
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return Refuse(400, "header " + std::string(name) + ": a control byte in the value");
      }
    }
    std::string key = LowerCopy(name);
    auto inserted = head.headers.emplace(key, std::string(value));
    if (!inserted.second) {
      std::string& joined = inserted.first->second;
      if (key == "content-length") {
        if (joined != value) return Refuse(400, "Content-Length: repeated with another value");
      } else if (key == "host") {
        return Refuse(400, "Host: repeated");
      } else {
        joined += key == "cookie" ? "; " : ", ";
        joined += value;
      }
    }
  }
  const bool has_length = head.headers.count("content-length") != 0;
  if (head.headers.count("transfer-encoding") != 0) {
    if (has_length) return Refuse(400, "Transfer-Encoding and Content-Length together");
    if (LowerCopy(head.Header("transfer-encoding")) != "chunked" || head.minor_version == 0) {
      return Refuse(400, "Transfer-Encoding: only \"chunked\" is accepted, on HTTP/1.1");
    }
  } else if (has_length) {
    uint64_t length = 0;
    if (!ParseLength(head.Header("content-length"), &length)) {
      return Refuse(400, "Content-Length: expected a non-negative integer");
    }
  }
  parsed.state = HeadParse::kComplete;
  return parsed;
}

BodyFraming FramingOf(const RequestHead& head) {
  BodyFraming framing;
  if (head.headers.count("transfer-encoding") != 0) {
    framing.chunked = true;
  } else {
    (void)ParseLength(head.Header("content-length"), &framing.length);
  }
  return framing;
}

std::string ResponseHead(const Response& res, size_t body_size, bool keep_alive) {
  std::string out;
  out.reserve(512);
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += ReasonPhrase(res.status);
  out += "\r\n";
  auto safe_value = [](std::string_view v) {
    return v.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
  };
  for (const auto& [name, value] : res.headers) {
    if (!IsToken(name) || !safe_value(value)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) {
    if (!res.content_type.empty() && safe_value(res.content_type)) {
      out += "Content-Type: ";
      out += res.content_type;
      out += "\r\n";
    }
    out += "Content-Length: ";
    out += std::to_string(body_size);
    out += "\r\n";
  }
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out;
}

}  // namespace mara::api
