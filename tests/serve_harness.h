// Helpers for the reliability tests that drive a real `mara serve` on
// loopback: running the `mara` binary, starting and killing the server,
// and a raw HTTP/1.1 client over POSIX sockets (so a test can send bytes
// no HTTP library would: invalid UTF-8 in headers, oversized or trickled
// requests). Every request says `Connection: close` and is read to EOF.
//
// Contract: a ServeProcess owns the child process; destroying it kills it
// (SIGKILL) and reaps it. Http() returns status 0 when the connection
// fails or the answer is not HTTP. Header-only because tests/ builds only
// *_test.cc files; not thread-safe except Http(), which shares nothing.
#ifndef MARA_TESTS_SERVE_HARNESS_H_
#define MARA_TESTS_SERVE_HARNESS_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace mara::testing {

namespace fs = std::filesystem;

inline std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct MaraRun {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `mara --db DB ARGS...` with `input` on standard input; DB is a path
// or a postgresql:// URL, `dir` a directory for the run's scratch files.
inline MaraRun RunMaraIn(const fs::path& dir, const std::string& db, std::vector<std::string> args,
                         const std::string& input = "") {
  const std::string tag = std::to_string(::getpid()) + "_" +
                          std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id()));
  const fs::path in = dir / ("run_in_" + tag), out = dir / ("run_out_" + tag),
                 err = dir / ("run_err_" + tag);
  std::ofstream(in, std::ios::binary) << input;
  std::vector<std::string> all = {MARA_BINARY, "--db", db};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : all) argv.push_back(s.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = -1;
  MaraRun run;
  if (posix_spawn(&pid, MARA_BINARY, &actions, nullptr, argv.data(), environ) == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&actions);
  run.out = Slurp(out);
  run.err = Slurp(err);
  fs::remove(in);
  fs::remove(out);
  fs::remove(err);
  return run;
}

// Runs `mara --db DB ARGS...` for a SQLite file DB.
inline MaraRun RunMara(const fs::path& db, std::vector<std::string> args,
                       const std::string& input = "") {
  return RunMaraIn(db.parent_path(), db.string(), std::move(args), input);
}

struct HttpAnswer {
  int status = 0;  // 0: no whole answer (refused, timed out, or cut short)
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Connects to 127.0.0.1:port; -1 on failure.
inline int ConnectLoopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

inline bool SendAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads until EOF or `timeout`; parses one HTTP answer.
inline HttpAnswer ReadAnswer(int fd, std::chrono::milliseconds timeout) {
  std::string raw;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[16384];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  HttpAnswer a;
  const size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return a;
  a.status = std::atoi(raw.c_str() + 9);
  size_t pos = raw.find("\r\n") + 2;
  while (pos < end) {
    const size_t eol = raw.find("\r\n", pos);
    const std::string line = raw.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      a.headers[name] = line.substr(v);
    }
    pos = eol + 2;
  }
  a.body = raw.substr(end + 4);
  // An answer cut short (the server died between its headers and the end of
  // its body) is no answer: a client cannot act on half a body.
  const auto length = a.headers.find("content-length");
  if (length != a.headers.end() &&
      a.body.size() < static_cast<size_t>(std::strtoull(length->second.c_str(), nullptr, 10))) {
    a.status = 0;
  }
  return a;
}

// Sends raw request bytes and reads the answer.
inline HttpAnswer RawHttp(int port, const std::string& request,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return {};
  HttpAnswer a;
  if (SendAll(fd, request)) a = ReadAnswer(fd, timeout);
  ::close(fd);
  return a;
}

// One request; `headers` are full lines without CRLF ("Cookie: x=y").
inline HttpAnswer Http(int port, const std::string& method, const std::string& target,
                       const std::string& body = "", const std::vector<std::string>& headers = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const std::string& h : headers) req += h + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    req +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  return RawHttp(port, req, timeout);
}

// A browser-style login: the cookie header line and the CSRF header line.
struct Login {
  std::string cookie;  // "Cookie: mara_session=..."
  std::string csrf;    // "X-CSRF-Token: ..."
  bool ok() const { return !cookie.empty(); }
  std::vector<std::string> Headers() const { return {cookie, csrf}; }
};

inline std::string JsonString(const std::string& body, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  size_t p = body.find(needle);
  if (p == std::string::npos) return "";
  p = body.find('"', p + needle.size());
  if (p == std::string::npos) return "";
  const size_t e = body.find('"', p + 1);
  return e == std::string::npos ? "" : body.substr(p + 1, e - p - 1);
}

inline Login LogIn(int port, const std::string& name, const std::string& password) {
  HttpAnswer a = Http(port, "POST", "/api/v1/session",
                      "{\"name\": \"" + name + "\", \"password\": \"" + password + "\"}");
  Login l;
  if (a.status != 201) return l;
  const std::string set = a.header("set-cookie");
  const size_t semi = set.find(';');
  l.cookie = "Cookie: " + set.substr(0, semi);
  l.csrf = "X-CSRF-Token: " + JsonString(a.body, "csrf_token");
  return l;
}

// `mara --db DB serve --port 0` as a child process.
class ServeProcess {
 public:
  ServeProcess() = default;
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;
  ~ServeProcess() { Kill(SIGKILL); }

  // Starts the server and waits (up to 30 s) for its port; false on failure.
  bool Start(const fs::path& db, int threads = 4, std::vector<std::string> extra = {}) {
    return StartIn(db.parent_path(), db.string(), threads, {}, std::move(extra));
  }

  // As Start, for a DB path or URL, with the log in `dir` and `global`
  // options (e.g. --key-file) before `serve`.
  bool StartIn(const fs::path& dir, const std::string& db, int threads,
               std::vector<std::string> global, std::vector<std::string> extra) {
    log_ = dir / "serve.log";
    std::vector<std::string> all = {MARA_BINARY, "--db", db};
    all.insert(all.end(), global.begin(), global.end());
    for (const char* a : {"serve", "--port", "0", "--threads"}) all.push_back(a);
    all.push_back(std::to_string(threads));
    all.insert(all.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& s : all) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int rc = posix_spawn(&pid_, MARA_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      pid_ = -1;
      return false;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = Slurp(log_);
      const size_t at = log.find("http://127.0.0.1:");
      if (at != std::string::npos) {
        port_ = std::atoi(log.c_str() + at + 17);
        if (port_ > 0) return true;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  // Sends `sig` and reaps the process; true when it was running.
  bool Kill(int sig) {
    if (pid_ <= 0) return false;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return true;
  }

  // True while the process has not exited.
  bool Running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    return true;
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string log() const { return Slurp(log_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  fs::path log_;
};

// A store under `dir` with the demo data and users `operator`, `reviewer`
// and `monitor` (of SIT-VAL), passwords "<name>-pass-1"; "" or the failing
// command's stderr.
inline std::string MakeDemoStore(const fs::path& db) {
  MaraRun r = RunMara(db, {"init"});
  if (r.code != 0) return "init: " + r.err;
  r = RunMara(db, {"import", std::string(MARA_SOURCE_DIR) + "/examples/demo.json"});
  if (r.code != 0) return "import: " + r.err;
  r = RunMara(db, {"user", "passwd", "operator"}, "operator-pass-1\n");
  if (r.code != 0) return "passwd: " + r.err;
  r = RunMara(db, {"user", "add", "reviewer", "--role", "reviewer", "--password-stdin"},
              "reviewer-pass-1\n");
  if (r.code != 0) return "user add: " + r.err;
  r = RunMara(
      db,
      {"user", "add", "monitor", "--role", "monitor", "--situation", "SIT-VAL", "--password-stdin"},
      "monitor-pass-1\n");
  if (r.code != 0) return "user add: " + r.err;
  return "";
}

}  // namespace mara::testing

#endif  // MARA_TESTS_SERVE_HARNESS_H_
