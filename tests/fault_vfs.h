// A fault-injecting SQLite VFS for the reliability tests: a shim over the
// real default VFS that forwards every call, except that once armed it
// fails the Nth mutating call (xWrite, xSync or xTruncate) on files whose
// name ends in a chosen suffix ("" for every file), and every later one,
// as a full disk stays full:
// - kDiskFull: the write returns SQLITE_FULL without writing;
// - kShortWrite: the first half of the buffer is written for real, then
//   SQLITE_IOERR_WRITE, so a torn page is left on disk;
// - kSyncError: xSync returns SQLITE_IOERR_FSYNC (writes pass).
//
// Contract: Install() registers the shim once per process as the default
// VFS under the name "mara-fault", so every connection opened afterwards
// (the Store opens with the default VFS) goes through it. Counters are
// atomics; Arm/Disarm are for a test's main thread while no connection is
// writing. Header-only because tests/ builds only *_test.cc files.
#ifndef MARA_TESTS_FAULT_VFS_H_
#define MARA_TESTS_FAULT_VFS_H_

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <string>

namespace mara::testing {

class FaultVfs {
 public:
  enum class Fault { kDiskFull, kShortWrite, kSyncError };

  static FaultVfs& Install() {
    // Lives as long as the process, like SQLite's list of VFSes.
    static FaultVfs instance;
    static const bool registered = (instance.Register(), true);
    (void)registered;
    return instance;
  }

  // Fails mutating call number `n` (1-based, counted from now) of the
  // kind `fault` affects, on files ending in `suffix`, and every later one.
  void Arm(Fault fault, long n, std::string suffix = "") {
    fault_ = fault;
    suffix_ = std::move(suffix);
    fail_at_ = n;
    calls_ = 0;
    fired_ = 0;
    armed_ = true;
  }
  void Disarm() { armed_ = false; }
  // Mutating calls counted since Arm (the ones the fault applies to).
  long calls() const { return calls_; }
  // Calls failed since Arm.
  long fired() const { return fired_; }

 private:
  struct File {
    sqlite3_file base;
    const char* name;  // owned by SQLite, valid until xClose
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
  };

  static FaultVfs* self() { return &Install(); }
  static File* Of(sqlite3_file* f) { return reinterpret_cast<File*>(f); }

  bool Matches(const File* f) const {
    if (suffix_.empty()) return true;
    if (f->name == nullptr) return false;
    const size_t n = std::strlen(f->name);
    return n >= suffix_.size() && std::strcmp(f->name + n - suffix_.size(), suffix_.c_str()) == 0;
  }
  // True when this call must fail.
  bool Trip(const File* f, bool is_sync) {
    if (!armed_ || !Matches(f)) return false;
    if ((fault_ == Fault::kSyncError) != is_sync) return false;
    const long n = ++calls_;
    if (n < fail_at_) return false;
    ++fired_;
    return true;
  }

  void Register() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.zName = "mara-fault";
    vfs_.pAppData = this;
    vfs_.xOpen = &XOpen;
    vfs_.pNext = nullptr;
    methods_ = sqlite3_io_methods{};
    methods_.iVersion = 3;
    methods_.xClose = [](sqlite3_file* f) {
      int rc = Of(f)->real()->pMethods ? Of(f)->real()->pMethods->xClose(Of(f)->real()) : 0;
      return rc;
    };
    methods_.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) {
      return Of(f)->real()->pMethods->xRead(Of(f)->real(), b, n, o);
    };
    methods_.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
      File* file = Of(f);
      if (self()->Trip(file, false)) {
        if (self()->fault_ == Fault::kShortWrite && n > 1) {
          file->real()->pMethods->xWrite(file->real(), b, n / 2, o);
          return SQLITE_IOERR_WRITE;
        }
        return SQLITE_FULL;
      }
      return file->real()->pMethods->xWrite(file->real(), b, n, o);
    };
    methods_.xTruncate = [](sqlite3_file* f, sqlite3_int64 size) {
      if (self()->Trip(Of(f), false)) return SQLITE_IOERR_TRUNCATE;
      return Of(f)->real()->pMethods->xTruncate(Of(f)->real(), size);
    };
    methods_.xSync = [](sqlite3_file* f, int flags) {
      if (self()->Trip(Of(f), true)) return SQLITE_IOERR_FSYNC;
      return Of(f)->real()->pMethods->xSync(Of(f)->real(), flags);
    };
    methods_.xFileSize = [](sqlite3_file* f, sqlite3_int64* size) {
      return Of(f)->real()->pMethods->xFileSize(Of(f)->real(), size);
    };
    methods_.xLock = [](sqlite3_file* f, int l) {
      return Of(f)->real()->pMethods->xLock(Of(f)->real(), l);
    };
    methods_.xUnlock = [](sqlite3_file* f, int l) {
      return Of(f)->real()->pMethods->xUnlock(Of(f)->real(), l);
    };
    methods_.xCheckReservedLock = [](sqlite3_file* f, int* out) {
      return Of(f)->real()->pMethods->xCheckReservedLock(Of(f)->real(), out);
    };
    methods_.xFileControl = [](sqlite3_file* f, int op, void* arg) {
      return Of(f)->real()->pMethods->xFileControl(Of(f)->real(), op, arg);
    };
    methods_.xSectorSize = [](sqlite3_file* f) {
      return Of(f)->real()->pMethods->xSectorSize(Of(f)->real());
    };
    methods_.xDeviceCharacteristics = [](sqlite3_file* f) {
      return Of(f)->real()->pMethods->xDeviceCharacteristics(Of(f)->real());
    };
    methods_.xShmMap = [](sqlite3_file* f, int page, int size, int extend, void volatile** out) {
      return Of(f)->real()->pMethods->xShmMap(Of(f)->real(), page, size, extend, out);
    };
    methods_.xShmLock = [](sqlite3_file* f, int offset, int n, int flags) {
      return Of(f)->real()->pMethods->xShmLock(Of(f)->real(), offset, n, flags);
    };
    methods_.xShmBarrier = [](sqlite3_file* f) {
      Of(f)->real()->pMethods->xShmBarrier(Of(f)->real());
    };
    methods_.xShmUnmap = [](sqlite3_file* f, int del) {
      return Of(f)->real()->pMethods->xShmUnmap(Of(f)->real(), del);
    };
    methods_.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** out) {
      return Of(f)->real()->pMethods->xFetch(Of(f)->real(), o, n, out);
    };
    methods_.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) {
      return Of(f)->real()->pMethods->xUnfetch(Of(f)->real(), o, p);
    };
    sqlite3_vfs_register(&vfs_, /*makeDflt=*/1);
  }

  static int XOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
    FaultVfs* me = static_cast<FaultVfs*>(vfs->pAppData);
    File* file = Of(f);
    file->name = name;
    file->real()->pMethods = nullptr;
    const int rc = me->real_->xOpen(me->real_, name, file->real(), flags, out_flags);
    // SQLite calls xClose only when pMethods is set; the real file is closed
    // through ours, so ours is set exactly when the real one is.
    f->pMethods = file->real()->pMethods != nullptr ? &me->methods_ : nullptr;
    return rc;
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  sqlite3_io_methods methods_{};
  std::atomic<bool> armed_{false};
  Fault fault_ = Fault::kDiskFull;
  std::string suffix_;
  std::atomic<long> fail_at_{0};
  std::atomic<long> calls_{0};
  std::atomic<long> fired_{0};
};

}  // namespace mara::testing

#endif  // MARA_TESTS_FAULT_VFS_H_
