// The connection layer of `mara serve`: HTTP/1.1 over TCP with one epoll
// set shared by a small pool of worker threads (bench/README.md, "An event
// loop in place of a thread per connection").
//
// Why: a thread per keep-alive connection sleeps in poll() after every
// answer and is woken for the next request, so under load most of the
// server's time went to switching threads. Here a worker that finishes an
// answer asks epoll for the next ready connection and, while there is one,
// never sleeps; an idle connection holds no thread at all.
//
// Contract:
// - Start() binds `bind:port` (0: a free port, see port()) and listens with
//   a full backlog; kIOError when it cannot, kInvalidArgument for bad
//   options. Stop() (or destruction) stops accepting, lets the handlers in
//   flight finish and closes every connection; Wait() blocks until then.
// - Each connection is served by one worker at a time (EPOLLONESHOT), so
//   its requests are answered in order. A complete request (head by
//   api/http_wire.h, body by Content-Length or chunked) goes to
//   `handle`; its answer is written in one sendmsg of head and body, a
//   HEAD request's without the body. Keep-alive as RFC 9112, at most
//   `keep_alive_max_count` requests per connection.
// - `admit` sees every head before its body is read and may refuse it.
// - Refusals the transport makes itself (400 malformed head, 413 body over
//   `body_limit`, 414, 431, 505) are answered with `refuse` and close the
//   connection. "Expect: 100-continue" gets "100 Continue" once the head is
//   accepted. A chunked body is limited to `max_chunked_body`.
// - Deadlines: a connection waiting for its next request is closed after
//   `keep_alive_timeout`; a request must arrive whole within
//   `request_deadline` of its first byte (a client trickling a byte at a
//   time cannot hold a connection); writing an answer gives up after
//   `write_timeout` without progress. Time inside a handler never counts.
// - Workers: `threads` start; when every worker has been inside handlers
//   for a whole tick (50 ms: a long import holds the write lock, say) and
//   connections wait, another starts, up to `max_threads`.
// Thread-safety: Start/Stop/Wait from one controlling thread; `handle`,
// `refuse` and `body_limit` are called concurrently from the workers.
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
  size_t threads = 4;
  size_t max_threads = 64;
  size_t max_connections = 10000;
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::chrono::milliseconds request_deadline{20000};
  std::chrono::milliseconds write_timeout{30000};
  int keep_alive_max_count = 1000;
  size_t max_chunked_body = 1 << 20;
  HeadLimits head_limits;
};

struct TransportHandlers {
  // Called once a request's head is parsed, before any of its body is read:
  // an answer refuses the request (it is sent, then the connection
  // closes), so a client that may not upload cannot make the server read
  // or hold its body. Null, or no answer: the request goes on.
  std::function<std::optional<Response>(const RequestHead&, const std::string& remote_addr)> admit;
  // The largest body the request may carry.
  std::function<size_t(const RequestHead&)> body_limit;
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
