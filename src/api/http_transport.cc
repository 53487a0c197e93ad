#include "api/http_transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/spool.h"
#include "common/text.h"

namespace mara::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

constexpr size_t kTransportReadChunk = 16 * 1024;
constexpr size_t kTransportBodyChunk = 64 * 1024;
constexpr auto kPoolTick = std::chrono::milliseconds(50);
const auto kTupled = asio::as_tuple(asio::use_awaitable);

// One accepted connection: its stream runs on its own strand.
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::string remote_addr;
};

std::string_view View(const beast::flat_buffer& buffer) {
  return {static_cast<const char*>(buffer.data().data()), buffer.size()};
}

// What a handler gives back to the connection.
struct Answered {
  Response res;
  bool refused = false;  // by `admit`: send, then close
};

}  // namespace

class HttpTransport::Impl {
 public:
  Impl(TransportOptions options, TransportHandlers handlers)
      : options_(std::move(options)),
        handlers_(std::move(handlers)),
        ioc_(static_cast<int>(std::max<size_t>(2, options_.threads))),
        acceptor_(asio::make_strand(ioc_)) {}
  ~Impl() { Stop(); }

  Status Start();
  int port() const { return port_; }
  void Stop();
  void Wait() {
    std::unique_lock<std::mutex> lock(state_mu_);
    state_cv_.wait(lock, [this] { return stopped_ || !started_; });
  }

 private:
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  // Reads the body of `head` into `req` (memory, or a spool file); 0 when
  // it is whole, else the status to refuse it with (-1: the connection
  // failed, nothing to answer).
  asio::awaitable<int> ReadBody(Connection& conn, beast::flat_buffer& buffer,
                                const RequestHead& head, std::string_view head_bytes, size_t limit,
                                Request& req, std::string& detail);
  asio::awaitable<bool> Write(Connection& conn, const std::string& head, std::string_view body);
  asio::awaitable<void> SendRefusal(Connection& conn, const Response& res);
  // Runs a handler on the calling I/O thread, counted as busy, so the
  // monitor can tell when every thread is held by handlers.
  template <class Fn>
  std::invoke_result_t<Fn&> RunHandler(Fn fn);
  // Starts one more thread running the I/O context (false at max_threads).
  bool Spawn();
  // Every tick, one more thread when every thread has been inside handlers
  // for the whole tick.
  void Monitor();
  void Forget(Connection* conn);

  TransportOptions options_;
  TransportHandlers handlers_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::mutex threads_mu_;
  std::condition_variable monitor_cv_;
  std::vector<std::thread> io_threads_;  // guarded by threads_mu_ once started
  std::thread monitor_;
  std::atomic<size_t> busy_{0};
  std::atomic<uint64_t> completed_{0};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex conns_mu_;
  std::condition_variable conns_cv_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> conns_;
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool started_ = false;
  bool stopped_ = false;
};

template <class Fn>
std::invoke_result_t<Fn&> HttpTransport::Impl::RunHandler(Fn fn) {
  struct Count {
    Impl* impl;
    explicit Count(Impl* i) : impl(i) { impl->busy_.fetch_add(1); }
    ~Count() {
      impl->busy_.fetch_sub(1);
      impl->completed_.fetch_add(1);
    }
  } count(this);
  return fn();
}

bool HttpTransport::Impl::Spawn() {
  std::lock_guard<std::mutex> lock(threads_mu_);
  if (stopping_ || io_threads_.size() >= std::max(options_.threads, options_.max_threads)) {
    return false;
  }
  io_threads_.emplace_back([this] { ioc_.run(); });
  return true;
}

void HttpTransport::Impl::Monitor() {
  uint64_t last = completed_.load();
  std::unique_lock<std::mutex> lock(threads_mu_);
  while (!stopping_) {
    monitor_cv_.wait_for(lock, kPoolTick);
    if (stopping_) return;
    const uint64_t done = completed_.load();
    const bool stalled = done == last && busy_.load() >= io_threads_.size();
    last = done;
    if (stalled && io_threads_.size() < std::max(options_.threads, options_.max_threads)) {
      io_threads_.emplace_back([this] { ioc_.run(); });
    }
  }
}

Status HttpTransport::Impl::Start() {
  if (options_.threads == 0) return Status::InvalidArgument("threads: must be at least 1");
  if (options_.port < 0 || options_.port > 65535) {
    return Status::InvalidArgument("port: must be 0 to 65535");
  }
  const std::string where =
      QuoteForMessage(options_.bind) + " port " + std::to_string(options_.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(options_.port);
  if (::getaddrinfo(options_.bind.c_str(), service.c_str(), &hints, &found) != 0 ||
      found == nullptr) {
    return Status::IOError("cannot listen on " + where + ": unknown address");
  }
  std::string why;
  int listen_fd = -1;
  int family = AF_INET;
  for (addrinfo* ai = found; ai != nullptr && listen_fd < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd = fd;
      family = ai->ai_family;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd < 0) return Status::IOError("cannot listen on " + where + ": " + why);
  boost::system::error_code ec;
  acceptor_.assign(family == AF_INET6 ? tcp::v6() : tcp::v4(), listen_fd, ec);
  if (ec) {
    ::close(listen_fd);
    return Status::IOError("cannot listen on " + where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    started_ = true;
  }
  asio::co_spawn(acceptor_.get_executor(), AcceptLoop(), asio::detached);
  for (size_t i = 0; i < options_.threads; ++i) Spawn();
  monitor_ = std::thread([this] { Monitor(); });
  return Status::Ok();
}

void HttpTransport::Impl::Stop() {
  if (stopping_.exchange(true)) {
    Wait();
    return;
  }
  if (!monitor_.joinable()) {
    std::lock_guard<std::mutex> lock(state_mu_);
    stopped_ = true;
    state_cv_.notify_all();
    return;
  }
  asio::post(acceptor_.get_executor(), [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  // Every connection is closed on its strand; a handler in flight finishes
  // on the pool, and its coroutine then ends on the closed stream.
  {
    std::unique_lock<std::mutex> lock(conns_mu_);
    for (auto& entry : conns_) {
      if (std::shared_ptr<Connection> conn = entry.second.lock()) {
        asio::post(conn->stream.get_executor(), [conn] {
          boost::system::error_code ignored;
          conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
          conn->stream.close();
        });
      }
    }
    conns_cv_.wait(lock, [this] { return conns_.empty(); });
  }
  {
    std::lock_guard<std::mutex> lock(threads_mu_);
    monitor_cv_.notify_all();
  }
  monitor_.join();
  ioc_.stop();
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(threads_mu_);
    threads.swap(io_threads_);
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard<std::mutex> lock(state_mu_);
  stopped_ = true;
  state_cv_.notify_all();
}

void HttpTransport::Impl::Forget(Connection* conn) {
  std::lock_guard<std::mutex> lock(conns_mu_);
  conns_.erase(conn);
  if (conns_.empty()) conns_cv_.notify_all();
}

asio::awaitable<void> HttpTransport::Impl::AcceptLoop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(ioc_), kTupled);
    if (stopping_ || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors, or a connection reset before it was taken:
      // wait a little rather than spin.
      if (ec != asio::error::connection_aborted) {
        asio::steady_timer pause(acceptor_.get_executor(), kPoolTick / 5);
        co_await pause.async_wait(kTupled);
      }
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const tcp::endpoint peer = socket.remote_endpoint(ignored);
    auto conn = std::make_shared<Connection>(std::move(socket));
    conn->remote_addr = peer.address().to_string(ignored);
    {
      std::lock_guard<std::mutex> lock(conns_mu_);
      if (stopping_ || conns_.size() >= options_.max_connections) {
        conn->stream.close();
        continue;
      }
      conns_.emplace(conn.get(), conn);
    }
    auto executor = conn->stream.get_executor();
    asio::co_spawn(executor, Serve(std::move(conn)), asio::detached);
  }
}

asio::awaitable<void> HttpTransport::Impl::Serve(std::shared_ptr<Connection> conn) {
  struct Forgetting {
    Impl* impl;
    Connection* conn;
    ~Forgetting() { impl->Forget(conn); }
  } forgetting{this, conn.get()};
  beast::tcp_stream& stream = conn->stream;
  beast::flat_buffer buffer;
  int served = 0;
  for (;;) {
    // Tells `finished` about an admitted request with a body, however it ends.
    struct Finishing {
      Finishing(Impl* i, const RequestHead& h) : impl(i), head(h) {}
      ~Finishing() { impl->handlers_.finished(head); }
      Impl* impl;
      RequestHead head;
    };
    std::optional<Finishing> finishing;
    // Waiting for a request: idle until its first byte, then the request
    // deadline for the whole of it.
    if (buffer.size() == 0) {
      stream.expires_after(options_.keep_alive_timeout);
    } else {
      stream.expires_after(options_.request_deadline);
    }
    HeadParse parsed;
    for (;;) {
      if (buffer.size() > 0) {
        parsed = ParseRequestHead(View(buffer), options_.head_limits);
        if (parsed.state != HeadParse::kIncomplete) break;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kTransportReadChunk), kTupled);
      if (ec || stopping_) co_return;  // end of file, a deadline, a reset or Stop
      if (buffer.size() == 0) stream.expires_after(options_.request_deadline);
      buffer.commit(n);
    }
    if (parsed.state == HeadParse::kRefused) {
      co_await SendRefusal(*conn, handlers_.refuse(parsed.status, parsed.detail));
      co_return;
    }
    RequestHead head = std::move(parsed.head);
    const BodyFraming framing = FramingOf(head);
    const bool has_body = framing.chunked || framing.length > 0;
    Request req;
    req.remote_addr = conn->remote_addr;
    if (has_body) {
      size_t limit = handlers_.body_limit ? handlers_.body_limit(head) : 0;
      if (framing.chunked) limit = std::min(limit, options_.max_chunked_body);
      if (!framing.chunked && framing.length > limit) {
        co_await SendRefusal(*conn,
                             handlers_.refuse(413, "the request body is larger than allowed (" +
                                                       std::to_string(limit) + " bytes)"));
        co_return;
      }
      if (handlers_.admit) {
        stream.expires_never();  // time inside handlers never counts
        const std::string& remote = conn->remote_addr;
        std::optional<Response> refusal = RunHandler([this, &head, &remote] {
          try {
            return handlers_.admit(head, remote);
          } catch (const std::exception& e) {
            return std::optional<Response>(
                handlers_.refuse(500, std::string("unexpected failure: ") + e.what()));
          }
        });
        if (refusal) {
          co_await SendRefusal(*conn, *refusal);
          co_return;
        }
        stream.expires_after(options_.request_deadline);
      }
      if (handlers_.finished) finishing.emplace(this, head);
      const std::string head_bytes(View(buffer).substr(0, head.size));
      buffer.consume(head.size);
      std::string detail;
      const int status = co_await ReadBody(*conn, buffer, head, head_bytes, limit, req, detail);
      if (status < 0) co_return;
      if (status > 0) {
        co_await SendRefusal(*conn, handlers_.refuse(status, detail));
        co_return;
      }
    } else {
      buffer.consume(head.size);
    }
    // The request is whole: answer it.
    stream.expires_never();
    const bool keep_alive = head.KeepAlive();
    const bool admitted = has_body || !handlers_.admit;
    std::string query;
    Answered answered = RunHandler([this, &req, &query, &head, admitted]() {
      Answered a;
      try {
        // A bodiless request's head is admitted on the same trip.
        if (!admitted) {
          if (std::optional<Response> refusal = handlers_.admit(head, req.remote_addr)) {
            a.res = std::move(*refusal);
            a.refused = true;
            return a;
          }
        }
        req.method = std::move(head.method);
        const size_t q = head.target.find('?');
        if (q != std::string::npos) query = head.target.substr(q + 1);
        req.path = q == std::string::npos ? std::move(head.target) : head.target.substr(0, q);
        req.headers = std::move(head.headers);
        a.res = handlers_.handle(req, query);
      } catch (const std::exception& e) {
        a.res = handlers_.refuse(500, std::string("unexpected failure: ") + e.what());
      }
      return a;
    });
    req.spooled.reset();  // the spool file goes as soon as the handler is done
    if (answered.refused) {
      co_await SendRefusal(*conn, answered.res);
      co_return;
    }
    const bool open = keep_alive && !stopping_ && ++served < options_.keep_alive_max_count &&
                      stream.socket().is_open();
    const Response& res = answered.res;
    const std::string_view body = res.Body();
    const bool head_only = req.method == "HEAD";
    if (!co_await Write(*conn, ResponseHead(res, body.size(), open),
                        head_only ? std::string_view() : body)) {
      co_return;
    }
    if (!open) {
      boost::system::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.close();
      co_return;
    }
    if (buffer.capacity() > 4 * kTransportBodyChunk && buffer.size() < kTransportReadChunk) {
      buffer.shrink_to_fit();
    }
  }
}

asio::awaitable<int> HttpTransport::Impl::ReadBody(Connection& conn, beast::flat_buffer& buffer,
                                                   const RequestHead& head,
                                                   std::string_view head_bytes, size_t limit,
                                                   Request& req, std::string& detail) {
  // Beast frames the body (Content-Length or chunked) from the head's bytes
  // again; the head itself was checked by ParseRequestHead.
  http::request_parser<http::buffer_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(options_.head_limits.max_head));
  parser.body_limit(static_cast<std::uint64_t>(limit));
  parser.eager(false);
  while (head_bytes.size() >= 2 && head_bytes[0] == '\r' && head_bytes[1] == '\n') {
    head_bytes.remove_prefix(2);
  }
  beast::error_code ec;
  parser.put(asio::buffer(head_bytes.data(), head_bytes.size()), ec);
  if (ec || !parser.is_header_done()) {
    detail = "the request head is malformed";
    co_return 400;
  }
  if (head.minor_version == 1 && buffer.size() == 0 &&
      EqualsIgnoreAsciiCase(head.Header("expect"), "100-continue")) {
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!co_await Write(conn, kContinue, {})) co_return -1;
    conn.stream.expires_after(options_.request_deadline);
  }
  const BodyFraming framing = FramingOf(head);
  const bool spoolable =
      !options_.spool_dir.empty() && handlers_.may_spool && handlers_.may_spool(head);
  std::shared_ptr<SpooledBody> spooled;
  if (spoolable && !framing.chunked && framing.length > options_.spool_threshold) {
    Result<std::shared_ptr<SpooledBody>> created = SpooledBody::Create(options_.spool_dir);
    if (!created.ok()) {
      detail = "cannot store the request body";
      co_return 500;
    }
    spooled = std::move(*created);
  } else if (!framing.chunked) {
    req.body.reserve(static_cast<size_t>(framing.length));
  }
  std::vector<char> chunk(kTransportBodyChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    auto [read_ec, n] = co_await http::async_read_some(conn.stream, buffer, parser, kTupled);
    (void)n;
    if (read_ec == http::error::need_buffer) read_ec = {};
    if (read_ec == http::error::body_limit) {
      detail = "the request body is larger than allowed (" + std::to_string(limit) + " bytes)";
      co_return 413;
    }
    if (read_ec && read_ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
        read_ec != http::error::end_of_stream && read_ec != http::error::partial_message) {
      detail = "the request body is malformed (" + read_ec.message() + ")";
      co_return 400;
    }
    if (read_ec || stopping_) co_return -1;  // end of file, a deadline, a reset or Stop
    const size_t got = chunk.size() - parser.get().body().size;
    if (got == 0) continue;
    const std::string_view bytes(chunk.data(), got);
    if (!spooled && spoolable && req.body.size() + got > options_.spool_threshold) {
      Result<std::shared_ptr<SpooledBody>> created = SpooledBody::Create(options_.spool_dir);
      if (!created.ok() || !(*created)->Append(req.body).ok()) {
        detail = "cannot store the request body";
        co_return 500;
      }
      spooled = std::move(*created);
      std::string().swap(req.body);
    }
    if (spooled) {
      if (!spooled->Append(bytes).ok()) {
        detail = "cannot store the request body";
        co_return 500;
      }
    } else {
      req.body.append(bytes);
    }
  }
  if (spooled) {
    if (!spooled->Finish().ok()) {
      detail = "cannot store the request body";
      co_return 500;
    }
    req.spooled = std::move(spooled);
  }
  co_return 0;
}

asio::awaitable<bool> HttpTransport::Impl::Write(Connection& conn, const std::string& head,
                                                 std::string_view body) {
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head),
                                               asio::buffer(body.data(), body.size())};
  size_t first = 0;
  while (first < buffers.size()) {
    // Each piece must go within write_timeout: a reader that takes nothing
    // for that long is cut, one that keeps reading is not.
    conn.stream.expires_after(options_.write_timeout);
    auto [ec, n] = co_await conn.stream.async_write_some(
        std::array<asio::const_buffer, 2>{buffers[first],
                                          first == 0 ? buffers[1] : asio::const_buffer()},
        kTupled);
    if (ec) co_return false;
    while (first < buffers.size() && n >= buffers[first].size()) {
      n -= buffers[first].size();
      ++first;
    }
    if (first < buffers.size()) buffers[first] += n;
  }
  conn.stream.expires_never();
  co_return true;
}

asio::awaitable<void> HttpTransport::Impl::SendRefusal(Connection& conn, const Response& res) {
  const std::string_view body = res.Body();
  if (co_await Write(conn, ResponseHead(res, body.size(), false), body)) {
    // End of file right after the answer, before the socket closes.
    boost::system::error_code ignored;
    conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  conn.stream.close();
}

HttpTransport::HttpTransport(TransportOptions options, TransportHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}
HttpTransport::~HttpTransport() = default;
Status HttpTransport::Start() { return impl_->Start(); }
int HttpTransport::port() const { return impl_->port(); }
void HttpTransport::Stop() { impl_->Stop(); }
void HttpTransport::Wait() { impl_->Wait(); }

}  // namespace mara::api
