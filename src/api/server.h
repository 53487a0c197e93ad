// `mara serve`: the HTTP API over the service layer (docs/api.md).
//
// Contract:
// - Start() binds `bind:port` (port 0 picks a free port, see port()) and
//   serves on a background thread until Stop() or destruction; kIOError
//   when the address cannot be bound, kInvalidArgument for bad options,
//   and the Session/policy failures of opening the store once at start.
// - Every authenticated request opens its own Session (service/session.h)
//   as its principal, so the roles, the four-eyes rule, sealing and the
//   audit log are exactly those of the CLI. Unsafe methods (POST, PUT,
//   PATCH, DELETE) are serialised by one mutex per server, so a conditional
//   update's If-Match check and its write see the same state.
// - Login sessions live in memory (lost on restart): a random 256-bit id
//   in an HttpOnly, SameSite=Strict cookie (Secure when `secure_cookies`)
//   plus a CSRF token the client sends as X-CSRF-Token on unsafe methods.
//   A login keeps the digest of its principal's stored record (password,
//   roles, situations, disabled) and ends, answering 401, once that record
//   changes (seen as fresh as the response cache's reads: at once for this
//   server's writes, within cache_staleness for other processes'). A
//   disabled principal is 401 on every route, token or cookie.
// - Logins (api/login_guard.h) take only application/json, refuse a
//   cross-origin Origin (403), count each attempt when it begins (per
//   name and address, per address, per name: 429), and run at most
//   login_concurrent_checks password hashes at once; an attempt that waits
//   longer than login_check_wait for one is 503 with Retry-After and not
//   counted. The client address is the TCP peer, or X-Forwarded-For's
//   right-most address that is not a trusted proxy when the peer is one.
// - Every query parameter must be one the route declares (400 naming it).
// - Problem details never show a file-system path (api/problem.h): the
//   database, key file, evidence and temporary directories are registered
//   at Start.
// - The connection layer is api/http_transport.h (keep-alive, timeouts,
//   workers); body limits, security headers, gzip and ETags are applied in
//   server.cc; handlers see router.h types.
// - Uploads (multipart routes) are authenticated from the head, at most
//   max_concurrent_uploads at once (503 with Retry-After beyond), and a
//   body over 64 KiB is spooled to a 0600 file in the store's temporary
//   folder (api/spool.h: "<db>.tmp", or "<evidence dir>.tmp" for
//   PostgreSQL), which Start creates 0700 and sweeps of what a previous
//   process left. Their parts are views into the mapped file.
// - Read-only views of the assessment (annex, assessments, dossiers, ...)
//   are answered from api/response_cache.h while the data, the principal
//   and the request are unchanged, without opening a Session.
// - Operator routes outside /api/v1: GET /healthz answers 200 while the
//   process serves, touching no store; GET /readyz 200 when the store
//   answers a read of its data version (as fresh as the response cache's
//   reads), else 503 with a problem; GET /metrics (api/metrics.h) needs a
//   login or bearer token of a principal who may read the audit log (the
//   head's sequence number is read through the service layer as that
//   principal), else 401/403.
// - Every answer carries X-Request-Id, is counted in the metrics under
//   its route template, and is written to the access log
//   (api/access_log.h) when `access_log` is set; Start fails with kIOError
//   when the log file cannot be opened.
// Thread-safety: Start/Stop/Wait from one controlling thread; requests are
// served concurrently by the transport's threads.
#ifndef MARA_API_SERVER_H_
#define MARA_API_SERVER_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "api/router.h"
#include "api/static_files.h"
#include "common/status.h"

namespace mara::api {

struct ServerOptions {
  std::string db = "./mara.db";
  std::string key_file;      // "": as SessionOptions
  std::string evidence_dir;  // "": as SessionOptions
  std::string policy_file;   // "": the built-in default policy
  std::string bind = "127.0.0.1";
  int port = 8080;                  // 0: any free port
  bool secure_cookies = false;      // set behind a TLS-terminating proxy
  size_t threads = 4;               // handler workers at start (api/http_transport.h)
  size_t max_body_bytes = 1 << 20;  // every body but the uploads below
  // Multipart uploads (POST /api/v1/evidence, POST /api/v1/imports).
  size_t max_upload_bytes = size_t{256} << 20;
  // Uploads read at once; one more is answered 503 with Retry-After before
  // its body is read.
  size_t max_concurrent_uploads = 4;
  // The built browser application; "" serves `embedded_ui`, and with that
  // empty too none ("/" answers a 404 problem). `mara serve` fills it with
  // FindUiDir (api/static_files.h) and gives its compiled-in copy.
  std::string ui_dir;
  std::span<const EmbeddedFile> embedded_ui;
  // A request must arrive whole within twice this of its first byte.
  int read_timeout_seconds = 10;
  int write_timeout_seconds = 30;
  int keep_alive_max_count = 1000;  // requests per connection, as nginx
  int keep_alive_timeout_seconds = 5;
  // How old the data version behind a cached answer may be for changes
  // made by other processes (api/response_cache.h); the server's own
  // writes are seen at once. Zero: every cached answer checks the store.
  std::chrono::milliseconds cache_staleness{100};
  std::chrono::seconds session_lifetime{8 * 3600};
  // Failed logins within login_window (api/login_guard.h): of one name from
  // one client address; from one address (any name); of one name (any
  // address). The last two spare a (name, address) pair that logged in
  // successfully within login_known_for.
  int login_max_failures = 5;
  int login_max_address_failures = 20;
  int login_max_name_failures = 20;
  std::chrono::seconds login_window{300};
  std::chrono::seconds login_known_for{30 * 86400};
  size_t login_max_entries = 10000;  // per limiter table
  // Password hashes (Argon2id, 64 MiB each) running at once, and how long
  // an attempt waits for one before it is answered 503.
  int login_concurrent_checks = 2;
  std::chrono::milliseconds login_check_wait{1000};
  // The access log (api/access_log.h): "" none, "-" standard error, else a
  // file appended to (created 0600). `mara serve` logs to standard error.
  std::string access_log;
  // CIDRs of reverse proxies whose X-Forwarded-For (and X-Forwarded-Proto,
  // X-Forwarded-Host) are believed; Start refuses a malformed one.
  std::vector<std::string> trusted_proxies;
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Status Start();
  // The bound port (after Start).
  int port() const;
  // Blocks until the server stops.
  void Wait();
  void Stop();
  const Router& router() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mara::api

#endif  // MARA_API_SERVER_H_
