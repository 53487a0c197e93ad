// HTTP/1.1 on the wire (RFC 9112) for the API's transport
// (api/http_transport.h): the request head in, the response head out.
// Nothing here touches a socket, so every rule is tested on strings.
//
// Contract:
// - ParseRequestHead() reads a request head from the start of `data` with
//   Boost.Beast's request parser (the grammar of the request line, field
//   names and values, Content-Length and Transfer-Encoding), plus the
//   limits and rules Beast leaves to its user (target length, line length,
//   field count, folded lines, control bytes, repeated Host, Transfer-
//   Encoding other than "chunked"):
//   kIncomplete while the blank line that ends it has not arrived (and the
//   limits still allow it to), kComplete with the head and its size in
//   bytes, or kRefused with the HTTP status to answer and a detail naming
//   what is wrong: 400 for a malformed line, a control byte, a space
//   before a colon, a folded line, a bad or repeated-and-different
//   Content-Length, Transfer-Encoding together with Content-Length; 414 for
//   a request target over `max_target`; 431 for a head over `max_head`, a
//   header line over `max_line` or more than `max_fields` fields; 505 for a
//   version other than HTTP/1.0 and HTTP/1.1. Lines end with CRLF; empty
//   lines before the request line are skipped (RFC 9112 §2.2).
// - Header names are lowercased (ASCII); a repeated field is joined with
//   ", " ("; " for Cookie) in arrival order.
// - ResponseHead() writes the status line and the headers of `res`, then
//   Content-Type, Content-Length (not for 1xx, 204 and 304) and Connection.
//   A header whose name is not a token or whose value holds CR, LF or NUL
//   is left out, so a handler's hostile string cannot split the response.
// - AsciiLower(), EqualsIgnoreAsciiCase() and TrimBlanks() are the
//   protocol's own case and white-space rules (ASCII, never the locale),
//   shared by the wire-format files.
// Thread-safety: pure functions.
#ifndef MARA_API_HTTP_WIRE_H_
#define MARA_API_HTTP_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "api/router.h"

namespace mara::api {

char AsciiLower(char c);
bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b);
// Without leading and trailing spaces and tabs (HTTP's optional white space).
std::string_view TrimBlanks(std::string_view s);

struct HeadLimits {
  size_t max_head = 32 * 1024;
  size_t max_line = 8 * 1024;
  size_t max_target = 8 * 1024;
  size_t max_fields = 100;
};

struct RequestHead {
  std::string method;
  std::string target;  // as sent: path and query, still percent-encoded
  int minor_version = 1;
  std::map<std::string, std::string> headers;  // names lowercased
  size_t size = 0;                             // bytes, with the final blank line

  // "" when absent.
  std::string_view Header(std::string_view lowercase_name) const;
  // Whether the connection stays open after the answer (HTTP/1.1 unless
  // "Connection: close"; HTTP/1.0 only with "Connection: keep-alive").
  bool KeepAlive() const;
};

struct HeadParse {
  enum State { kIncomplete, kComplete, kRefused } state = kIncomplete;
  RequestHead head;
  int status = 0;  // kRefused: the status to answer
  std::string detail;
};

HeadParse ParseRequestHead(std::string_view data, const HeadLimits& limits = {});

// How the body of a parsed head is framed.
struct BodyFraming {
  bool chunked = false;
  uint64_t length = 0;  // Content-Length, when not chunked
};
// The head's framing; ParseRequestHead() has refused every invalid one.
BodyFraming FramingOf(const RequestHead& head);

// `body_size` is announced as Content-Length (HEAD announces what GET sends).
std::string ResponseHead(const Response& res, size_t body_size, bool keep_alive);

}  // namespace mara::api

#endif  // MARA_API_HTTP_WIRE_H_
