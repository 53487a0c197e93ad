#include "api/server.h"

#include <sodium.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <deque>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "api/access_log.h"
#include "api/http_body.h"
#include "api/http_transport.h"
#include "api/json_schema.h"
#include "api/language.h"
#include "api/login_guard.h"
#include "api/metrics.h"
#include "api/openapi.h"
#include "api/problem.h"
#include "api/resources.h"
#include "api/resources_imports.h"
#include "api/response_cache.h"
#include "api/schemas.h"
#include "api/spool.h"
#include "api/static_files.h"
#include "common/text.h"
#include "policy/policy.h"
#include "security/encoding.h"
#include "security/password.h"
#include "security/random.h"
#include "service/api_tokens.h"
#include "service/audit.h"
#include "service/communications.h"
#include "service/live_assessment.h"
#include "service/publication.h"
#include "service/session.h"
#include "service/users.h"

namespace mara::api {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::ordered_json;

// A JSON body checked against its route's declared schema (api/schemas.h),
// before the handler runs: the 400 naming the member at fault, or nullopt to
// go ahead. An empty body is checked as {}.
std::optional<Response> RefusedBody(const Request& req) {
  if (req.spec == nullptr || req.spec->request_schema.empty() || req.spec->multipart) {
    return std::nullopt;
  }
  const Json& schemas = ComponentSchemas();
  auto schema = schemas.find(req.spec->request_schema);
  if (schema == schemas.end()) {
    return Problem(
        500, "internal",
        "the route names an unknown schema " + QuoteForMessage(req.spec->request_schema));
  }
  Json body = Json::object();
  if (!req.body.empty()) {
    if (!IsValidUtf8(req.body)) {
      return Problem(400, "invalid_argument", "body: not valid UTF-8", "body");
    }
    try {
      body = Json::parse(req.body);
    } catch (const nlohmann::json::exception& e) {
      return Problem(400, "invalid_argument", std::string("body: not JSON: ") + e.what(), "body");
    }
  }
  std::optional<SchemaViolation> violation = Validate(body, *schema, schemas);
  if (!violation) return std::nullopt;
  return Problem(400, "invalid_argument", violation->Detail(),
                 violation->pointer.empty() ? std::string("body") : violation->pointer);
}

// The parts of a multipart body checked against the route's schema, each
// part a member (a file's part as an empty string: its bytes are the
// handler's to judge): the 400 naming the part, or nullopt to go ahead.
std::optional<Response> RefusedParts(const Request& req) {
  if (req.spec == nullptr || req.spec->request_schema.empty()) return std::nullopt;
  const Json& schemas = ComponentSchemas();
  auto schema = schemas.find(req.spec->request_schema);
  if (schema == schemas.end()) {
    return Problem(
        500, "internal",
        "the route names an unknown schema " + QuoteForMessage(req.spec->request_schema));
  }
  Json form = Json::object();
  for (const FormPart& part : req.parts) {
    if (!IsValidUtf8(part.name)) {
      return Problem(400, "invalid_argument", "a part's name is not valid UTF-8", "body");
    }
    if (!part.filename.empty()) {
      form[part.name] = "";
    } else if (!IsValidUtf8(part.content)) {
      return Problem(400, "invalid_argument", part.name + ": not valid UTF-8", part.name);
    } else {
      form[part.name] = std::string(part.content);
    }
  }
  std::optional<SchemaViolation> violation = Validate(form, *schema, schemas);
  if (!violation) return std::nullopt;
  const std::string field =
      violation->pointer.empty() ? std::string("body") : violation->pointer.substr(1);
  return Problem(400, "invalid_argument", violation->Detail(), field);
}

constexpr std::string_view kCookieName = "mara_session";
constexpr std::string_view kCsrfHeader = "x-csrf-token";
// No inline script anywhere; served reports and statements of case carry
// inline CSS and SVG, so they get their own stricter-for-scripts policy
// below.
constexpr std::string_view kApiCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";
constexpr std::string_view kReportCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

// The operator routes outside /api/, answered by the router rather than
// as files of the browser application.
bool IsOperatorPath(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// The metrics and access-log labels of answers no route pattern names.
constexpr std::string_view kStaticRoute = "static";
constexpr std::string_view kUnmatchedRoute = "unmatched";
constexpr std::string_view kRefusedRoute = "refused";

// A counter or gauge with its HELP and TYPE lines.
std::string MetricFamily(std::string_view name, std::string_view type, std::string_view help,
                         std::string_view value) {
  return "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) +
         " " + std::string(type) + "\n" + PrometheusSample(name, {}, value);
}

bool IsUnsafe(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

std::string RandomToken() {
  security::SystemRandom random;
  std::array<uint8_t, 32> bytes{};
  random.Fill(bytes);
  return security::ToHex(bytes);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string CookieValue(std::string_view header, std::string_view name) {
  size_t start = 0;
  while (start < header.size()) {
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string_view part = header.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.substr(0, name.size()) == name &&
        part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    start = end + 1;
  }
  return "";
}

void ApplySecurityHeaders(Response& res, std::string_view csp) {
  auto& h = res.headers;
  // Static files of the browser application bring their own.
  const bool cache_control = std::any_of(
      h.begin(), h.end(), [](const auto& field) { return field.first == "Cache-Control"; });
  h.emplace_back("Content-Security-Policy", std::string(csp));
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("X-Frame-Options", "DENY");
  h.emplace_back("Referrer-Policy", "no-referrer");
  if (!cache_control) h.emplace_back("Cache-Control", "no-store");
  h.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
}

// Bodies smaller than this go out as they are: gzip would save little.
constexpr size_t kMinCompressed = 1024;

struct LoginSession {
  std::string principal;
  std::string csrf;
  Clock::time_point expires;
  std::string digest;  // of the principal's stored record at login
};

LoginLimits LimitsOf(const ServerOptions& o) {
  LoginLimits limits;
  limits.per_name_address = o.login_max_failures;
  limits.per_address = o.login_max_address_failures;
  limits.per_name = o.login_max_name_failures;
  limits.window = o.login_window;
  limits.known_for = o.login_known_for;
  limits.max_entries = o.login_max_entries;
  return limits;
}

// The media type of a Content-Type value, lowercased, without parameters.
std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The last element of a comma-separated header value, trimmed.
std::string LastListed(std::string_view value) {
  const size_t comma = value.rfind(',');
  std::string_view last = comma == std::string_view::npos ? value : value.substr(comma + 1);
  while (!last.empty() && last.front() == ' ') last.remove_prefix(1);
  while (!last.empty() && last.back() == ' ') last.remove_suffix(1);
  return std::string(last);
}

// The first query parameter the route does not declare.
std::optional<std::string> UndeclaredParameter(
    const std::vector<std::pair<std::string, std::string>>& query, const RouteSpec& spec) {
  for (const auto& param : query) {
    const std::string& name = param.first;
    const bool declared = std::any_of(spec.query.begin(), spec.query.end(),
                                      [&](const QueryParam& q) { return q.name == name; });
    if (!declared) return name;
  }
  return std::nullopt;
}

Response Unauthenticated(std::string_view detail, std::string_view field, bool bearer) {
  Response r = Problem(401, "unauthenticated", detail, field);
  if (bearer) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"mara\"");
  return r;
}

}  // namespace

class Server::Impl {
 public:
  explicit Impl(ServerOptions options)
      : options_(std::move(options)),
        limiter_(LimitsOf(options_)),
        check_slots_(options_.login_concurrent_checks, options_.login_check_wait) {}

  ~Impl() { Stop(); }

  Status Start();
  void Stop() {
    if (transport_) transport_->Stop();
  }
  void Wait() {
    if (transport_) transport_->Wait();
  }
  int port() const { return port_; }
  const Router& router() const { return router_; }

 private:
  SessionOptions SessionOptionsFor(const std::string& principal) const {
    SessionOptions o;
    o.db = options_.db;
    o.key_file = options_.key_file;
    o.evidence_dir = options_.evidence_dir;
    o.principal = principal;
    o.live = live_;
    return o;
  }
  void BuildRoutes();
  // `multipart`: the body is parsed into Request::parts once the caller is
  // known, so a stranger learns nothing from how its body is refused.
  Handler Authenticated(SessionHandler handler, bool serialised = false, bool multipart = false);
  // The principal of a request's login session or bearer token, or the
  // 401/403 problem. A login whose principal's record changed is ended.
  std::variant<std::string, Response> Authenticate(const Request& req);
  // The 401 for a disabled principal, in the form of the request's credential.
  static Response DisabledPrincipal(const Request& req);
  // Whether the TCP peer is one of the trusted proxies.
  bool FromTrustedProxy(const Request& req) const;
  Response Login(Request& req);
  // Appends a failed login to the audit chain (service/audit.h
  // RecordFailedLogin) through `session`, or a session of its own when null;
  // a failure to record changes nothing in the answer.
  void RecordLoginFailure(Session* session, const std::string& name, std::string_view reason);
  // `handler` behind the failed-login limiter and the check slots, counted
  // under the calling principal's name (RouteSpec::checks_password).
  SessionHandler PasswordGuarded(SessionHandler handler);
  Response Logout(Request& req);
  Response WhoAmI(Request& req);
  // `route` receives the answer's route template or label (api/metrics.h).
  Response Dispatch(Request& req, std::string_view raw_query, std::string_view* route);
  // Dispatch, timed, counted, logged and given its X-Request-Id.
  Response Handle(Request& req, std::string_view raw_query);
  // The `admit` check of the transport (uploads authenticated from the head).
  std::optional<Response> Admit(const RequestHead& head, const std::string& remote_addr);
  // Counts and logs an answer.
  void Record(std::string_view method, std::string_view route, const Response& res,
              std::chrono::system_clock::time_point arrived, Clock::time_point start,
              std::string_view request_id);
  // The route template of a request, or kUnmatchedRoute.
  std::string_view RouteOf(std::string_view method, std::string_view path) const {
    Result<Match> m = router_.Find(method == "HEAD" ? "GET" : method, path);
    return m.ok() && m->route != nullptr ? std::string_view(m->route->spec.pattern)
                                         : kUnmatchedRoute;
  }
  // GET /metrics as the session's principal.
  Response MetricsPage(Session& session);
  // Whether the head is for a multipart route (an upload).
  bool IsUpload(const RequestHead& head) const {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    Result<Match> m = router_.Find(head.method, path);
    return m.ok() && m->route != nullptr && m->route->spec.multipart;
  }
  // The problem document for a request the transport refuses itself.
  Response Refusal(int status, const std::string& detail);
  std::string SetCookie(const std::string& value, int64_t max_age) const {
    std::string c = std::string(kCookieName) + "=" + value +
                    "; Path=/api; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age);
    if (options_.secure_cookies) c += "; Secure";
    return c;
  }

  ServerOptions options_;
  std::shared_ptr<const Policy> policy_;
  Router router_;
  std::unique_ptr<HttpTransport> transport_;
  int port_ = 0;
  // The store's private temporary folder (api/spool.h): spooled uploads
  // and the handlers' private files.
  std::string temp_dir_;
  // Uploads admitted and not yet answered or abandoned.
  std::atomic<size_t> uploads_{0};
  // The assessments every session of this server keeps current with its
  // writes (service/live_assessment.h). Before imports_: a running import
  // opens its session with them while imports_ is being destroyed.
  std::shared_ptr<LiveAssessments> live_ = std::make_shared<LiveAssessments>();
  std::mutex write_mu_;
  // After write_mu_: destroyed (joining running imports) before it.
  std::unique_ptr<ImportManager> imports_;
  std::unique_ptr<StaticFiles> static_files_;
  ResponseCache cache_{options_.db, size_t{256} << 20, options_.cache_staleness};
  std::mutex sessions_mu_;
  std::map<std::string, LoginSession> sessions_;  // keyed by the BLAKE2b of the cookie
  LoginLimiter limiter_;
  CheckSlots check_slots_;
  TrustedProxies proxies_;
  Metrics metrics_;
  std::unique_ptr<AccessLog> access_log_;
  int64_t started_at_ = 0;  // Unix seconds
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // Argon2id of a random password, for unknown names
};

std::variant<std::string, Response> Server::Impl::Authenticate(const Request& req) {
  const std::string authorization = req.Header("authorization");
  if (authorization.size() > 7 && (authorization.compare(0, 7, "Bearer ") == 0 ||
                                   authorization.compare(0, 7, "bearer ") == 0)) {
    // A bearer token is never sent by a browser on its own, so it needs no
    // CSRF token.
    Result<std::unique_ptr<Session>> lookup = Session::Open(SessionOptionsFor(""));
    if (!lookup.ok()) return ProblemFor(lookup.status());
    const int64_t now = (*lookup)->clock().NowMillis() / 1000;
    Result<std::string> principal =
        ResolveApiToken(**lookup, std::string_view(authorization).substr(7), now);
    if (!principal.ok()) {
      if (principal.status().code() != StatusCode::kPermissionDenied) {
        return ProblemFor(principal.status());
      }
      return Unauthenticated(principal.status().message(), "Authorization", true);
    }
    return *principal;
  }
  const std::string cookie = CookieValue(req.Header("cookie"), kCookieName);
  if (cookie.empty()) {
    return Problem(401, "unauthenticated", "log in first: POST /api/v1/session", "Cookie");
  }
  LoginSession login;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(Blake2bHex(cookie));
    if (it == sessions_.end() || it->second.expires <= Clock::now()) {
      if (it != sessions_.end()) sessions_.erase(it);
      return Problem(401, "unauthenticated", "the session has expired or does not exist; log in",
                     "Cookie");
    }
    login = it->second;
  }
  // A password change, a disabling or another role or situation (by the
  // command line or this server) ends the login.
  Result<std::optional<std::string>> digest = cache_.PrincipalDigest(login.principal);
  if (!digest.ok()) return ProblemFor(digest.status());
  if (!digest->has_value() || !ConstantTimeEqual(**digest, login.digest)) {
    {
      std::lock_guard<std::mutex> lock(sessions_mu_);
      sessions_.erase(Blake2bHex(cookie));
    }
    return Problem(401, "unauthenticated",
                   "the session has ended: the principal's password, roles or status changed; "
                   "log in again",
                   "Cookie");
  }
  if (IsUnsafe(req.method) &&
      !ConstantTimeEqual(req.Header(std::string(kCsrfHeader)), login.csrf)) {
    return Problem(403, "csrf", "missing or wrong X-CSRF-Token for this session", "X-CSRF-Token");
  }
  return login.principal;
}

Response Server::Impl::DisabledPrincipal(const Request& req) {
  const std::string authorization = req.Header("authorization");
  const bool bearer = authorization.size() > 7 && (authorization.compare(0, 7, "Bearer ") == 0 ||
                                                   authorization.compare(0, 7, "bearer ") == 0);
  return Unauthenticated("the principal is disabled", bearer ? "Authorization" : "Cookie", bearer);
}

bool Server::Impl::FromTrustedProxy(const Request& req) const {
  std::optional<IpAddress> peer = ParseIpAddress(req.remote_addr);
  return peer && proxies_.Contains(*peer);
}

Handler Server::Impl::Authenticated(SessionHandler handler, bool serialised, bool multipart) {
  return [this, handler, serialised, multipart](Request& req) -> Response {
    std::variant<std::string, Response> who = Authenticate(req);
    if (auto* refused = std::get_if<Response>(&who)) return *refused;
    // A body refused before the Session opens is worded in the principal's
    // language too (read as the response cache reads it).
    auto refusal = [&](Response r) {
      req.principal_language = cache_.PrincipalLanguage(std::get<std::string>(who));
      return r;
    };
    if (std::optional<Response> refused = RefusedBody(req)) return refusal(std::move(*refused));
    if (multipart) {
      // The parts are views into the body: a large upload's mapped spool
      // file, read in place, or the body in memory.
      const std::string_view body = req.spooled ? req.spooled->bytes() : std::string_view(req.body);
      Result<std::vector<FormPart>> parts = ParseMultipart(req.Header("content-type"), body);
      if (!parts.ok()) return refusal(ProblemFor(parts.status(), "body"));
      req.parts = std::move(*parts);
      if (std::optional<Response> refused = RefusedParts(req)) {
        return refusal(std::move(*refused));
      }
      req.temp_dir = temp_dir_;
    }
    // Repeated reads of the assessment's views skip the Session and the
    // work (api/response_cache.h).
    std::optional<ResponseCache::Key> cache_key;
    if (!serialised) cache_key = cache_.KeyFor(req, std::get<std::string>(who));
    if (cache_key) {
      // The language the key names (api/language.h) is the one answered in.
      req.principal_language = cache_key->saved_language;
      if (std::optional<Response> hit = cache_.Find(*cache_key)) return std::move(*hit);
    }
    // Requests waiting for this one's answer are released however it ends.
    struct Landing {
      ResponseCache& cache;
      std::optional<ResponseCache::Key>& key;
      ~Landing() {
        if (key) cache.Land(*key);
      }
    } landing{cache_, cache_key};
    // The write lock outlives the Session, whose destructor signs the
    // audit checkpoint of what it wrote.
    std::unique_lock<std::mutex> write_lock(write_mu_, std::defer_lock);
    if (serialised || IsUnsafe(req.method)) write_lock.lock();
    Result<std::unique_ptr<Session>> session =
        Session::Open(SessionOptionsFor(std::get<std::string>(who)));
    if (!session.ok()) return ProblemFor(session.status());
    if ((*session)->principal().disabled) return DisabledPrincipal(req);
    if (!cache_key) req.principal_language = (*session)->principal().language;
    Response response = handler(req, **session);
    if (cache_key) cache_.Put(*cache_key, response);
    // What this request wrote has committed: the next request sees it.
    if (write_lock.owns_lock()) cache_.Invalidate();
    return response;
  };
}

Response Server::Impl::Login(Request& req) {
  // A browser sends a cross-site form post as text/plain or form data
  // without asking; application/json needs a CORS preflight this server
  // never grants.
  if (MediaType(req.Header("content-type")) != "application/json") {
    return Problem(415, "unsupported_media_type", "a login takes Content-Type: application/json",
                   "Content-Type");
  }
  // And a browser that does send one says where from: only this server's
  // own pages may log in.
  if (const std::string origin = req.Header("origin"); !origin.empty()) {
    std::string scheme = options_.secure_cookies ? "https" : "http";
    std::string host = req.Header("host");
    if (FromTrustedProxy(req)) {
      if (std::string proto = LastListed(req.Header("x-forwarded-proto")); !proto.empty()) {
        scheme = proto;
      }
      if (std::string fwd = LastListed(req.Header("x-forwarded-host")); !fwd.empty()) host = fwd;
    }
    if (!SameOrigin(origin, scheme, host)) {
      return Problem(403, "cross_origin",
                     "a login must come from this server's own origin (" + scheme + "://" +
                         QuoteForMessage(host).substr(0, 256) + ")",
                     "Origin");
    }
  }
  if (std::optional<Response> refused = RefusedBody(req)) return std::move(*refused);
  Json body;
  try {
    body = IsValidUtf8(req.body) ? Json::parse(req.body) : Json();
  } catch (const nlohmann::json::exception&) {
    body = Json();
  }
  if (!body.is_object()) {
    return Problem(400, "invalid_argument", "body: expected a JSON object {name, password}");
  }
  for (const char* field : {"name", "password"}) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
      return Problem(400, "invalid_argument", std::string("/") + field + ": required string",
                     std::string("/") + field);
    }
  }
  const std::string name = body["name"].get<std::string>();
  const std::string password = body["password"].get<std::string>();
  const std::string client =
      ClientAddress(req.remote_addr, req.Header("x-forwarded-for"), proxies_);
  const Clock::time_point now = Clock::now();
  // The attempt counts from here, before any hash, so parallel guesses
  // cannot outrun the limit.
  bool first_refusal = false;
  std::variant<LoginLimiter::Attempt, int64_t> begun =
      limiter_.Begin(name, LimiterAddress(client), now, &first_refusal);
  if (const int64_t* wait = std::get_if<int64_t>(&begun)) {
    // Recorded once per lockout, not per refused attempt.
    if (first_refusal) RecordLoginFailure(nullptr, name, kLoginLockedOut);
    Response r = Problem(429, "rate_limited",
                         "too many failed logins; try again in " + std::to_string(*wait) + " s");
    r.headers.emplace_back("Retry-After", std::to_string(*wait));
    return r;
  }
  const LoginLimiter::Attempt attempt = std::get<LoginLimiter::Attempt>(begun);
  // Each Argon2id check takes 64 MiB and a core for a while: a few at once.
  if (!check_slots_.Acquire()) {
    limiter_.Abandoned(attempt);
    Response r = Problem(503, "busy", "too many logins are being checked; try again in 1 s");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  struct SlotRelease {
    CheckSlots& slots;
    ~SlotRelease() { slots.Release(); }
  } slot{check_slots_};
  // One answer for an unknown name, a disabled principal and a wrong
  // password, so a caller learns nothing about which.
  Status checked = Status::PermissionDenied("wrong name or password");
  bool known = false;
  std::string digest;
  std::string_view reason = kLoginUnknownName;
  std::unique_ptr<Session> named;
  if (IsValidId(name)) {
    Result<std::unique_ptr<Session>> session = Session::Open(SessionOptionsFor(name));
    if (session.ok()) {
      reason = kLoginWrongPassword;
      // Only a principal with a usable password reaches Argon2id inside
      // CheckPassword; everyone else gets the dummy check below.
      Result<bool> usable = HasUsablePassword(**session);
      known = usable.ok() && *usable;
      // Read before the check: a change after it ends the login at once.
      Result<std::optional<std::string>> stored = StoredPrincipalDigest(**session);
      if (!stored.ok()) {
        limiter_.Abandoned(attempt);
        return ProblemFor(stored.status());
      }
      digest = stored->value_or("");
      checked = CheckPassword(**session, password);
      if (checked.ok() && ((*session)->principal().disabled || digest.empty())) {
        checked = Status::PermissionDenied("disabled");
        reason = kLoginDisabled;
      }
      named = std::move(*session);
    } else if (session.status().code() != StatusCode::kPermissionDenied) {
      limiter_.Abandoned(attempt);
      return ProblemFor(session.status());
    }
  }
  if (!known) {
    // As slow as a real check, so timing does not tell unknown names apart.
    std::call_once(dummy_once_, [this] {
      Result<std::string> hash = security::HashPassword(RandomToken());
      if (hash.ok()) dummy_hash_ = *hash;
    });
    if (!dummy_hash_.empty()) (void)security::VerifyPassword(dummy_hash_, password);
  }
  if (!checked.ok()) {
    // The attempt stays counted.
    RecordLoginFailure(named.get(), name, reason);
    return Problem(401, "unauthenticated", "wrong name or password", "/password");
  }
  limiter_.Succeeded(attempt, Clock::now());
  const std::string id = RandomToken();
  LoginSession login{name, RandomToken(), now + options_.session_lifetime, digest};
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto it = sessions_.begin(); it != sessions_.end();) {
      it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
    }
    sessions_[Blake2bHex(id)] = login;
  }
  const std::string language = named ? named->principal().language : std::string();
  req.principal_language = language;
  Response r = JsonResponse({{"name", name},
                             {"language", language.empty() ? Json(nullptr) : Json(language)},
                             {"csrf_token", login.csrf}},
                            201);
  r.headers.emplace_back("Set-Cookie", SetCookie(id, options_.session_lifetime.count()));
  return r;
}

SessionHandler Server::Impl::PasswordGuarded(SessionHandler handler) {
  return [this, handler = std::move(handler)](Request& req, Session& session) -> Response {
    const std::string name = session.principal().name;
    const std::string client =
        ClientAddress(req.remote_addr, req.Header("x-forwarded-for"), proxies_);
    bool first_refusal = false;
    std::variant<LoginLimiter::Attempt, int64_t> begun =
        limiter_.Begin(name, LimiterAddress(client), Clock::now(), &first_refusal);
    if (const int64_t* wait = std::get_if<int64_t>(&begun)) {
      if (first_refusal) RecordLoginFailure(&session, name, kLoginLockedOut);
      Response r =
          Problem(429, "rate_limited",
                  "too many wrong passwords; try again in " + std::to_string(*wait) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(*wait));
      return r;
    }
    const LoginLimiter::Attempt attempt = std::get<LoginLimiter::Attempt>(begun);
    if (!check_slots_.Acquire()) {
      limiter_.Abandoned(attempt);
      Response r = Problem(503, "busy", "too many passwords are being checked; try again in 1 s");
      r.headers.emplace_back("Retry-After", "1");
      return r;
    }
    Response response;
    {
      struct SlotRelease {
        CheckSlots& slots;
        ~SlotRelease() { slots.Release(); }
      } slot{check_slots_};
      response = handler(req, session);
    }
    // A refused password stays counted; any other refusal (a new password
    // too short) never checked the current one.
    if (response.status < 300) {
      limiter_.Succeeded(attempt, Clock::now());
    } else if (response.status != 401 && response.status != 403) {
      limiter_.Abandoned(attempt);
    }
    return response;
  };
}

void Server::Impl::RecordLoginFailure(Session* session, const std::string& name,
                                      std::string_view reason) {
  std::unique_ptr<Session> opened;
  if (session == nullptr) {
    Result<std::unique_ptr<Session>> any = Session::Open(SessionOptionsFor(""));
    if (!any.ok()) return;
    opened = std::move(*any);
    session = opened.get();
  }
  // Best effort, without the write lock (an import may hold it for long):
  // another writer's record in between is a conflict, tried again.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (RecordFailedLogin(*session, name, reason).code() != StatusCode::kConflict) break;
  }
}

Response Server::Impl::Logout(Request& req) {
  std::variant<std::string, Response> who = Authenticate(req);
  if (auto* refused = std::get_if<Response>(&who)) return *refused;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(Blake2bHex(CookieValue(req.Header("cookie"), kCookieName)));
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Set-Cookie", SetCookie("", 0));
  return r;
}

Response Server::Impl::WhoAmI(Request& req) {
  std::variant<std::string, Response> who = Authenticate(req);
  if (auto* refused = std::get_if<Response>(&who)) return *refused;
  Result<std::unique_ptr<Session>> session =
      Session::Open(SessionOptionsFor(std::get<std::string>(who)));
  if (!session.ok()) return ProblemFor(session.status());
  if ((*session)->principal().disabled) return DisabledPrincipal(req);
  const security::Principal& p = (*session)->principal();
  req.principal_language = p.language;
  Json roles = Json::array();
  for (security::Role role : p.roles) roles.push_back(std::string(security::ToString(role)));
  std::string csrf;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    auto it = sessions_.find(Blake2bHex(CookieValue(req.Header("cookie"), kCookieName)));
    if (it != sessions_.end()) csrf = it->second.csrf;
  }
  return JsonResponse({{"name", p.name},
                       {"roles", roles},
                       {"situations", p.situations},
                       {"disabled", p.disabled},
                       {"language", p.language.empty() ? Json(nullptr) : Json(p.language)},
                       {"csrf_token", csrf}});
}

void Server::Impl::BuildRoutes() {
  router_.Add({.method = "POST",
               .pattern = "/api/v1/session",
               .summary = "Log in with name and password; sets the session cookie",
               .needs_auth = false,
               .has_body = true,
               .success_status = 201,
               .request_schema = "LoginInput",
               .response_schema = "LoginResult"},
              [this](Request& req) { return Login(req); });
  router_.Add({.method = "GET",
               .pattern = "/api/v1/session",
               .summary = "The logged-in principal and its CSRF token",
               .response_schema = "Principal"},
              [this](Request& req) { return WhoAmI(req); });
  router_.Add({.method = "DELETE",
               .pattern = "/api/v1/session",
               .summary = "Log out",
               .success_status = 204},
              [this](Request& req) { return Logout(req); });
  router_.Add({.method = "GET",
               .pattern = "/api/v1/openapi.json",
               .summary = "This OpenAPI document",
               .needs_auth = false,
               .response_schema = "OpenApiDocument"},
              [this](Request&) { return JsonResponse(OpenApiDocument(router_)); });
  router_.Add(
      {.method = "POST",
       .pattern = "/api/v1/tokens",
       .summary = "Issue an API token for the caller (body: {\"days\": 1..365, default 90})",
       .has_body = true,
       .success_status = 201,
       .request_schema = "TokenInput",
       .response_schema = "IssuedToken"},
      Authenticated([](Request& req, Session& session) -> Response {
        int days = 90;
        if (!req.body.empty()) {
          Json body = IsValidUtf8(req.body) ? Json::parse(req.body, nullptr, false) : Json();
          if (!body.is_object()) {
            return Problem(400, "invalid_argument", "body: expected a JSON object");
          }
          if (body.contains("days")) {
            if (!body["days"].is_number_integer() || body["days"].get<int64_t>() < 1 ||
                body["days"].get<int64_t>() > 365) {
              return Problem(400, "invalid_argument", "/days: expected 1 to 365", "/days");
            }
            days = body["days"].get<int>();
          }
        }
        Result<IssuedToken> issued = IssueApiToken(session, days);
        if (!issued.ok()) return ProblemFor(issued.status(), "/days");
        Response r = JsonResponse({{"id", issued->id},
                                   {"token", issued->token},
                                   {"principal", session.name()},
                                   {"expires_at", issued->expires_at}},
                                  201);
        r.headers.emplace_back("Location", "/api/v1/tokens/" + issued->id);
        return r;
      }));
  router_.Add({.method = "DELETE",
               .pattern = "/api/v1/tokens/{id}",
               .summary = "Revoke an API token (its principal or an admin)",
               .success_status = 204},
              Authenticated([](Request& req, Session& session) -> Response {
                Status revoked = RevokeApiToken(session, req.params.at("id"));
                if (!revoked.ok()) return ProblemFor(revoked, "id");
                Response r;
                r.status = 204;
                r.content_type.clear();
                return r;
              }));
  // The private link of a communication: the token is the credential, so
  // no login; the answer is the follower's view alone. Unknown and
  // malformed tokens get the same 404.
  router_.Add({.method = "GET",
               .pattern = "/api/v1/follow/{token}",
               .summary = "A communication's status through its private link: reference, dates, "
                          "status and the ruling's reasons only",
               .needs_auth = false,
               .response_schema = "CommunicationFollow"},
              [this](Request& req) -> Response {
                Result<std::unique_ptr<Session>> session = Session::Open(SessionOptionsFor(""));
                if (!session.ok()) return ProblemFor(session.status());
                Result<Json> view = FollowCommunication(**session, req.params.at("token"));
                // Sent, like every answer, with Cache-Control: no-store and
                // Referrer-Policy: no-referrer (ApplySecurityHeaders).
                return view.ok() ? JsonResponse(*view) : ProblemFor(view.status(), "token");
              });
  for (SessionRoute& route : ResourceRoutes(policy_)) {
    const bool serialised = route.spec.audited_read;
    const bool multipart = route.spec.multipart;
    if (route.spec.checks_password) route.handler = PasswordGuarded(std::move(route.handler));
    router_.Add(std::move(route.spec),
                Authenticated(std::move(route.handler), serialised, multipart));
  }
  router_.Add({.method = "GET",
               .pattern = "/healthz",
               .summary = "Liveness: 200 while the process serves (reads no store)",
               .needs_auth = false,
               .response_schema = "Health"},
              [](Request&) {
                return JsonResponse({{"status", "ok"}});
              });
  router_.Add({.method = "GET",
               .pattern = "/readyz",
               .summary = "Readiness: 200 when the store answers a read, else 503",
               .needs_auth = false,
               .may_be_unavailable = true,
               .response_schema = "Health"},
              [this](Request&) -> Response {
                Result<int64_t> version = cache_.DataVersion();
                if (!version.ok()) {
                  return Problem(503, "unavailable",
                                 "the store does not answer: " + version.status().message());
                }
                return JsonResponse({{"status", "ready"}});
              });
  router_.Add({.method = "GET",
               .pattern = "/metrics",
               .summary = "Prometheus metrics (text format 0.0.4); principals who may read the "
                          "audit log",
               .produces = std::string(kPrometheusTextType)},
              Authenticated([this](Request&, Session& session) { return MetricsPage(session); }));
  imports_ = std::make_unique<ImportManager>(
      write_mu_,
      [this](const std::string& principal) { return Session::Open(SessionOptionsFor(principal)); },
      [this] { cache_.Invalidate(); });
  for (SessionRoute& route : imports_->Routes()) {
    const bool multipart = route.spec.multipart;
    router_.Add(std::move(route.spec), Authenticated(std::move(route.handler), false, multipart));
  }
}

Response Server::Impl::MetricsPage(Session& session) {
  // The caller must be allowed to read the audit log; the head is read as
  // the caller.
  Result<uint64_t> head = AuditHeadSeq(session);
  if (!head.ok()) return ProblemFor(head.status());
  std::string extra;
  extra += MetricFamily("mara_response_cache_hits_total", "counter",
                        "Answers served from the response cache.", std::to_string(cache_.hits()));
  extra += MetricFamily("mara_response_cache_misses_total", "counter",
                        "Cacheable requests the response cache did not hold.",
                        std::to_string(cache_.misses()));
  extra += MetricFamily("mara_live_assessment_updates_total", "counter",
                        "Kept assessments brought up to date with a write's changes.",
                        std::to_string(live_->applied()));
  extra += MetricFamily("mara_live_assessment_reads_total", "counter",
                        "Kept assessments read from the store again (first use, another "
                        "process's write, an import, a change of the rules' inputs).",
                        std::to_string(live_->rebuilt()));
  extra += MetricFamily("mara_imports_started_total", "counter",
                        "Imports this server started (POST /api/v1/imports).",
                        std::to_string(imports_->started()));
  extra += MetricFamily("mara_imports_finished_total", "counter", "Imports that ended done.",
                        std::to_string(imports_->finished()));
  extra += MetricFamily("mara_imports_failed_total", "counter", "Imports that ended failed.",
                        std::to_string(imports_->failed()));
  extra += MetricFamily("mara_audit_head_seq", "gauge",
                        "Sequence number of the audit chain's head record (0: empty).",
                        std::to_string(*head));
  extra += MetricFamily("mara_process_start_time_seconds", "gauge",
                        "When this server started, in Unix seconds.", std::to_string(started_at_));
  Response r;
  r.content_type = std::string(kPrometheusTextType);
  r.body = metrics_.Render(extra);
  return r;
}

void Server::Impl::Record(std::string_view method, std::string_view route, const Response& res,
                          std::chrono::system_clock::time_point arrived, Clock::time_point start,
                          std::string_view request_id) {
  const auto duration = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
  metrics_.Observe(method, route, res.status, duration);
  if (!access_log_ || !access_log_->enabled()) return;
  AccessRecord record;
  record.time = arrived;
  record.request_id = request_id;
  record.method = Metrics::MethodLabel(method);
  record.route = route;
  record.status = res.status;
  record.duration = duration;
  // HEAD answers go without their body.
  record.bytes = method == "HEAD" ? 0 : res.Body().size();
  access_log_->Write(record);
}

Response Server::Impl::Handle(Request& req, std::string_view raw_query) {
  const auto arrived = std::chrono::system_clock::now();
  const Clock::time_point start = Clock::now();
  const std::string id = access_log_->NewRequestId();
  std::string_view route = kUnmatchedRoute;
  Response res = Dispatch(req, raw_query, &route);
  res.headers.emplace_back("X-Request-Id", id);
  Record(req.method, route, res, arrived, start, id);
  return res;
}

Response Server::Impl::Dispatch(Request& req, std::string_view raw_query, std::string_view* route) {
  Response res;
  std::string_view csp = kApiCsp;
  auto query = ParseQuery(raw_query);
  const bool ui = (req.method == "GET" || req.method == "HEAD") && req.path != "/api" &&
                  req.path.rfind("/api/", 0) != 0 && !IsOperatorPath(req.path);
  if (ui) {
    res = static_files_->Serve(req.path);
    csp = kUiCsp;
    *route = kStaticRoute;
  } else if (!query.ok()) {
    res = ProblemFor(query.status(), "query");
    *route = RouteOf(req.method, req.path);
  } else {
    req.query = std::move(*query);
    // HEAD is GET without the body (the transport drops it).
    Result<Match> match = router_.Find(req.method == "HEAD" ? "GET" : req.method, req.path);
    if (match.ok() && match->route != nullptr) *route = match->route->spec.pattern;
    if (!match.ok()) {
      res =
          ProblemFor(match.status(), match.status().code() == StatusCode::kNotFound ? "" : "path");
    } else if (match->route == nullptr) {
      std::string allowed;
      for (const std::string& m : match->allowed) allowed += (allowed.empty() ? "" : ", ") + m;
      res = Problem(405, "method_not_allowed",
                    req.method + " is not allowed here (allowed: " + allowed + ")");
      res.headers.emplace_back("Allow", allowed);
    } else if (!match->route->spec.multipart && req.body.size() > options_.max_body_bytes) {
      // The transport admits uploads up to max_upload_bytes; every other
      // route keeps the smaller limit.
      res = Problem(413, "too_large",
                    "the request body is larger than allowed (" +
                        std::to_string(options_.max_body_bytes) + " bytes)",
                    "body");
    } else if (std::optional<std::string> unknown =
                   UndeclaredParameter(req.query, match->route->spec)) {
      std::string accepted;
      for (const QueryParam& q : match->route->spec.query) {
        accepted += (accepted.empty() ? "" : ", ") + q.name;
      }
      res = Problem(400, "invalid_argument",
                    "unknown query parameter " + QuoteForMessage(*unknown) +
                        (accepted.empty() ? std::string(" (this route takes none)")
                                          : " (this route takes: " + accepted + ")"),
                    unknown->substr(0, 128));
    } else {
      req.params = match->params;
      req.spec = &match->route->spec;
      try {
        res = match->route->handler(req);
      } catch (const std::exception& e) {
        res = Problem(500, "internal", std::string("unexpected failure: ") + e.what());
      }
      // A document the API renders (a report, a statement of case) is
      // sandboxed, with its inline CSS.
      if (req.path.rfind("/api/v1/", 0) == 0 && res.status == 200 &&
          (req.path.rfind("/api/v1/reports/", 0) == 0 ||
           res.content_type.rfind("text/html", 0) == 0)) {
        csp = kReportCsp;
      }
    }
  }
  if ((req.method == "GET" || req.method == "HEAD") && res.status == 200) {
    auto has_etag = std::find_if(res.headers.begin(), res.headers.end(),
                                 [](const auto& h) { return h.first == "ETag"; });
    std::string etag = has_etag != res.headers.end() ? has_etag->second : EtagOf(res.Body());
    if (has_etag == res.headers.end()) res.headers.emplace_back("ETag", etag);
    if (req.Header("if-none-match") == etag) {
      res.status = 304;
      res.body.clear();
      res.shared_body.reset();
    }
  }
  // A problem's title in the request's language (api/language.h).
  LocalizeProblem(res, AnswerLanguage(req, req.principal_language));
  ApplySecurityHeaders(res, csp);
  if (res.status == 204 || res.status == 304) {
    res.body.clear();
    res.shared_body.reset();
    return res;
  }
  // A cached body goes out from the cache's own buffer when the client
  // takes it uncompressed; compressing makes a copy.
  if (res.Body().size() >= kMinCompressed && IsCompressible(res.content_type) &&
      AcceptsGzip(req.Header("accept-encoding"))) {
    res.body = Gzip(res.Body());
    res.shared_body.reset();
    res.headers.emplace_back("Content-Encoding", "gzip");
    res.headers.emplace_back("Vary", "Accept-Encoding");
  }
  return res;
}

Response Server::Impl::Refusal(int status, const std::string& detail) {
  std::string_view type = "http";
  std::string field;
  if (status == 413) {
    type = "too_large";
    field = "body";
  } else if (status == 414) {
    type = "too_large";
    field = "target";
  } else if (status == 431) {
    type = "too_large";
    field = "headers";
  } else if (status >= 500) {
    type = "internal";
  }
  Response res = Problem(status, std::string(type), detail, field);
  ApplySecurityHeaders(res, kApiCsp);
  metrics_.Refused(status);
  if (!access_log_) return res;  // not started
  const std::string id = access_log_->NewRequestId();
  res.headers.emplace_back("X-Request-Id", id);
  AccessRecord record;
  record.time = std::chrono::system_clock::now();
  record.request_id = id;
  record.method = "-";
  record.route = kRefusedRoute;
  record.status = status;
  record.bytes = res.Body().size();
  access_log_->Write(record);
  return res;
}

std::optional<Response> Server::Impl::Admit(const RequestHead& head,
                                            const std::string& remote_addr) {
  if (!IsUpload(head)) return std::nullopt;
  const auto arrived = std::chrono::system_clock::now();
  const Clock::time_point start = Clock::now();
  const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
  // A refusal is counted and logged here: the handler never sees it.
  auto refuse = [&](Response res) {
    ApplySecurityHeaders(res, kApiCsp);
    const std::string id = access_log_->NewRequestId();
    res.headers.emplace_back("X-Request-Id", id);
    Record(head.method, RouteOf(head.method, path), res, arrived, start, id);
    return res;
  };
  Request probe;
  probe.method = head.method;
  probe.path = std::string(path);
  probe.headers = head.headers;
  probe.remote_addr = remote_addr;
  std::variant<std::string, Response> who = Authenticate(probe);
  if (auto* refused = std::get_if<Response>(&who)) return refuse(std::move(*refused));
  const BodyFraming framing = FramingOf(head);
  if (framing.chunked || framing.length > 0) {
    if (uploads_.fetch_add(1) >= options_.max_concurrent_uploads) {
      uploads_.fetch_sub(1);
      Response busy =
          Problem(503, "unavailable",
                  "too many uploads at once (" + std::to_string(options_.max_concurrent_uploads) +
                      "); try again shortly");
      busy.headers.emplace_back("Retry-After", "2");
      return refuse(std::move(busy));
    }
  }
  return std::nullopt;
}

Status Server::Impl::Start() {
  if (options_.threads == 0) return Status::InvalidArgument("threads: must be at least 1");
  if (options_.port < 0 || options_.port > 65535) {
    return Status::InvalidArgument("port: must be 0 to 65535");
  }
  if (options_.login_concurrent_checks < 1) {
    return Status::InvalidArgument("login_concurrent_checks: must be at least 1");
  }
  MARA_ASSIGN_OR_RETURN(proxies_, TrustedProxies::Parse(options_.trusted_proxies));
  MARA_ASSIGN_OR_RETURN(access_log_, AccessLog::Open(options_.access_log));
  started_at_ = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  // Problem details name none of these (api/problem.h).
  {
    SessionOptions paths = SessionOptionsFor("");
    RegisterPrivatePath(options_.db, "<database>");
    RegisterPrivatePath(ResolveKeyFile(paths), "<key file>");
    RegisterPrivatePath(ResolveEvidenceDir(paths), "<evidence directory>");
    RegisterPrivatePath(PublicationsDir(paths), "<publications folder>");
    if (options_.db.find("://") == std::string::npos) {
      std::error_code ec;
      const std::filesystem::path absolute = std::filesystem::absolute(options_.db, ec);
      if (!ec) RegisterPrivatePath(absolute.parent_path().string(), "<data directory>");
    }
    std::error_code ec;
    const std::filesystem::path temp = std::filesystem::temp_directory_path(ec);
    if (!ec) RegisterPrivatePath(temp.string(), "<temporary directory>");
    temp_dir_ = ResolveTempDir(options_.db, ResolveEvidenceDir(paths));
    RegisterPrivatePath(temp_dir_, "<temporary folder>");
    if (!options_.ui_dir.empty()) RegisterPrivatePath(options_.ui_dir, "<ui directory>");
    if (!options_.policy_file.empty()) RegisterPrivatePath(options_.policy_file, "<policy file>");
  }
  Result<Policy> policy =
      options_.policy_file.empty() ? DefaultPolicy() : LoadPolicyFile(options_.policy_file);
  MARA_RETURN_IF_ERROR(policy.status());
  policy_ = std::make_shared<const Policy>(std::move(*policy));
  // Fail at start, not on the first request, when the store cannot be opened.
  MARA_ASSIGN_OR_RETURN(std::unique_ptr<Session> probe, Session::Open(SessionOptionsFor("")));
  probe.reset();
  // Spool files and import files a previous process left (a crash) go.
  MARA_RETURN_IF_ERROR(PrepareTempDir(temp_dir_));
  BuildRoutes();

  static_files_ = options_.ui_dir.empty() && !options_.embedded_ui.empty()
                      ? std::make_unique<StaticFiles>(options_.embedded_ui)
                      : std::make_unique<StaticFiles>(options_.ui_dir);
  TransportOptions transport;
  transport.bind = options_.bind;
  transport.port = options_.port;
  transport.threads = options_.threads;
  transport.max_threads = std::max<size_t>(64, options_.threads);
  transport.keep_alive_timeout = std::chrono::seconds(options_.keep_alive_timeout_seconds);
  // The whole request, head and body, must arrive within twice the read
  // timeout of its first byte.
  transport.request_deadline = std::chrono::seconds(2 * int64_t{options_.read_timeout_seconds});
  transport.write_timeout = std::chrono::seconds(options_.write_timeout_seconds);
  transport.keep_alive_max_count = options_.keep_alive_max_count;
  transport.max_chunked_body = options_.max_body_bytes;
  transport.spool_dir = temp_dir_;
  TransportHandlers handlers;
  // An announced oversized body is refused before it is read: uploads may
  // be max_upload_bytes, every other request max_body_bytes.
  handlers.body_limit = [this](const RequestHead& head) {
    const std::string_view path = std::string_view(head.target).substr(0, head.target.find('?'));
    if (Result<Match> m = router_.Find(head.method, path); m.ok() && m->route != nullptr) {
      if (m->route->spec.multipart) return options_.max_upload_bytes;
    }
    return options_.max_body_bytes;
  };
  // Uploads are authenticated from the head (cookie and CSRF token, or a
  // bearer token) before a byte of their body is read: an anonymous client
  // cannot make the server buffer 256 MiB.
  // At most max_concurrent_uploads uploads are read at once; one more is
  // 503 before its body is read.
  handlers.admit = [this](const RequestHead& head, const std::string& remote_addr) {
    return Admit(head, remote_addr);
  };
  // Only uploads are spooled; every other body is at most max_body_bytes
  // and stays in memory.
  handlers.may_spool = [this](const RequestHead& head) { return IsUpload(head); };
  handlers.finished = [this](const RequestHead& head) {
    if (IsUpload(head)) uploads_.fetch_sub(1);
  };
  handlers.handle = [this](Request& req, std::string_view query) { return Handle(req, query); };
  handlers.refuse = [this](int status, const std::string& detail) {
    return Refusal(status, detail);
  };
  transport_ = std::make_unique<HttpTransport>(std::move(transport), std::move(handlers));
  MARA_RETURN_IF_ERROR(transport_->Start());
  port_ = transport_->port();
  return Status::Ok();
}

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
int Server::port() const { return impl_->port(); }
void Server::Wait() { impl_->Wait(); }
void Server::Stop() { impl_->Stop(); }
const Router& Server::router() const { return impl_->router(); }

}  // namespace mara::api
