#include "api/connection_pool.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace mara::api {
namespace {

// The pool and connection slot of the current worker thread.
thread_local std::mutex* tls_mu = nullptr;
thread_local void* tls_slot = nullptr;

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

ConnectionPool::Slot ConnectionPool::NewConnection() {
  Slot found;
  int candidates = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == ::dirfd(dir)) continue;
    struct stat st {};
    if (::fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    if (LocalPort(static_cast<int>(fd)) != options_.port || !Connected(static_cast<int>(fd))) {
      continue;
    }
    bool known = false;
    for (const Slot& s : slots_) known = known || (s.fd == fd && s.inode == st.st_ino);
    if (known) continue;
    ++candidates;
    found.fd = static_cast<int>(fd);
    found.inode = st.st_ino;
  }
  ::closedir(dir);
  if (candidates != 1) found = Slot{};
  return found;
}

void ConnectionPool::enqueue(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  Slot slot = NewConnection();
  slot.since = std::chrono::steady_clock::now();
  auto it = slots_.insert(slots_.end(), slot);
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
    tls_mu = &mu_;
    tls_slot = &*task.slot;
    lock.unlock();
    task.fn();  // httplib answers the connection and closes its socket
    lock.lock();
    tls_mu = nullptr;
    tls_slot = nullptr;
    slots_.erase(task.slot);
  }
}

void ConnectionPool::Watch() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    watch_cv_.wait_for(lock, std::chrono::milliseconds(250));
    const auto now = std::chrono::steady_clock::now();
    for (Slot& s : slots_) {
      if (s.fd < 0 || s.handling || s.cut || now - s.since < options_.request_deadline) continue;
      // The worker closes the socket outside the lock, so the descriptor
      // may already name another file: only the same socket is shut down.
      struct stat st {};
      if (::fstat(s.fd, &st) == 0 && st.st_ino == s.inode) ::shutdown(s.fd, SHUT_RD);
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

ConnectionPool::Handling::Handling() {
  if (tls_mu == nullptr) return;
  std::lock_guard<std::mutex> lock(*tls_mu);
  static_cast<Slot*>(tls_slot)->handling = true;
}

ConnectionPool::Handling::~Handling() {
  if (tls_mu == nullptr) return;
  std::lock_guard<std::mutex> lock(*tls_mu);
  auto* slot = static_cast<Slot*>(tls_slot);
  slot->handling = false;
  slot->since = std::chrono::steady_clock::now();
}

}  // namespace mara::api
