// The connection layer over real loopback sockets: framing, keep-alive,
// pipelining, 100-continue, chunked bodies, refusals, deadlines, spare
// workers, slow readers and spooled bodies. The handler echoes what it was
// given.
#include "api/http_transport.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../../tests/serve_harness.h"
#include "api/spool.h"
#include "common/temp_dir.h"

namespace mara::api {
namespace {

using namespace std::chrono_literals;

using mara::testing::SendAll;

int Connect(int port) { return mara::testing::ConnectLoopback(port); }

// Reads until `min_bytes` have arrived, end of file or the timeout: what
// arrived and whether the peer closed.
struct Read {
  std::string data;
  bool closed = false;
};

Read ReadFor(int fd, std::chrono::milliseconds timeout, size_t min_bytes = SIZE_MAX) {
  Read r;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (r.data.size() < min_bytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[8192];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    r.data.append(buf, static_cast<size_t>(n));
  }
  return r;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class HttpTransportTest : public ::testing::Test {
 protected:
  void Start(TransportOptions options = {}) {
    TransportHandlers handlers;
    handlers.body_limit = [](const RequestHead& head) -> size_t {
      return head.target.rfind("/big", 0) == 0 ? 1 << 20 : 64;
    };
    handlers.handle = [this](Request& req, std::string_view query) {
      if (req.path == "/block") {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return released_; });
      }
      if (req.path == "/throw") throw std::runtime_error("boom");
      Response res;
      if (req.path == "/large") {
        res.content_type = "application/octet-stream";
        res.shared_body = large_;
        return res;
      }
      if (req.spooled) {
        // The spool file is there while the handler runs.
        std::lock_guard<std::mutex> lock(mu_);
        spooled_path_ = req.spooled->path();
        spooled_seen_ = ::access(spooled_path_.c_str(), F_OK) == 0;
        res.body = "spooled " + std::to_string(req.spooled->size()) + " " +
                   std::string(req.spooled->bytes().substr(0, 4));
        return res;
      }
      res.content_type = "text/plain";
      res.body = req.method + " " + req.path + " ?" + std::string(query) + " [" + req.body + "]";
      res.headers.emplace_back("X-Addr", req.remote_addr);
      return res;
    };
    handlers.may_spool = [](const RequestHead& head) { return head.target == "/big/spool"; };
    handlers.finished = [this](const RequestHead&) { ++finished_; };
    handlers.refuse = [](int status, const std::string& detail) {
      Response res;
      res.status = status;
      res.content_type = "text/plain";
      res.body = "refused: " + detail;
      return res;
    };
    options.port = 0;
    transport_ = std::make_unique<HttpTransport>(options, handlers);
    ASSERT_TRUE(transport_->Start().ok());
  }
  void TearDown() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    if (transport_) transport_->Stop();
  }
  int port() const { return transport_->port(); }

  std::unique_ptr<HttpTransport> transport_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
  std::shared_ptr<const std::string> large_ =
      std::make_shared<const std::string>(size_t{2} << 20, 'L');
  std::string spooled_path_;
  bool spooled_seen_ = false;
  std::atomic<int> finished_{0};
};

size_t FilesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST_F(HttpTransportTest, PipelinedRequestsAreAnsweredInOrderOnOneConnection) {
  Start();
  const int fd = Connect(port());
  ASSERT_GE(fd, 0);
  SendAll(fd,
          "GET /one?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"
          "POST /two HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
          "HEAD /three HTTP/1.1\r\nHost: a\r\n\r\n");
  const Read r = ReadFor(fd, 2s);
  ::close(fd);
  const size_t one = r.data.find("GET /one ?x=1 []");
  const size_t two = r.data.find("POST /two ? [hello]");
  ASSERT_NE(one, std::string::npos) << r.data;
  ASSERT_NE(two, std::string::npos) << r.data;
  EXPECT_LT(one, two);
  EXPECT_EQ(Count(r.data, "HTTP/1.1 200 OK\r\n"), 3u) << r.data;
  EXPECT_EQ(Count(r.data, "Connection: keep-alive"), 3u);
  EXPECT_NE(r.data.find("X-Addr: 127.0.0.1"), std::string::npos);
  // HEAD announces GET's length and sends no body.
  const size_t head = r.data.rfind("HTTP/1.1 200 OK");
  EXPECT_NE(r.data.find("Content-Length: 16\r\n", head), std::string::npos) << r.data;
  EXPECT_EQ(r.data.substr(r.data.size() - 4), "\r\n\r\n");
  EXPECT_FALSE(r.closed);
}

TEST_F(HttpTransportTest, ARequestInPiecesIsAssembled) {
  Start();
  const int fd = Connect(port());
  const std::string request =
      "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789";
  for (char c : request) {
    SendAll(fd, std::string(1, c));
    std::this_thread::sleep_for(1ms);
  }
  const Read r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_NE(r.data.find("POST /p ? [0123456789]"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(r.closed);
}

TEST_F(HttpTransportTest, ChunkedBodiesAreDecodedAndLimited) {
  Start();
  int fd = Connect(port());
  SendAll(fd,
          "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
          "GET /after HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  Read r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_NE(r.data.find("POST /c ? [hello world]"), std::string::npos) << r.data;
  EXPECT_NE(r.data.find("GET /after ? []"), std::string::npos) << r.data;
  fd = Connect(port());
  SendAll(fd, "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n50\r\n" +
                  std::string(80, 'x') + "\r\n0\r\n\r\n");
  r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_EQ(r.data.rfind("HTTP/1.1 413 ", 0), 0u) << r.data;
  EXPECT_TRUE(r.closed);
}

TEST_F(HttpTransportTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Start();
  const int fd = Connect(port());
  SendAll(fd, "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
  Read r = ReadFor(fd, 2s, 25);
  EXPECT_EQ(r.data, "HTTP/1.1 100 Continue\r\n\r\n");
  SendAll(fd, "abc");
  r = ReadFor(fd, 1s);
  ::close(fd);
  EXPECT_EQ(r.data.rfind("HTTP/1.1 200 OK", 0), 0u) << r.data;
  EXPECT_NE(r.data.find("POST /big ? [abc]"), std::string::npos);
}

TEST_F(HttpTransportTest, RefusalsAnswerAndClose) {
  Start();
  struct Case {
    std::string request;
    std::string status;
  };
  const Case cases[] = {
      {"POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 65\r\n\r\n", "413"},
      {"POST /small HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000000\r\n\r\n", "413"},
      {"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", "414"},
      {"GET / HTTP/1.1\r\nX: " + std::string(40000, 'b') + "\r\n\r\n", "431"},
      {"GET / HTTP/3\r\n\r\n", "505"},
      {"NOT A REQUEST\r\n\r\n", "400"},
  };
  for (const Case& c : cases) {
    const int fd = Connect(port());
    SendAll(fd, c.request);
    const Read r = ReadFor(fd, 2s);
    ::close(fd);
    EXPECT_EQ(r.data.rfind("HTTP/1.1 " + c.status + " ", 0), 0u) << r.data.substr(0, 200);
    EXPECT_NE(r.data.find("Connection: close"), std::string::npos);
    EXPECT_NE(r.data.find("refused: "), std::string::npos);
    EXPECT_TRUE(r.closed) << c.status;
  }
  // A handler that throws gets the 500 refusal, and the server goes on.
  const int fd = Connect(port());
  SendAll(fd, "GET /throw HTTP/1.1\r\nHost: a\r\n\r\nGET /ok HTTP/1.1\r\nHost: a\r\n\r\n");
  const Read r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_EQ(r.data.rfind("HTTP/1.1 500 ", 0), 0u) << r.data;
  EXPECT_NE(r.data.find("refused: unexpected failure: boom"), std::string::npos);
  EXPECT_NE(r.data.find("GET /ok ? []"), std::string::npos);
}

TEST_F(HttpTransportTest, KeepAliveEndsAfterTheMaximumCount) {
  TransportOptions options;
  options.keep_alive_max_count = 2;
  Start(options);
  const int fd = Connect(port());
  SendAll(fd,
          "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
          "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
  const Read r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_EQ(Count(r.data, "HTTP/1.1 200"), 2u) << r.data;
  EXPECT_EQ(Count(r.data, "Connection: close"), 1u);
  EXPECT_EQ(r.data.find("GET /3"), std::string::npos);
  EXPECT_TRUE(r.closed);
}

TEST_F(HttpTransportTest, IdleAndTricklingConnectionsAreCut) {
  TransportOptions options;
  options.keep_alive_timeout = 300ms;
  options.request_deadline = 800ms;
  Start(options);
  const auto t0 = std::chrono::steady_clock::now();
  const int silent = Connect(port());
  const int trickle = Connect(port());
  std::atomic<bool> trickle_closed{false};
  std::thread trickler([&] {
    const std::string partial = "GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: ";
    for (size_t i = 0; i < 100 && !trickle_closed; ++i) {
      const char c = i < partial.size() ? partial[i] : 'a';
      if (::send(trickle, &c, 1, MSG_NOSIGNAL) != 1) break;
      std::this_thread::sleep_for(50ms);
    }
  });
  const Read s = ReadFor(silent, 3s);
  const double silent_after =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const Read t = ReadFor(trickle, 4s);
  trickle_closed = true;
  const double trickle_after =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  trickler.join();
  ::close(silent);
  ::close(trickle);
  EXPECT_TRUE(s.closed);
  EXPECT_TRUE(s.data.empty());
  EXPECT_GE(silent_after, 0.25);
  EXPECT_LT(silent_after, 1.5);
  EXPECT_TRUE(t.closed);
  EXPECT_GE(trickle_after, 0.7);
  EXPECT_LT(trickle_after, 2.5) << "a trickling client held its connection";
}

TEST_F(HttpTransportTest, ABlockedHandlerDoesNotStallOtherConnections) {
  TransportOptions options;
  options.threads = 1;
  Start(options);
  const int blocked = Connect(port());
  SendAll(blocked, "GET /block HTTP/1.1\r\nHost: a\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  const auto t0 = std::chrono::steady_clock::now();
  const int other = Connect(port());
  SendAll(other, "GET /free HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  const Read r = ReadFor(other, 3s);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.data.find("GET /free ? []"), std::string::npos) << r.data;
  EXPECT_LT(took, 1.0);
  {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
  }
  cv_.notify_all();
  const Read b = ReadFor(blocked, 2s, 20);
  EXPECT_NE(b.data.find("HTTP/1.1 200"), std::string::npos);
  ::close(blocked);
  ::close(other);
}

TEST_F(HttpTransportTest, StopClosesOpenConnectionsAndWaitReturns) {
  Start();
  const int fd = Connect(port());
  SendAll(fd, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_NE(ReadFor(fd, 2s, 20).data.find("200"), std::string::npos);
  std::thread waiter([this] { transport_->Wait(); });
  const auto t0 = std::chrono::steady_clock::now();
  transport_->Stop();
  waiter.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_TRUE(ReadFor(fd, 2s).closed);
  ::close(fd);
  EXPECT_LT(Connect(transport_->port()), 0);
}

TEST_F(HttpTransportTest, SlowReadersDoNotDelayOtherConnections) {
  TransportOptions options;
  options.threads = 2;
  Start(options);
  // Fifty clients ask for 2 MB each and read it 1 KB at a time.
  std::vector<int> slow;
  for (int i = 0; i < 50; ++i) {
    const int fd = Connect(port());
    ASSERT_GE(fd, 0);
    SendAll(fd, "GET /large HTTP/1.1\r\nHost: a\r\n\r\n");
    slow.push_back(fd);
  }
  std::atomic<bool> done{false};
  std::thread readers([&] {
    char buf[1024];
    while (!done) {
      for (int fd : slow) (void)::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
      std::this_thread::sleep_for(5ms);
    }
  });
  std::this_thread::sleep_for(200ms);
  std::vector<double> took;
  for (int i = 0; i < 9; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    const int fd = Connect(port());
    SendAll(fd, "GET /free HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    const Read r = ReadFor(fd, 3s);
    ::close(fd);
    took.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_NE(r.data.find("GET /free ? []"), std::string::npos) << r.data;
  }
  done = true;
  readers.join();
  for (int fd : slow) ::close(fd);
  std::sort(took.begin(), took.end());
  EXPECT_LT(took[took.size() / 2], 0.050) << "median answer while 50 clients read slowly";
  EXPECT_LT(took.back(), 0.5);
}

TEST_F(HttpTransportTest, TricklingClientsAreCutAtTheRequestDeadline) {
  TransportOptions options;
  options.request_deadline = 600ms;
  Start(options);
  // Ten send a head a byte at a time, ten a whole head and then a body a
  // byte at a time: each is cut at the deadline, not kept by its progress.
  std::vector<int> fds;
  for (int i = 0; i < 20; ++i) fds.push_back(Connect(port()));
  for (int i = 10; i < 20; ++i) {
    SendAll(fds[i], "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n");
  }
  const auto t0 = std::chrono::steady_clock::now();
  std::atomic<bool> stop{false};
  std::thread trickler([&] {
    const std::string head = "GET /slow HTTP/1.1\r\nHost: a\r\nX-Slow: ";
    for (size_t step = 0; !stop && step < 200; ++step) {
      for (int fd : fds) {
        const char c = step < head.size() ? head[step] : 'a';
        (void)::send(fd, &c, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  for (int fd : fds) {
    const Read r = ReadFor(fd, 4s);
    EXPECT_TRUE(r.closed);
  }
  const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stop = true;
  trickler.join();
  for (int fd : fds) ::close(fd);
  EXPECT_GE(after, 0.5);
  EXPECT_LT(after, 2.0) << "trickling clients held their connections";
}

TEST_F(HttpTransportTest, LargeBodiesAreSpooledToAPrivateFileAndRemoved) {
  Result<ScopedTempDir> dir = ScopedTempDir::Create("mara-spool-test");
  ASSERT_TRUE(dir.ok());
  TransportOptions options;
  options.spool_dir = dir->path();
  options.spool_threshold = 1024;
  Start(options);
  const std::string body = "BODY" + std::string(100000 - 4, 'b');
  // While the body arrives, it is in a 0600 file of the spool folder.
  int fd = Connect(port());
  SendAll(fd, "POST /big/spool HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" +
                  body.substr(0, 5000));
  for (int i = 0; i < 100 && FilesIn(dir->path()) == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(FilesIn(dir->path()), 1u);
  for (const auto& e : std::filesystem::directory_iterator(dir->path())) {
    struct stat st {};
    ASSERT_EQ(::stat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(e.path().filename().string().rfind("spool-", 0), 0u);
  }
  SendAll(fd, body.substr(5000));
  Read r = ReadFor(fd, 2s, 100);
  EXPECT_NE(r.data.find("spooled 100000 BODY"), std::string::npos) << r.data;
  {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_TRUE(spooled_seen_);
  }
  EXPECT_EQ(FilesIn(dir->path()), 0u);
  // A chunked body moves to a file once it passes the threshold.
  SendAll(fd,
          "POST /big/spool HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
          "800\r\n" +
              std::string(2048, 'c') + "\r\n800\r\n" + std::string(2048, 'd') + "\r\n0\r\n\r\n");
  r = ReadFor(fd, 2s, 100);
  EXPECT_NE(r.data.find("spooled 4096 cccc"), std::string::npos) << r.data;
  ::close(fd);
  // Routes that may not spool keep their bodies in memory.
  fd = Connect(port());
  SendAll(fd, "POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n" +
                  std::string(2000, 'm'));
  r = ReadFor(fd, 2s);
  ::close(fd);
  EXPECT_NE(r.data.find("POST /big ? [mmm"), std::string::npos) << r.data.substr(0, 200);
  // A client that goes away mid-body leaves no file behind.
  fd = Connect(port());
  SendAll(fd, "POST /big/spool HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" +
                  body.substr(0, 5000));
  for (int i = 0; i < 100 && FilesIn(dir->path()) == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(FilesIn(dir->path()), 1u);
  ::close(fd);
  for (int i = 0; i < 200 && FilesIn(dir->path()) != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(FilesIn(dir->path()), 0u);
  // And so does one cut by Stop.
  fd = Connect(port());
  SendAll(fd, "POST /big/spool HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" +
                  body.substr(0, 5000));
  for (int i = 0; i < 100 && FilesIn(dir->path()) == 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(FilesIn(dir->path()), 1u);
  transport_->Stop();
  ::close(fd);
  EXPECT_EQ(FilesIn(dir->path()), 0u);
  EXPECT_EQ(finished_.load(), 5);
}

TEST(SpoolTest, TheTemporaryFolderIsBesideTheStoreAndSweptAtStart) {
  EXPECT_EQ(ResolveTempDir("/x/mara.db", ""), "/x/mara.db.tmp");
  EXPECT_EQ(ResolveTempDir("postgresql://h/db", "/srv/mara.evidence/"), "/srv/mara.evidence.tmp");
  EXPECT_EQ(ResolveTempDir("postgresql://h/db", ""), "./mara.evidence.tmp");
  Result<ScopedTempDir> dir = ScopedTempDir::Create("mara-sweep-test");
  ASSERT_TRUE(dir.ok());
  const std::string temp = dir->path() + "/store.db.tmp";
  ASSERT_TRUE(PrepareTempDir(temp).ok());
  std::filesystem::create_directory(temp + "/upload-abc");
  { std::ofstream(temp + "/upload-abc/upload.csv") << "x"; }
  { std::ofstream(temp + "/spool-abc") << "x"; }
  { std::ofstream(temp + "/other") << "x"; }
  ::chmod(temp.c_str(), 0755);
  ASSERT_TRUE(PrepareTempDir(temp).ok());
  EXPECT_FALSE(std::filesystem::exists(temp + "/upload-abc"));
  EXPECT_FALSE(std::filesystem::exists(temp + "/spool-abc"));
  EXPECT_TRUE(std::filesystem::exists(temp + "/other"));
  struct stat st {};
  ASSERT_EQ(::stat(temp.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(HttpTransportTest, AnAddressInUseIsAnError) {
  Start();
  TransportOptions options;
  options.port = port();
  HttpTransport second(options, {});
  Status started = second.Start();
  EXPECT_EQ(started.code(), StatusCode::kIOError);
  EXPECT_NE(started.message().find("cannot listen"), std::string::npos) << started.message();
}

}  // namespace
}  // namespace mara::api
