// A thin RAII layer over the SQLite C API, used by the SQLite Store backend.
//
// Contract:
// - Db owns one sqlite3 connection and every statement prepared through it;
//   destroying the Db finalizes them and closes the connection. Stmt owns one
//   sqlite3_stmt. Neither is copyable; neither is thread-safe (one thread at a
//   time, like the Store built on them).
// - Db::Prepare caches statements by SQL text for the Db's lifetime and hands
//   out a StmtRef that resets the statement (and clears its bindings) when it
//   goes out of scope, so no statement holds a read snapshot or a lock after
//   use. When the cached statement is already in use (a nested scan), a fresh
//   one is prepared for the caller instead.
// - Text and blob binds do not copy: the bound bytes must outlive the last
//   Step() before the StmtRef goes out of scope.
// - Every SQLite failure becomes a Status: SQLITE_CORRUPT and SQLITE_NOTADB
//   are kCorruption, SQLITE_CONSTRAINT is kConflict, everything else is
//   kIOError. Messages name the database file and carry SQLite's own text.
#ifndef MARA_STORAGE_SQLITE_SQLITE_H_
#define MARA_STORAGE_SQLITE_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/status.h"
#include "storage/inner_layer.h"

namespace mara::sqlite {

// A database path for a message: quoted and escaped like QuoteForMessage
// (common/text.h) but not cut short, since a shortened path names nothing.
std::string QuotePath(std::string_view path);

// The Status for SQLite result code `rc` (primary or extended) with
// `message` as its text.
Status StatusFromCode(int rc, std::string message);

class Db;

class Stmt {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Built by Db only (Key is private).
  Stmt(Key, Db* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  // Parameters are 1-based, as in SQLite. A bind failure (only possible for
  // values beyond SQLite's limits) is reported by the next Step().
  void BindInt(int index, int64_t value);
  void BindDouble(int index, double value);
  void BindText(int index, std::string_view value);
  // Binds bytes as a BLOB (never NULL, even when empty).
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  void BindOptionalText(int index, const std::optional<std::string>& value);
  void BindOptionalDouble(int index, const std::optional<double>& value);

  // True when a row is available, false when the statement has finished.
  Result<bool> Step();
  // Steps to completion, discarding any rows.
  Status Run();
  // Clears the statement's state and bindings so it can be used again.
  void Reset();

  // Columns are 0-based, as in SQLite. Text views stay valid until the next
  // Step() or Reset().
  bool IsNull(int column) const;
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string_view ColumnText(int column) const;
  std::optional<std::string> ColumnOptionalText(int column) const;
  int ColumnCount() const;

  sqlite3_stmt* handle() const { return stmt_; }

 private:
  friend class Db;
  friend class StmtRef;
  void NoteBind(int rc);

  Db* db_;
  sqlite3_stmt* stmt_;
  int bind_error_ = SQLITE_OK;
  bool in_use_ = false;
};

// A statement lent out by Db::Prepare; resets it on destruction.
class StmtRef {
 public:
  // Lends a statement the caller owns (e.g. one kept for a hot path).
  explicit StmtRef(Stmt* borrowed) : StmtRef(borrowed, nullptr) {}
  StmtRef(StmtRef&& other) noexcept;
  StmtRef& operator=(StmtRef&&) = delete;
  StmtRef(const StmtRef&) = delete;
  StmtRef& operator=(const StmtRef&) = delete;
  ~StmtRef();

  Stmt* operator->() const { return stmt_; }
  Stmt& operator*() const { return *stmt_; }

 private:
  friend class Db;
  StmtRef(Stmt* cached, std::unique_ptr<Stmt> owned);

  Stmt* stmt_;
  std::unique_ptr<Stmt> owned_;  // set when the cached statement was busy
};

class Db {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Built by Open only (Key is private).
  Db(Key, sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // Opens `path` with sqlite3_open_v2 `flags` and extended result codes on.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int flags);

  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  // Runs one or more statements that return no rows the caller needs.
  Status Exec(std::string_view sql);
  // A cached prepared statement for `sql`.
  Result<StmtRef> Prepare(std::string_view sql);
  // A statement owned by the caller, outside the cache; for hot paths that
  // keep a pointer instead of looking the SQL text up on every call.
  Result<std::unique_ptr<Stmt>> PrepareUncached(std::string_view sql);
  // A single-column, single-row query; nullopt when there is no row.
  Result<std::optional<std::string>> QueryText(std::string_view sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  int64_t LastInsertRowid() const;
  bool InTransaction() const;

  // The Status for a failed call that returned `rc`, with the connection's
  // error message and the database path.
  Status Error(int rc) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  // Lets the cache be searched with a string_view, without a copy.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>, SqlHash, std::equal_to<>> cache_;
};

}  // namespace mara::sqlite

#endif  // MARA_STORAGE_SQLITE_SQLITE_H_
