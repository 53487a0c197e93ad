// The connection pool behind `mara serve`: httplib's task queue, with two
// guards against slow clients (docs/reliability.md, "Hostile input").
// - Spare threads: `core_threads` workers are always there; when every one
//   is busy a new connection gets another thread, up to `max_threads`, so
//   a few clients that hold their connections open cannot keep everyone
//   else waiting. Threads once started stay for the pool's lifetime.
// - A deadline per request: httplib's read timeout restarts with every
//   byte received, so a client that trickles one byte at a time would hold
//   a thread for ever. A watchdog shuts down the reading side of any
//   connection that has spent more than `request_deadline` waiting for or
//   reading one request (the time inside a handler does not count; it is
//   marked with a Handling object on the worker thread). The worker then
//   sees end of file and closes the connection; an answer being written is
//   not cut.
// The pool finds each accepted socket by looking, when httplib hands it
// the connection, for the one connected socket on `port` it does not know
// yet (/proc/self/fd); a connection it cannot identify gets spare threads
// but no deadline. The look happens outside the pool's lock, and marking
// a request as handled takes no lock at all: under load, every request
// waited for the listening thread's scan (bench/api).
// Threads: enqueue() is called by httplib's listening thread, shutdown()
// once at the end; Handling is used on the pool's own worker threads.
#ifndef MARA_API_CONNECTION_POOL_H_
#define MARA_API_CONNECTION_POOL_H_

#include <httplib.h>
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>
#include <vector>

namespace mara::api {

struct ConnectionPoolOptions {
  size_t core_threads = 4;
  size_t max_threads = 64;
  std::chrono::milliseconds request_deadline{20000};
  int port = 0;  // the listening port, to recognise its connections
};

class ConnectionPool : public httplib::TaskQueue {
 public:
  explicit ConnectionPool(ConnectionPoolOptions options);
  ~ConnectionPool() override;
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // While one exists on a worker thread, that thread's connection is being
  // answered, not read, and the deadline does not run.
  class Handling {
   public:
    Handling();
    ~Handling();
    Handling(const Handling&) = delete;
    Handling& operator=(const Handling&) = delete;
  };

 private:
  struct Socket {
    int fd = -1;
    ino_t inode = 0;
  };
  struct Slot {
    explicit Slot(Socket s) : socket(s) {}
    Socket socket;
    // Written by the worker without the lock, read by the watchdog.
    std::atomic<bool> handling{false};
    std::atomic<int64_t> since_ns{0};  // steady_clock, since the epoch
    bool cut = false;                  // the watchdog's, under mu_
  };
  struct Task {
    std::function<void()> fn;
    std::list<Slot>::iterator slot;
  };

  void Work();
  void Watch();
  // The accepted socket not among `known` (fd -1 when not exactly one).
  Socket NewConnection(const std::vector<Socket>& known) const;

  ConnectionPoolOptions options_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable watch_cv_;
  std::deque<Task> queue_;
  std::list<Slot> slots_;  // one per accepted connection, until it is closed
  std::vector<std::thread> workers_;
  std::thread watchdog_;
  size_t idle_ = 0;
  bool stopping_ = false;
};

}  // namespace mara::api

#endif  // MARA_API_CONNECTION_POOL_H_
