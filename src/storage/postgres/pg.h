// A thin RAII layer over libpq, used by the PostgreSQL Store backend.
//
// Contract:
// - Conn owns one PGconn (closed with PQfinish on destruction), its
//   prepared statements (named per connection, prepared on first use and
//   kept for the connection's life) and at most one COPY ... FROM STDIN in
//   progress. Any other statement first ends that COPY, so a caller never
//   sees a connection stuck in copy mode. Rows owns one PGresult (PQclear).
//   Neither is copyable; neither is thread-safe (one thread at a time).
// - Parameters are always sent separately from the SQL text (PQexecParams /
//   PQexecPrepared); no value is ever spliced into SQL. Text parameters
//   holding a NUL byte, which text cannot carry, are refused with
//   kInvalidArgument; bytes (Params::AddBytes, for bytea) travel in binary
//   format, as they are. Results are text unless a caller asks for binary
//   ones (ResultFormat::kBinary: every column in its binary form, bytea as
//   its bytes, integers big-endian).
// - Pool hands out connections to one URL, keeps up to a few idle ones for
//   reuse and is thread-safe. A Lease returns its connection on destruction
//   when the connection is healthy and outside any transaction, and closes
//   it otherwise, so a lease never leaks a transaction to the next user.
// - Every failure becomes a Status: SQLSTATE class 23 (integrity), 40001
//   (serialization) and 40P01 (deadlock) are kConflict; XX001/XX002 (data
//   or index corrupted) are kCorruption; class 22 (data exception) is
//   kInvalidArgument; everything else, connection failures included, is
//   kIOError. Messages name the database (the URL without its password) and
//   carry the server's own text.
#ifndef MARA_STORAGE_POSTGRES_PG_H_
#define MARA_STORAGE_POSTGRES_PG_H_

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "common/status.h"
#include "storage/inner_layer.h"

namespace mara::pg {

// `url` with any password removed, quoted for a message.
std::string RedactUrl(std::string_view url);

// Statement parameters, $1, $2, ... in the order added: text, except those
// added with AddBytes.
class Params {
 public:
  void Clear() { size_ = 0; }
  void Add(std::string_view value);
  // Raw bytes in binary format (for a bytea parameter; may hold NUL).
  void AddBytes(std::string_view value);
  void AddNull();
  void AddInt(int64_t value);
  // Shortest text that reads back as the same double.
  void AddDouble(double value);
  void AddOptional(const std::optional<std::string>& value);
  void AddOptionalDouble(const std::optional<double>& value);

  int size() const { return static_cast<int>(size_); }
  // Pointers, lengths and formats for libpq, valid until the next Add or
  // Clear.
  const char* const* values();
  const int* lengths();
  const int* formats();
  // The first text value holding a NUL byte, if any (1-based), else 0.
  int FirstWithNul() const;

 private:
  std::string& Next();

  size_t size_ = 0;
  std::vector<std::string> storage_;  // reused across Clear() for capacity
  std::vector<bool> null_;
  std::vector<bool> binary_;
  std::vector<const char*> pointers_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

enum class ResultFormat { kText = 0, kBinary = 1 };

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// The rows of one statement's result.
class Rows {
 public:
  Rows() = default;
  explicit Rows(ResultPtr result) : result_(std::move(result)) {}

  int size() const { return result_ ? PQntuples(result_.get()) : 0; }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  // Valid while this Rows lives.
  std::string_view Text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::optional<std::string> OptionalText(int row, int column) const;
  // A column of a binary result holding a 2-, 4- or 8-byte integer
  // (kCorruption otherwise).
  Result<int64_t> BinaryInt(int row, int column) const;
  // kCorruption when the column does not hold a number.
  Result<int64_t> Int(int row, int column) const;
  Result<double> Double(int row, int column) const;
  // Rows touched by an INSERT, UPDATE or DELETE.
  int64_t Affected() const;

 private:
  ResultPtr result_;
};

class Conn {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Built by Open only (Key is private).
  Conn(Key, PGconn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  // Connects to `url` (a libpq connection URI or key=value string).
  static Result<std::unique_ptr<Conn>> Open(const std::string& url);

  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn();

  // One or more statements without parameters whose rows nobody reads.
  Status Exec(std::string_view sql);
  // A statement with parameters, parsed on every call.
  Result<Rows> Query(std::string_view sql, Params& params,
                     ResultFormat format = ResultFormat::kText);
  // A statement prepared once per connection under `name`; `sql` must be
  // the same text on every call with that name.
  Result<Rows> Prepared(std::string_view name, std::string_view sql, Params& params,
                        ResultFormat format = ResultFormat::kText);

  // COPY ... FROM STDIN: BeginCopy starts it (unless this same COPY is
  // already running), CopyRow appends one already-escaped line, EndCopy
  // (or any other statement) finishes it and reports its outcome.
  Status BeginCopy(std::string_view sql);
  Status CopyRow(std::string_view line);
  Status EndCopy();
  bool InCopy() const { return in_copy_; }

  // True when the connection works and no transaction or COPY is open.
  bool Reusable() const;
  bool InTransactionBlock() const;
  // One empty round trip: false when the server is gone.
  bool Ping();
  const std::string& where() const { return where_; }
  PGconn* handle() const { return conn_; }

 private:
  // The Status of a failed result (or of the connection when r is null).
  Status Error(const PGresult* r) const;
  Result<Rows> Finish(PGresult* raw);
  Status FlushCopy();

  PGconn* conn_;
  std::string where_;
  std::unordered_set<std::string> prepared_;
  bool in_copy_ = false;
  std::string copy_sql_;
  std::string copy_buffer_;
};

// Appends `value` to `out` escaped for COPY's text format.
void AppendCopyText(std::string_view value, std::string* out);

class Pool;

// A connection lent by a Pool; gives it back on destruction.
class Lease {
 public:
  Lease(std::shared_ptr<Pool> pool, std::unique_ptr<Conn> conn)
      : pool_(std::move(pool)), conn_(std::move(conn)) {}
  Lease(Lease&&) noexcept = default;
  Lease& operator=(Lease&&) noexcept = default;
  ~Lease();

  Conn* operator->() const { return conn_.get(); }
  Conn& operator*() const { return *conn_; }

 private:
  std::shared_ptr<Pool> pool_;
  std::unique_ptr<Conn> conn_;
};

class Pool : public std::enable_shared_from_this<Pool> {
 public:
  static constexpr size_t kMaxIdle = 8;

  // The process-wide pool for `url`, created on first use.
  static std::shared_ptr<Pool> For(const std::string& url);
  // Closes every idle connection of every pool (for example before the
  // database they point to is dropped).
  static void CloseAllIdle();

  explicit Pool(std::string url) : url_(std::move(url)) {}

  // An idle connection, or a new one.
  Result<Lease> Acquire();
  const std::string& url() const { return url_; }

 private:
  friend class Lease;
  void Release(std::unique_ptr<Conn> conn);
  void CloseIdle();

  const std::string url_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> idle_;
};

// Databases by name on the server of `url` (the administrator's work in a
// deployment; the tests and `mara store copy` tests make scratch ones).
// `name` must be lowercase letters, digits and '_' (kInvalidArgument
// otherwise), since a database name cannot be a statement parameter.
//
// The URL of database `name` on the server of `url`: a postgresql:// URI
// with every other parameter of `url` kept (kInvalidArgument when libpq
// cannot parse `url`).
Result<std::string> WithDatabase(const std::string& url, std::string_view name);
// Creates the database unless it exists.
Status CreateDatabase(const std::string& url, std::string_view name);
// Closes the pools' idle connections, then drops the database with any
// session still connected to it (DROP DATABASE ... WITH (FORCE)).
Status DropDatabase(const std::string& url, std::string_view name);

}  // namespace mara::pg

#endif  // MARA_STORAGE_POSTGRES_PG_H_
