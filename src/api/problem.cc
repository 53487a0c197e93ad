#include "api/problem.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <utility>

namespace mara::api {
namespace {

struct PrivatePaths {
  std::mutex mu;
  std::deque<std::pair<std::string, std::string>> paths;  // path, label
  std::set<std::string> roots;                            // first components
};

PrivatePaths& Registry() {
  static PrivatePaths* registry = new PrivatePaths;
  return *registry;
}

// First components of absolute paths that are never an API path or a JSON
// pointer of ours.
constexpr std::string_view kFileSystemRoots[] = {
    "bin", "boot", "data", "dev",  "etc",  "home",    "lib",    "lib64", "media",
    "mnt", "nix",  "opt",  "proc", "root", "private", "run",    "sbin",  "snap",
    "srv", "sys",  "tmp",  "usr",  "var",  "Users",   "Volumes"};

bool EndsToken(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\'' || c == '"' || c == '`' || c == ',' ||
         c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '<' || c == '>';
}

// Replaces each occurrence of `what` and, when a '/' follows it (a file
// under a registered directory), the rest of that path too.
void ReplaceAll(std::string& text, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + with.size())) {
    size_t end = at + what.size();
    if (end < text.size() && text[end] == '/') {
      while (end < text.size() && !EndsToken(text[end])) ++end;
    }
    text.replace(at, end - at, with);
  }
}

}  // namespace

void RegisterPrivatePath(std::string_view path, std::string_view label) {
  if (path.size() < 2) return;
  std::vector<std::string> forms = {std::string(path)};
  if (path.find("://") == std::string_view::npos) {
    std::error_code ec;
    std::filesystem::path absolute = std::filesystem::absolute(std::string(path), ec);
    if (!ec) forms.push_back(absolute.lexically_normal().string());
    std::filesystem::path canonical = std::filesystem::weakly_canonical(std::string(path), ec);
    if (!ec) forms.push_back(canonical.string());
  }
  PrivatePaths& r = Registry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (std::string& form : forms) {
    while (form.size() > 1 && form.back() == '/') form.pop_back();
    if (form.size() < 2 || form == "/") continue;
    if (form.front() == '/') {
      const std::string root = form.substr(1, form.find('/', 1) - 1);
      if (!root.empty()) r.roots.insert(root);
    }
    const bool known =
        std::any_of(r.paths.begin(), r.paths.end(), [&](const auto& p) { return p.first == form; });
    if (!known) r.paths.emplace_back(std::move(form), std::string(label));
  }
  while (r.paths.size() > 256) r.paths.pop_front();
}

std::string WithoutPaths(std::string_view text) {
  std::string out(text);
  std::vector<std::pair<std::string, std::string>> paths;
  std::set<std::string> roots(std::begin(kFileSystemRoots), std::end(kFileSystemRoots));
  {
    PrivatePaths& r = Registry();
    std::lock_guard<std::mutex> lock(r.mu);
    paths.assign(r.paths.begin(), r.paths.end());
    roots.insert(r.roots.begin(), r.roots.end());
  }
  // The longest first, so a key file "<db>.keys" is not named as the database.
  std::sort(paths.begin(), paths.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  for (const auto& [path, label] : paths) ReplaceAll(out, path, label);
  std::string result;
  result.reserve(out.size());
  for (size_t i = 0; i < out.size();) {
    const bool starts = out[i] == '/' && (i == 0 || EndsToken(out[i - 1]) || out[i - 1] == '=');
    if (!starts) {
      result.push_back(out[i++]);
      continue;
    }
    size_t end = i + 1;
    while (end < out.size() && !EndsToken(out[end])) ++end;
    const std::string_view token = std::string_view(out).substr(i, end - i);
    const std::string_view root = token.substr(1, token.find('/', 1) - 1);
    if (roots.count(std::string(root)) != 0) {
      result += "<path>";
    } else {
      result += token;
    }
    i = end;
  }
  return result;
}

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
  j["detail"] = WithoutPaths(detail);
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
