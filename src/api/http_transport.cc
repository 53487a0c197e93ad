#include "api/http_transport.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/http_body.h"
#include "common/text.h"

namespace mara::api {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

int64_t Ns(std::chrono::milliseconds d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

constexpr size_t kReadChunk = 64 * 1024;
constexpr auto kTick = std::chrono::milliseconds(50);

// One accepted connection. Only the worker that took its event touches the
// buffers; the reaper reads `deadline_ns` and shuts the socket down (never
// closes it) under the table lock.
struct Conn {
  int fd = -1;
  std::string remote_addr;
  std::string in;  // bytes received and not yet consumed
  std::optional<RequestHead> head;
  BodyFraming framing;
  bool continue_sent = false;
  int served = 0;
  // steady_clock ns after which the reaper cuts the connection; 0 while a
  // handler or a write has it.
  std::atomic<int64_t> deadline_ns{0};
  std::atomic<bool> cut{false};  // set by the reaper under the table lock
};

}  // namespace

class HttpTransport::Impl {
 public:
  Impl(TransportOptions options, TransportHandlers handlers)
      : options_(std::move(options)), handlers_(std::move(handlers)) {}
  ~Impl() { Stop(); }

  Status Start();
  int port() const { return port_; }
  void Stop();
  void Wait() {
    std::unique_lock<std::mutex> lock(state_mu_);
    state_cv_.wait(lock, [this] { return stopped_ || !started_; });
  }

 private:
  void Accept();
  void Work();
  void Reap();
  void SpawnWorker();
  // Serves what has arrived on `c`; false when the connection is finished.
  bool Serve(Conn* c);
  // Answers one complete request; false when the connection must close.
  bool Answer(Conn* c, size_t body_bytes);
  bool Refuse(Conn* c, int status, const std::string& detail);
  bool RefuseWith(Conn* c, const Response& res);
  bool Write(Conn* c, const std::string& head, std::string_view body);
  void Rearm(Conn* c);
  void Close(Conn* c);

  TransportOptions options_;
  TransportHandlers handlers_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // an eventfd that, once written, wakes every worker for good
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::thread reaper_;
  std::mutex workers_mu_;
  std::vector<std::thread> workers_;
  std::atomic<size_t> idle_{0};         // workers waiting in epoll_wait
  std::atomic<uint64_t> completed_{0};  // requests answered, for the reaper's tick
  std::mutex table_mu_;
  std::unordered_map<Conn*, std::unique_ptr<Conn>> table_;
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool started_ = false;
  bool stopped_ = false;
};

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
  for (addrinfo* ai = found; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listen_fd_ = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) return Status::IOError("cannot listen on " + where + ": " + why);
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                      : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return Status::IOError("cannot create the event loop");
  epoll_event wake{};
  wake.events = EPOLLIN;  // level-triggered and never read: every waiter sees it
  wake.data.ptr = nullptr;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &wake) != 0) {
    return Status::IOError("cannot create the event loop");
  }
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    started_ = true;
  }
  for (size_t i = 0; i < options_.threads; ++i) SpawnWorker();
  acceptor_ = std::thread([this] { Accept(); });
  reaper_ = std::thread([this] { Reap(); });
  return Status::Ok();
}

void HttpTransport::Impl::Stop() {
  if (stopping_.exchange(true)) {
    Wait();
    return;
  }
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  if (acceptor_.joinable()) acceptor_.join();
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
  }
  if (reaper_.joinable()) reaper_.join();
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(workers_mu_);
    workers.swap(workers_);
  }
  for (std::thread& t : workers) t.join();
  {
    std::lock_guard<std::mutex> lock(table_mu_);
    for (auto& [ptr, conn] : table_) ::close(conn->fd);
    table_.clear();
  }
  for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
  std::lock_guard<std::mutex> lock(state_mu_);
  stopped_ = true;
  state_cv_.notify_all();
}

void HttpTransport::Impl::SpawnWorker() {
  std::lock_guard<std::mutex> lock(workers_mu_);
  if (stopping_ || workers_.size() >= std::max(options_.threads, options_.max_threads)) return;
  workers_.emplace_back([this] { Work(); });
}

void HttpTransport::Impl::Accept() {
  while (!stopping_) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      // Out of descriptors or a connection reset before it was taken: wait
      // a little rather than spin.
      if (errno != EINTR && errno != ECONNABORTED) std::this_thread::sleep_for(kTick / 5);
      continue;
    }
    int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    auto conn = std::make_unique<Conn>();
    conn->fd = fd;
    char text[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, text, sizeof text);
    } else if (addr.ss_family == AF_INET6) {
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, text, sizeof text);
    }
    conn->remote_addr = text;
    conn->deadline_ns = NowNs() + Ns(options_.keep_alive_timeout);
    Conn* c = conn.get();
    {
      std::lock_guard<std::mutex> lock(table_mu_);
      if (table_.size() >= options_.max_connections) {
        ::close(fd);
        continue;
      }
      table_.emplace(c, std::move(conn));
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
    ev.data.ptr = c;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) Close(c);
  }
}

void HttpTransport::Impl::Work() {
  epoll_event ev{};
  for (;;) {
    idle_.fetch_add(1, std::memory_order_relaxed);
    const int n = ::epoll_wait(epoll_fd_, &ev, 1, -1);
    idle_.fetch_sub(1, std::memory_order_relaxed);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || ev.data.ptr == nullptr) return;  // the wake-up: stopping
    Conn* c = static_cast<Conn*>(ev.data.ptr);
    if (Serve(c)) {
      Rearm(c);
    } else {
      Close(c);
    }
  }
}

void HttpTransport::Impl::Reap() {
  uint64_t last_completed = completed_.load();
  while (!stopping_) {
    std::this_thread::sleep_for(kTick);
    const int64_t now = NowNs();
    size_t open = 0;
    {
      std::lock_guard<std::mutex> lock(table_mu_);
      open = table_.size();
      for (auto& [ptr, conn] : table_) {
        const int64_t deadline = conn->deadline_ns.load(std::memory_order_relaxed);
        if (deadline != 0 && deadline < now && !conn->cut) {
          // The worker that next takes the connection reads end of file and
          // closes it; the descriptor stays valid until then.
          ::shutdown(conn->fd, SHUT_RDWR);
          conn->cut = true;
        }
      }
    }
    // Every worker inside a handler for a whole tick, with connections
    // open: one more worker, so a long write lock cannot stall the reads.
    const uint64_t completed = completed_.load();
    if (idle_.load() == 0 && completed == last_completed && open > 0) SpawnWorker();
    last_completed = completed;
  }
}

bool HttpTransport::Impl::Serve(Conn* c) {
  thread_local std::vector<char> buffer(kReadChunk);
  bool eof = false;
  // Read what is there, without a second call when one did not fill the
  // buffer: the common request arrives in one piece.
  for (;;) {
    const ssize_t n = ::recv(c->fd, buffer.data(), buffer.size(), 0);
    if (n > 0) {
      if (c->in.empty() && !c->head) {
        c->deadline_ns = NowNs() + Ns(options_.request_deadline);
      }
      c->in.append(buffer.data(), static_cast<size_t>(n));
      if (static_cast<size_t>(n) < buffer.size()) break;
      if (c->in.size() > (size_t{4} << 20)) break;  // serve others between slices of a big body
      continue;
    }
    if (n == 0) {
      eof = true;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    return false;
  }
  for (;;) {
    if (!c->head) {
      if (c->in.empty()) break;
      HeadParse parsed = ParseRequestHead(c->in, options_.head_limits);
      if (parsed.state == HeadParse::kIncomplete) break;
      if (parsed.state == HeadParse::kRefused) return Refuse(c, parsed.status, parsed.detail);
      c->head = std::move(parsed.head);
      if (handlers_.admit) {
        if (std::optional<Response> refusal = handlers_.admit(*c->head, c->remote_addr)) {
          return RefuseWith(c, *refusal);
        }
      }
      c->framing = FramingOf(*c->head);
      c->continue_sent = false;
      const size_t limit = c->framing.chunked
                               ? std::min(options_.max_chunked_body, handlers_.body_limit(*c->head))
                               : handlers_.body_limit(*c->head);
      if (!c->framing.chunked && c->framing.length > limit) {
        return Refuse(
            c, 413,
            "the request body is larger than allowed (" + std::to_string(limit) + " bytes)");
      }
    }
    const RequestHead& head = *c->head;
    const size_t available = c->in.size() - head.size;
    size_t body_bytes = 0;
    if (c->framing.chunked) {
      const size_t limit = std::min(options_.max_chunked_body, handlers_.body_limit(head));
      Result<std::optional<ChunkedBody>> decoded =
          DecodeChunked(std::string_view(c->in).substr(head.size), limit);
      if (!decoded.ok()) {
        const std::string& m = decoded.status().message();
        return Refuse(c, m.rfind("too large:", 0) == 0 ? 413 : 400, m);
      }
      if (!decoded->has_value()) {
        if (eof) return false;
        break;
      }
      // The decoded body takes the encoded one's place in the buffer.
      ChunkedBody& body = **decoded;
      c->in.replace(head.size, body.consumed, body.body);
      c->framing.chunked = false;
      c->framing.length = body.body.size();
      body_bytes = body.body.size();
    } else {
      if (available < c->framing.length) {
        if (eof) return false;
        if (!c->continue_sent && head.minor_version == 1 && available == 0 &&
            EqualsIgnoreAsciiCase(head.Header("expect"), "100-continue")) {
          c->continue_sent = true;
          if (!Write(c, "HTTP/1.1 100 Continue\r\n\r\n", {})) return false;
        }
        break;
      }
      body_bytes = static_cast<size_t>(c->framing.length);
    }
    if (!Answer(c, body_bytes)) return false;
    if (c->in.empty()) break;
  }
  if (eof) return false;
  if (!c->head && c->in.empty()) {
    c->deadline_ns = NowNs() + Ns(options_.keep_alive_timeout);
  } else if (c->deadline_ns.load() == 0) {
    // Part of a pipelined request came with the one just answered.
    c->deadline_ns = NowNs() + Ns(options_.request_deadline);
  }
  return true;
}

bool HttpTransport::Impl::Answer(Conn* c, size_t body_bytes) {
  RequestHead head = std::move(*c->head);
  c->head.reset();
  c->deadline_ns = 0;
  Request req;
  req.method = std::move(head.method);
  const size_t q = head.target.find('?');
  std::string query = q == std::string::npos ? std::string() : head.target.substr(q + 1);
  req.path = q == std::string::npos ? std::move(head.target) : head.target.substr(0, q);
  req.body.assign(c->in, head.size, body_bytes);
  c->in.erase(0, head.size + body_bytes);
  if (c->in.capacity() > 4 * kReadChunk && c->in.size() < kReadChunk) c->in.shrink_to_fit();
  req.remote_addr = c->remote_addr;
  const bool keep_alive = head.KeepAlive();
  req.headers = std::move(head.headers);
  Response res;
  try {
    res = handlers_.handle(req, query);
  } catch (const std::exception& e) {
    res = handlers_.refuse(500, std::string("unexpected failure: ") + e.what());
  }
  completed_.fetch_add(1, std::memory_order_relaxed);
  const bool open =
      keep_alive && !stopping_ && ++c->served < options_.keep_alive_max_count && !c->cut;
  const std::string_view body = res.Body();
  const bool head_only = req.method == "HEAD";
  if (!Write(c, ResponseHead(res, body.size(), open), head_only ? std::string_view() : body)) {
    return false;
  }
  return open;
}

bool HttpTransport::Impl::Refuse(Conn* c, int status, const std::string& detail) {
  return RefuseWith(c, handlers_.refuse(status, detail));
}

bool HttpTransport::Impl::RefuseWith(Conn* c, const Response& res) {
  c->deadline_ns = 0;
  (void)Write(c, ResponseHead(res, res.Body().size(), false), res.Body());
  // End of file right after the answer, before the descriptor closes.
  ::shutdown(c->fd, SHUT_WR);
  return false;
}

bool HttpTransport::Impl::Write(Conn* c, const std::string& head, std::string_view body) {
  iovec iov[2] = {{const_cast<char*>(head.data()), head.size()},
                  {const_cast<char*>(body.data()), body.size()}};
  size_t count = body.empty() ? 1 : 2;
  iovec* next = iov;
  const int64_t saved_deadline = c->deadline_ns.exchange(0);
  while (count > 0) {
    msghdr msg{};
    msg.msg_iov = next;
    msg.msg_iovlen = count;
    const ssize_t n = ::sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      // The client reads slower than we write: wait for room, giving up
      // after write_timeout without progress.
      pollfd p{c->fd, POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(options_.write_timeout.count()));
      if (ready <= 0 || (p.revents & (POLLERR | POLLHUP)) != 0) return false;
      continue;
    }
    size_t left = static_cast<size_t>(n);
    while (count > 0 && left >= next->iov_len) {
      left -= next->iov_len;
      ++next;
      --count;
    }
    if (count > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + left;
      next->iov_len -= left;
    }
  }
  c->deadline_ns = saved_deadline;
  return true;
}

void HttpTransport::Impl::Rearm(Conn* c) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | EPOLLONESHOT;
  ev.data.ptr = c;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev) != 0) Close(c);
}

void HttpTransport::Impl::Close(Conn* c) {
  std::unique_ptr<Conn> owned;
  {
    std::lock_guard<std::mutex> lock(table_mu_);
    auto it = table_.find(c);
    if (it == table_.end()) return;
    owned = std::move(it->second);
    table_.erase(it);
  }
  ::close(owned->fd);  // also leaves the epoll set
}

HttpTransport::HttpTransport(TransportOptions options, TransportHandlers handlers)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handlers))) {}
HttpTransport::~HttpTransport() = default;
Status HttpTransport::Start() { return impl_->Start(); }
int HttpTransport::port() const { return impl_->port(); }
void HttpTransport::Stop() { impl_->Stop(); }
void HttpTransport::Wait() { impl_->Wait(); }

}  // namespace mara::api
