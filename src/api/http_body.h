// Request and response bodies on the wire, independent of the transport:
// multipart/form-data uploads and gzip responses (Beast decodes chunked
// request bodies in the transport).
// Every function is a pure function of its arguments, so the transport can
// call them from any thread, and each can be fuzzed on its own.
//
// Contract:
// - ParseMultipart() splits a multipart/form-data body (RFC 7578 over the
//   RFC 2046 framing). `content_type` is the request's whole Content-Type
//   value; its media type and parameter names are case-insensitive and its
//   boundary may be quoted (1 to 70 printable characters). Preamble and
//   epilogue are ignored. A line that starts with the delimiter but goes on
//   with anything but optional blanks and CRLF (or "--") is content, as in
//   RFC 2046 §5.1.1. Each part needs a `Content-Disposition: form-data`
//   header with a non-empty `name`; `filename` is kept as sent (hostile: a
//   display string, never a path) and `filename*` is ignored. A part's
//   content is every byte between its header block and the CRLF before the
//   next delimiter, as a view into `body` (nothing is copied: `body` must
//   outlive the parts; a large upload is a mapped spool file). kInvalidArgument, whose message
//   starts with "multipart body:" and names the part by its 1-based position, for a malformed body,
//   more than kMaxFormParts parts, or a part header block over kMaxPartHeaderBytes.
// - AcceptsGzip() answers whether an Accept-Encoding value lets the server
//   send gzip: `gzip` or `x-gzip` listed with a non-zero q-value, or, when
//   neither is listed, `*` with a non-zero q-value. An empty value is
//   identity only (false); the caller decides what an absent header means.
// - IsCompressible() tells, from a response Content-Type, whether gzip is
//   worth its cost: text, JSON, XML, JavaScript and SVG, parameters ignored.
//   Compressed formats (images, archives, PDF) are not.
// - Gzip() returns the RFC 1952 stream of `data` (zlib, default level). It
//   throws std::runtime_error only if zlib itself fails, which valid input
//   cannot cause.
#ifndef MARA_API_HTTP_BODY_H_
#define MARA_API_HTTP_BODY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.h"
#include "common/status.h"

namespace mara::api {

inline constexpr size_t kMaxFormParts = 1000;
inline constexpr size_t kMaxPartHeaderBytes = 16 * 1024;

Result<std::vector<FormPart>> ParseMultipart(std::string_view content_type, std::string_view body);

bool AcceptsGzip(std::string_view accept_encoding);

bool IsCompressible(std::string_view content_type);

std::string Gzip(std::string_view data);

}  // namespace mara::api

#endif  // MARA_API_HTTP_BODY_H_
