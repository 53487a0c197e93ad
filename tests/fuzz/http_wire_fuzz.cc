// libFuzzer target: the HTTP/1.1 wire format the server reads from any
// client (api/http_wire.h, api/http_body.h), without a socket. The input is
// what a client sends: ParseRequestHead reads the head (Beast's parser plus
// the server's own limits); the bytes after it go, with the head's
// Content-Type, to ParseMultipart; the head's fields go back out through
// ResponseHead. Chunked bodies are Beast's to decode, in the transport.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "api/http_body.h"
#include "api/http_wire.h"
#include "fuzz_support.h"

namespace {

bool IsLowerToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
    if (c <= ' ' || c == ':' || c == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  mara::api::HeadLimits limits;
  limits.max_head = 2048;
  limits.max_line = 512;
  limits.max_target = 256;
  limits.max_fields = 20;
  const mara::api::HeadParse parsed = mara::api::ParseRequestHead(input, limits);
  if (parsed.state == mara::api::HeadParse::kRefused) {
    FUZZ_CHECK(parsed.status >= 400 && parsed.status < 600, "a refusal is a 4xx or 5xx");
    FUZZ_CHECK(!parsed.detail.empty(), "a refusal says why");
    return 0;
  }
  if (parsed.state == mara::api::HeadParse::kIncomplete) {
    FUZZ_CHECK(input.size() <= limits.max_head, "an incomplete head is within the limit");
    return 0;
  }
  const mara::api::RequestHead& head = parsed.head;
  FUZZ_CHECK(head.size <= input.size() && head.size <= limits.max_head, "the head fits");
  FUZZ_CHECK(input.substr(head.size - 4, 4) == "\r\n\r\n", "the head ends with a blank line");
  FUZZ_CHECK(head.headers.size() <= limits.max_fields, "at most max_fields names");
  FUZZ_CHECK(!head.target.empty() && head.target.size() <= limits.max_target, "target bounded");
  mara::api::Response echo;
  for (const auto& [name, value] : head.headers) {
    FUZZ_CHECK(IsLowerToken(name), "header names are lowercased tokens");
    echo.headers.emplace_back(name, value);
  }
  echo.headers.emplace_back("X-Target", head.target);
  const std::string out = mara::api::ResponseHead(echo, 0, head.KeepAlive());
  // Every line of the answer's head ends with CRLF and holds no other CR or LF.
  FUZZ_CHECK(out.size() >= 4 && out.compare(out.size() - 4, 4, "\r\n\r\n") == 0, "head ends");
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '\r') FUZZ_CHECK(i + 1 < out.size() && out[i + 1] == '\n', "CR only in CRLF");
    if (out[i] == '\n') FUZZ_CHECK(i > 0 && out[i - 1] == '\r', "LF only in CRLF");
  }

  const std::string_view rest = input.substr(head.size);
  auto parts = mara::api::ParseMultipart(head.Header("content-type"), rest);
  if (parts.ok()) {
    for (const mara::api::FormPart& part : *parts) {
      FUZZ_CHECK(part.content.data() >= rest.data() &&
                     part.content.data() + part.content.size() <= rest.data() + rest.size(),
                 "content is a view into the body");
    }
  }
  if (mara::api::AcceptsGzip(head.Header("accept-encoding"))) (void)mara::api::Gzip(rest);
  return 0;
}
