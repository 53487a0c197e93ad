#include "api/connection_pool.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace mara::api {
namespace {

// The connection slot of the current worker thread.
thread_local void* tls_slot = nullptr;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int LocalPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return -1;
}

bool Connected(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  return ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
}

}  // namespace

ConnectionPool::ConnectionPool(ConnectionPoolOptions options) : options_(options) {
  if (options_.core_threads == 0) options_.core_threads = 1;
  if (options_.max_threads < options_.core_threads) options_.max_threads = options_.core_threads;
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < options_.core_threads; ++i) workers_.emplace_back([this] { Work(); });
  watchdog_ = std::thread([this] { Watch(); });
}

ConnectionPool::~ConnectionPool() { shutdown(); }

ConnectionPool::Socket ConnectionPool::NewConnection(const std::vector<Socket>& known) const {
  Socket found;
  int candidates = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    const bool is_known = std::any_of(known.begin(), known.end(), [&](const Socket& s) {
      return s.fd == fd && s.inode == st.st_ino;
    });
    if (is_known) continue;
    if (LocalPort(static_cast<int>(fd)) != options_.port || !Connected(static_cast<int>(fd))) {
      continue;
    }
    ++candidates;
    found.fd = static_cast<int>(fd);
    found.inode = st.st_ino;
  }
  ::closedir(dir);
  if (candidates != 1) found = Socket{};
  return found;
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  // Only this (listening) thread adds slots, so the sockets known now stay
  // known or close; a closed one's number can only come back through this
  // thread's next accept.
  std::vector<Socket> known;
  {
    std::lock_guard<std::mutex> lock(mu_);
    known.reserve(slots_.size());
    for (const Slot& s : slots_) known.push_back(s.socket);
  }
  const Socket socket = NewConnection(known);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.emplace(slots_.end(), socket);
  it->since_ns.store(NowNs(), std::memory_order_relaxed);
  queue_.push_back({std::move(fn), it});
  if (!stopping_ && idle_ < queue_.size() && workers_.size() < options_.max_threads) {
    workers_.emplace_back([this] { Work(); });
  }
  work_cv_.notify_one();
}

void ConnectionPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    ++idle_;
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping, nothing left
    Task task = std::move(queue_.front());
    queue_.pop_front();
    tls_slot = &*task.slot;
    lock.unlock();
    task.fn();  // httplib answers the connection and closes its socket
    lock.lock();
    tls_slot = nullptr;
    slots_.erase(task.slot);
  }
}

void ConnectionPool::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    watch_cv_.wait_for(lock, std::chrono::milliseconds(250));
    const int64_t now = NowNs();
    const int64_t deadline =
        std::chrono::duration_cast<std::chrono::nanoseconds>(options_.request_deadline).count();
    for (Slot& s : slots_) {
      if (s.socket.fd < 0 || s.cut || s.handling.load(std::memory_order_acquire) ||
          now - s.since_ns.load(std::memory_order_acquire) < deadline) {
        continue;
      }
      // The worker closes the socket outside the lock, so the descriptor
      // may already name another file: only the same socket is shut down.
      struct stat st {};
      if (::fstat(s.socket.fd, &st) == 0 && st.st_ino == s.socket.inode) {
        ::shutdown(s.socket.fd, SHUT_RD);
      }
      s.cut = true;
    }
  }
}

void ConnectionPool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  work_cv_.notify_all();
  watch_cv_.notify_all();
  // No thread is added once stopping_ is set, so the list is stable.
  for (std::thread& t : workers_) {
    if (t.joinable()) t.join();
  }
  if (watchdog_.joinable()) watchdog_.join();
  std::lock_guard<std::mutex> lock(mu_);
  workers_.clear();
}

// The slot outlives the task (it is erased after the task returns), so the
// worker may touch its atomics without the lock.
ConnectionPool::Handling::Handling() {
  if (tls_slot == nullptr) return;
  static_cast<Slot*>(tls_slot)->handling.store(true, std::memory_order_release);
}

ConnectionPool::Handling::~Handling() {
  if (tls_slot == nullptr) return;
  auto* slot = static_cast<Slot*>(tls_slot);
  slot->since_ns.store(NowNs(), std::memory_order_release);
  slot->handling.store(false, std::memory_order_release);
}

}  // namespace mara::api
