#include "api/problem.h"

namespace mara::api {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kCorruption:
    case StatusCode::kIOError:
      return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return http_status < 300 ? "OK" : (http_status < 500 ? "Client Error" : "Server Error");
  }
}

Response Problem(int http_status, std::string_view name, std::string_view detail,
                 std::string_view field) {
  nlohmann::ordered_json j;
  j["type"] = "urn:mara:problem:" + std::string(name);
  j["title"] = std::string(ReasonPhrase(http_status));
  j["status"] = http_status;
  j["detail"] = std::string(detail);
  if (!field.empty()) j["field"] = std::string(field);
  Response r;
  r.status = http_status;
  r.content_type = std::string(kProblemJson);
  // Replacement instead of an exception: a detail quoting hostile bytes must
  // still produce a document.
  r.body = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

Response ProblemFor(const Status& status, std::string_view field) {
  std::string name(StatusCodeName(status.code()));
  for (char& c : name) {
    if (c == ' ') c = '_';
  }
  return Problem(HttpStatusFor(status.code()), name, status.message(), field);
}

Response JsonResponse(const nlohmann::ordered_json& body, int http_status) {
  Response r;
  r.status = http_status;
  r.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return r;
}

}  // namespace mara::api
