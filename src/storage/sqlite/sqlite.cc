#include "storage/sqlite/sqlite.h"

#include <utility>

#include "common/text.h"

namespace mara::sqlite {

std::string QuotePath(std::string_view path) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool valid = IsValidUtf8(path);
  std::string out = "'";
  for (char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F || c == '\'' || c == '\\' || (!valid && c >= 0x80)) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(ch);
    }
  }
  out += "'";
  return out;
}

Status StatusFromCode(int rc, std::string message) {
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_CONSTRAINT:
      return Status::Conflict(std::move(message));
    default:
      return Status::IOError(std::move(message));
  }
}

// ---------------------------------------------------------------- Stmt

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

void Stmt::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Stmt::BindInt(int index, int64_t value) { NoteBind(sqlite3_bind_int64(stmt_, index, value)); }

void Stmt::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value));
}

void Stmt::BindText(int index, std::string_view value) {
  // SQLite reads a null pointer as SQL NULL; an empty string must stay text.
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBind(sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_STATIC, SQLITE_UTF8));
}

void Stmt::BindBlob(int index, std::string_view bytes) {
  const char* data = bytes.data() != nullptr ? bytes.data() : "";
  NoteBind(sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_STATIC));
}

void Stmt::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

void Stmt::BindOptionalText(int index, const std::optional<std::string>& value) {
  if (value) {
    BindText(index, std::string_view(*value));
  } else {
    BindNull(index);
  }
}

void Stmt::BindOptionalDouble(int index, const std::optional<double>& value) {
  if (value) {
    BindDouble(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Stmt::Step() {
  if (bind_error_ != SQLITE_OK) {
    const int rc = bind_error_;
    bind_error_ = SQLITE_OK;
    return StatusFromCode(
        rc, "database " + QuotePath(db_->path()) + ": cannot bind a value: " + sqlite3_errstr(rc));
  }
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc);
}

Status Stmt::Run() {
  while (true) {
    MARA_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
}

bool Stmt::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

int64_t Stmt::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Stmt::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string_view Stmt::ColumnText(int column) const {
  // column_blob, unlike column_text, hands out the bytes in the page without
  // copying them to add a terminating NUL, which a string_view does not need.
  const auto* text = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (text == nullptr) return {};
  return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

std::optional<std::string> Stmt::ColumnOptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return std::string(ColumnText(column));
}

int Stmt::ColumnCount() const { return sqlite3_column_count(stmt_); }

// ---------------------------------------------------------------- StmtRef

StmtRef::StmtRef(Stmt* cached, std::unique_ptr<Stmt> owned)
    : stmt_(owned ? owned.get() : cached), owned_(std::move(owned)) {
  stmt_->in_use_ = true;
}

StmtRef::StmtRef(StmtRef&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), owned_(std::move(other.owned_)) {}

StmtRef::~StmtRef() {
  if (stmt_ == nullptr) return;
  stmt_->Reset();
  stmt_->in_use_ = false;
}

// ---------------------------------------------------------------- Db

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  // sqlite3_open_v2 hands back a handle even on failure; it must be closed.
  auto db = std::make_unique<Db>(Key{}, raw, path);
  if (rc != SQLITE_OK) {
    std::string detail = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    return StatusFromCode(rc, "cannot open database " + QuotePath(path) + ": " + detail);
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Db::~Db() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Status Db::Exec(std::string_view sql) {
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc);
  return Status::Ok();
}

Result<std::unique_ptr<Stmt>> Db::PrepareUncached(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(raw);
    return Error(rc);
  }
  return std::make_unique<Stmt>(Stmt::Key{}, this, raw);
}

Result<StmtRef> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    MARA_ASSIGN_OR_RETURN(auto stmt, PrepareUncached(sql));
    it = cache_.emplace(std::string(sql), std::move(stmt)).first;
  }
  if (!it->second->in_use_) return StmtRef(it->second.get(), nullptr);
  MARA_ASSIGN_OR_RETURN(auto fresh, PrepareUncached(sql));
  return StmtRef(nullptr, std::move(fresh));
}

Result<std::optional<std::string>> Db::QueryText(std::string_view sql) {
  MARA_ASSIGN_OR_RETURN(StmtRef stmt, Prepare(sql));
  MARA_ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return std::optional<std::string>();
  return stmt->ColumnOptionalText(0);
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }

int64_t Db::LastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Db::Error(int rc) const {
  return StatusFromCode(rc, "database " + QuotePath(path_) + ": " + sqlite3_errmsg(db_));
}

}  // namespace mara::sqlite
