// The connection layer of `mara serve`: HTTP/1.1 over TCP on Boost.Asio and
// Boost.Beast; handlers run on the I/O threads, which grow when they block.
//
// Why: every read and write is asynchronous, each under a deadline, so a
// slow reader, a trickling writer or an idle keep-alive connection holds no
// thread. Handlers are synchronous and run on the I/O thread that read the
// request, with no hand-off between threads (on two cores a hand-off per
// request cost a third of the throughput); a handler that blocks for
// seconds (an import holding the write lock) holds its thread only, and
// when every thread is held, another starts.
// Contract:
// - Start() binds `bind:port` (0: a free port, see port()) and listens with
//   a full backlog; kIOError when it cannot, kInvalidArgument for bad
//   options. Stop() (or destruction) stops accepting, closes every
//   connection, lets the handlers in flight finish and ends the threads;
//   Wait() blocks until then.
// - Each connection is one coroutine on its own strand, so its requests are
//   answered in order (pipelining included). The head is checked by
//   api/http_wire.h's ParseRequestHead (Beast's parser plus the limits
//   Beast lacks); Beast's parser then frames the body (Content-Length or
//   chunked). A complete request goes to `handle`; its answer
//   is written from the Response itself (a `shared_body` is sent from the
//   shared buffer, never copied), a HEAD request's without the body.
//   Keep-alive as RFC 9112, at most `keep_alive_max_count` requests per
//   connection.
// - `admit` sees every head before its body is read and may refuse it
//   (for a request without a body, just before `handle`).
// - Refusals the transport makes itself (400 malformed head or chunked
//   body, 413 body over `body_limit`, 414, 431, 505) are answered with
//   `refuse` and close the connection. "Expect: 100-continue" gets "100
//   Continue" once the head is admitted and before any body byte has
//   arrived. A chunked body is limited to `max_chunked_body` as well.
// - Bodies: one over `spool_threshold` (Content-Length, or a chunked body
//   once it grows past it) is written as it arrives to a 0600 file in
//   `spool_dir` (api/spool.h) and handed over as Request::spooled; the
//   file is removed when the request is answered or abandoned (refusal,
//   handler exception, disconnect, deadline, Stop). With `spool_dir` empty
//   every body is held in memory.
// - Deadlines: a connection waiting for its next request is closed after
//   `keep_alive_timeout`; a request must arrive whole within
//   `request_deadline` of its first byte (a client trickling a byte at a
//   time cannot hold a connection); writing an answer gives up when a
//   write makes no progress for `write_timeout`. Time inside a handler
//   never counts.
// - Threads: `threads` run the I/O context (connections and handlers);
//   when every one of them has been inside handlers for a whole tick
//   (50 ms), another starts, up to `max_threads`.
// Thread-safety: Start/Stop/Wait from one controlling thread; the handlers
// are called concurrently from the threads.
#ifndef MARA_API_HTTP_TRANSPORT_H_
#define MARA_API_HTTP_TRANSPORT_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_wire.h"
#include "api/router.h"
#include "common/status.h"

namespace mara::api {

struct TransportOptions {
  std::string bind = "127.0.0.1";
  int port = 0;
  size_t threads = 4;       // threads at start
  size_t max_threads = 64;  // threads at most
  size_t max_connections = 10000;
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds request_deadline{20000};
  std::chrono::milliseconds write_timeout{30000};
  int keep_alive_max_count = 1000;
  size_t max_chunked_body = 1 << 20;
  HeadLimits head_limits;
  // Where bodies over spool_threshold bytes are written ("": in memory).
  std::string spool_dir;
  size_t spool_threshold = 64 * 1024;
};

struct TransportHandlers {
  // Called once a request's head is parsed, before any of its body is read:
  // an answer refuses the request (it is sent, then the connection
  // closes), so a client that may not upload cannot make the server read
  // or hold its body. Null, or no answer: the request goes on.
  std::function<std::optional<Response>(const RequestHead&, const std::string& remote_addr)> admit;
  // The largest body the request may carry.
  std::function<size_t(const RequestHead&)> body_limit;
  // Whether a body over spool_threshold may go to a spool file (null: never).
  std::function<bool(const RequestHead&)> may_spool;
  // Called once for every request with a body that `admit` let through,
  // when it has been answered or abandoned (refused, disconnected, cut by
  // a deadline or Stop).
  std::function<void(const RequestHead&)> finished;
  // Answers a whole request: `req` has method, path (the target before
  // '?'), headers, body and remote_addr; `query` is the raw query string.
  std::function<Response(Request& req, std::string_view query)> handle;
  // The answer to a request the transport refuses (status and detail).
  std::function<Response(int status, const std::string& detail)> refuse;
};

class HttpTransport {
 public:
  HttpTransport(TransportOptions options, TransportHandlers handlers);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  Status Start();
  int port() const;
  void Stop();
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mara::api

#endif  // MARA_API_HTTP_TRANSPORT_H_
