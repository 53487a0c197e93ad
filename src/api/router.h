// The API's own request router: routes are (method, path pattern) pairs
// whose patterns name path parameters as `{name}` segments, plus the
// request/response values handlers see. Nothing here knows the transport
// underneath (server.cc feeds these types from the server's own HTTP/1.1
// transport, http_transport.h), so it can change without touching a handler.
//
// Contract:
// - ParseQuery() decodes an application/x-www-form-urlencoded query string
//   strictly: a bad percent escape or a name or value that is not valid
//   UTF-8 is kInvalidArgument naming the parameter.
// - Router::Find() splits the path on '/', percent-decodes each segment
//   (kInvalidArgument for a bad escape or invalid UTF-8) and returns the
//   first route whose pattern matches, with its parameters; kNotFound when
//   no pattern matches the path. When the path matches only under other
//   methods, the Match has no route and `allowed` lists those methods (the
//   caller answers 405).
// - The route table is built once before serving and then only read:
//   concurrent Find() calls are safe; Add() is not thread-safe.
#ifndef MARA_API_ROUTER_H_
#define MARA_API_ROUTER_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace mara::api {

// One part of a multipart/form-data body (a file or a plain field).
// `content` is a view into the request's body (Request::body, or the
// mapped spool file of a large upload), valid as long as the Request.
struct FormPart {
  std::string name;
  std::string filename;  // as the client sent it: hostile, never a path
  std::string content_type;
  std::string_view content;
};

class SpooledBody;

struct RouteSpec;

struct Request {
  std::string method;                                      // "GET", "POST", ...
  std::string path;                                        // raw path, without the query
  std::map<std::string, std::string> params;               // from the pattern
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::map<std::string, std::string> headers;              // names lowercased
  std::string body;
  // A body over TransportOptions::spool_threshold, written by the transport
  // to a private file (api/spool.h) instead of `body` (then empty). The
  // file is removed when the last reference goes.
  std::shared_ptr<SpooledBody> spooled;
  std::vector<FormPart> parts;  // multipart/form-data bodies, in order
  std::string remote_addr;      // the TCP peer
  // The store's private temporary folder (api/spool.h, ResolveTempDir),
  // where handlers write the private files they need; set by the server.
  std::string temp_dir;
  // The matched route, set by the server before the handler runs; every
  // query parameter of the request is one it declares.
  const RouteSpec* spec = nullptr;

  // "" when absent.
  std::string Header(std::string_view lowercase_name) const;
  // The first value of a query parameter.
  std::optional<std::string> Query(std::string_view name) const;
  // The first multipart part of that name; nullptr when absent.
  const FormPart* Part(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body shared with the response cache and sent in place of `body`
  // (then empty), so a cache hit copies none of its bytes. Body() reads
  // whichever is set.
  std::shared_ptr<const std::string> shared_body;

  std::string_view Body() const { return shared_body ? *shared_body : std::string_view(body); }
};

// A query parameter a route accepts (documented in the OpenAPI document).
// A route takes only the parameters it declares: any other is 400.
struct QueryParam {
  std::string name;
  std::string description;
  bool integer = false;
};

struct RouteSpec {
  std::string method;   // upper case
  std::string pattern;  // "/api/v1/parties/{id}"
  std::string summary;
  bool needs_auth = true;
  std::vector<QueryParam> query;
  bool has_body = false;  // takes a JSON body
  // Takes a multipart/form-data body up to ServerOptions::max_upload_bytes
  // (every other body is limited to max_body_bytes).
  bool multipart = false;
  int success_status = 200;  // the status of success (201 created, 202 accepted)
  bool if_match = false;     // honours If-Match (optimistic concurrency)
  // A safe method that still appends to the audit log: serialised with the
  // writes so two audit appends never race for the same sequence number.
  bool audited_read = false;
  // The media types of a success answer that is not JSON (the OpenAPI
  // document names them), separated by ", ": with `response_schema` set,
  // the route answers JSON or these (a report's formats).
  std::string produces;
  // May answer 503 with a problem (a readiness check).
  bool may_be_unavailable = false;
  // The JSON Schema of the body (`has_body` or `multipart`, whose parts are
  // its members): the name of a schema of api/schemas.h. The server checks
  // every body against it before the handler runs (400 naming the member at
  // fault) and the OpenAPI document publishes it, so the documented schema
  // is the enforced one.
  std::string request_schema;
  // The schema of the JSON body of a success answer: the name of a schema
  // of api/schemas.h, published in the OpenAPI document. Empty only for a
  // route whose success has no JSON body (`produces`, or 204).
  std::string response_schema;
  // Answers every principal it admits alike (the annex): the response cache
  // keeps one entry for all of them, served to a principal once the route
  // has admitted its stored record (api/response_cache.h).
  bool same_for_readers = false;
  // Checks a password the caller types (one's own password change): the
  // server counts the attempt in the failed-login limiter under the
  // caller's name and address before the handler runs (429 with
  // Retry-After at the limit, as a login), keeps it counted when the answer
  // refuses the password (401 or 403), and bounds the Argon2id checks with
  // the login's check slots.
  bool checks_password = false;
  // The answer is worded in the request's language: the `lang` query
  // parameter when given, else the one Accept-Language asks for
  // (i18n::NegotiateLanguage). The response cache keys such a route's
  // entries by that language too, and the answer says `Vary:
  // Accept-Language`.
  bool varies_by_language = false;
};

using Handler = std::function<Response(Request&)>;

struct Route {
  RouteSpec spec;
  Handler handler;
  std::vector<std::string> segments;  // the pattern split on '/'
};

struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  std::vector<std::string> allowed;  // methods of routes matching the path
};

Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);
// Percent-decoding of one component; `plus_is_space` for query strings.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

class Router {
 public:
  void Add(RouteSpec spec, Handler handler);
  // See the file comment: kNotFound, or kInvalidArgument for an
  // undecodable path.
  Result<Match> Find(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace mara::api

#endif  // MARA_API_ROUTER_H_
